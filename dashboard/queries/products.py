"""The Cotton and textiles and the Tomatoes pages' questions: US imports by product group and
HS code, by partner, annual and monthly, and China's share where a world total exists."""

import pandas as pd

from dashboard.db import cached_query, run_query
from dashboard.queries.common import FAMILY_CHAPTERS, FAMILY_HS_PREFIXES


@cached_query
def product_groups(family: str) -> pd.DataFrame:
    return run_query(
        """
        select distinct product_group, product_group_label as label, sort_order
        from dim_product_group
        where family = $family
        order by sort_order
        """,
        {"family": family},
    )


@cached_query
def imports_by_year_partner_group(
    source: str, product_group: str, partners: tuple, first_year: int, last_year: int
) -> pd.DataFrame:
    """Annual US imports of one product group, by partner."""
    return run_query(
        """
        select m.year, m.partner_iso3, m.partner_name as partner,
               m.product_group, m.product_group_label, m.value_usd, m.net_weight_kg,
               m.hs6_lines, m.hs6_lines_without_weight, m.value_basis, m.datasets, m.vintage
        from mart_us_imports_by_year_partner_group as m
        where m.source = $source and m.product_group = $product_group
          and list_contains($partners, m.partner_iso3)
          and m.year between $first_year and $last_year
        order by m.partner_iso3, m.year
        """,
        {
            "source": source,
            "product_group": product_group,
            "partners": list(partners),
            "first_year": first_year,
            "last_year": last_year,
        },
    )


@cached_query
def hs_children(parent: str | None, family: str) -> pd.DataFrame:
    """Codes one level below `parent` (chapters when None) that the family covers."""
    if parent is None:
        return run_query(
            """
            select code, description from dim_hs
            where level = 2 and list_contains($chapters, code)
            order by code
            """,
            {"chapters": FAMILY_CHAPTERS[family]},
        )
    return run_query(
        """
        select code, description from dim_hs
        where parent = $parent and level in (4, 6)
          and list_has_any($prefixes, [left(code, 2), left(code, 4)])
        order by code
        """,
        {"parent": parent, "prefixes": FAMILY_HS_PREFIXES[family]},
    )


@cached_query
def imports_by_year_partner_hs(
    source: str, hs_code: str, partners: tuple, first_year: int, last_year: int
) -> pd.DataFrame:
    """Annual US imports of one HS code (any level), by partner."""
    return run_query(
        """
        select m.year, m.partner_iso3, m.partner_name as partner,
               m.hs_code, m.hs_level, m.description, m.value_usd, m.quantity,
               m.quantity_unit, m.unit_value_usd, m.net_weight_kg, m.hs_revision,
               m.value_basis, m.dataset, m.vintage
        from mart_us_imports_by_year_partner_hs as m
        where m.source = $source and m.hs_code = $hs_code
          and list_contains($partners, m.partner_iso3)
          and m.year between $first_year and $last_year
        order by m.partner_iso3, m.year
        """,
        {
            "source": source,
            "hs_code": hs_code,
            "partners": list(partners),
            "first_year": first_year,
            "last_year": last_year,
        },
    )


@cached_query
def imports_by_month_partner_hs(hs_code: str, partners: tuple) -> pd.DataFrame:
    """Monthly US imports (Census, customs value) of one HS code, by partner."""
    return run_query(
        """
        select m.period, m.year, m.month, m.partner_iso3, m.partner_name as partner,
               m.hs_code, m.description, m.value_usd, m.value_basis, m.dataset, m.vintage
        from mart_us_imports_by_month_partner_hs as m
        where m.source = 'census' and m.hs_code = $hs_code
          and list_contains($partners, m.partner_iso3)
        order by m.partner_iso3, m.period
        """,
        {"hs_code": hs_code, "partners": list(partners)},
    )


@cached_query
def monthly_codes(family: str) -> pd.DataFrame:
    """HS codes with monthly Census data for this family."""
    return run_query(
        """
        select distinct m.hs_code as code, m.description
        from mart_us_imports_by_month_partner_hs as m
        where list_has_any($prefixes, [left(m.hs_code, 2), left(m.hs_code, 4)])
           or list_contains($chapters, m.hs_code)
        order by code
        """,
        {"prefixes": FAMILY_HS_PREFIXES[family], "chapters": FAMILY_CHAPTERS[family]},
    )


# The marts and period columns a China's-share query reads, by frequency (identifiers
# cannot be parameters; only these two are ever formatted into the SQL).
SHARE_MARTS = {
    "year": ("mart_us_imports_by_year_partner_hs", "year"),
    "month": ("mart_us_imports_by_month_partner_hs", "period"),
}


@cached_query
def china_share(source: str, hs_codes: tuple, frequency: str) -> pd.DataFrame:
    """China's share of US imports of each code by year or month, where the same source
    (so the same value basis) has a world total for it."""
    if frequency not in SHARE_MARTS:
        raise ValueError(f"unknown frequency {frequency!r}")
    mart, period = SHARE_MARTS[frequency]
    return run_query(
        f"""
        with rows as (
            select hs_code, {period} as period, partner_iso3, value_usd, dataset
            from {mart}
            where source = $source and list_contains($codes, hs_code)
              and partner_iso3 in ('CHN', 'WLD')
        )
        select c.hs_code, c.period as {period}, c.value_usd as china_usd,
               w.value_usd as world_usd, c.value_usd / w.value_usd as china_share,
               c.dataset || ',' || w.dataset as datasets
        from rows as c
        join rows as w on w.hs_code = c.hs_code and w.period = c.period
        where c.partner_iso3 = 'CHN' and w.partner_iso3 = 'WLD'
        order by c.hs_code, c.period
        """,  # noqa: S608
        {"source": source, "codes": list(hs_codes)},
    )


@cached_query
def china_group_totals(family: str, years: tuple) -> pd.DataFrame:
    """US imports from China (Comtrade, CIF) of each product group in the given years."""
    return run_query(
        """
        select m.product_group, m.product_group_label, m.sort_order, m.year, m.value_usd,
               m.value_basis, m.datasets, m.vintage
        from mart_us_imports_by_year_partner_group as m
        where m.source = 'comtrade' and m.partner_iso3 = 'CHN' and m.family = $family
          and list_contains($years, m.year)
        order by m.sort_order, m.year
        """,
        {"family": family, "years": list(years)},
    )
