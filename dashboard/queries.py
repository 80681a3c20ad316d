"""Every question the app asks the warehouse, as parameterised SQL.

No value is ever formatted into a SQL string: parameters travel separately
($name placeholders). Each function is cached at this one boundary.
"""

import pandas as pd

from dashboard.db import cached_query, run_query

# Sources a user can choose; each keeps its own value basis.
SOURCES = {
    "comtrade": "UN Comtrade (annual, CIF value)",
    "census": "US Census Bureau (customs value)",
}

# The codes each product family drills down through (chapter -> HS4 -> HS6).
FAMILY_CHAPTERS = {
    "cotton": [str(c) for c in range(50, 64)],
    "tomato": ["07", "20", "21", "12"],
}
FAMILY_HS_PREFIXES = {
    "cotton": [str(c) for c in range(50, 64)],
    "tomato": ["0702", "2002", "2103", "1209"],
}

# Tables users may download whole from the Data and methods page.
DOWNLOADABLE_TABLES = (
    "mart_us_imports_by_year_partner_group",
    "mart_us_imports_by_year_partner_hs",
    "mart_us_imports_by_month_partner_hs",
    "mart_exports_by_year_reporter_partner_hs",
    "mart_tomato_production_by_year_country",
    "dim_product_group",
    "dim_country",
    "dim_source",
    "ref_figures",
    "events",
)


@cached_query
def partners_with_data(source: str) -> pd.DataFrame:
    """Partners that have US import rows from this source, China first."""
    return run_query(
        """
        select distinct m.partner_iso3 as iso3, coalesce(c.name, m.partner_iso3) as name
        from mart_us_imports_by_year_partner_hs as m
        left join dim_country as c on c.iso3 = m.partner_iso3
        where m.source = $source
        union
        select distinct m.partner_iso3, coalesce(c.name, m.partner_iso3)
        from mart_us_imports_by_month_partner_hs as m
        left join dim_country as c on c.iso3 = m.partner_iso3
        where m.source = $source
        order by iso3 <> 'CHN', iso3 = 'WLD', name
        """,
        {"source": source},
    )


@cached_query
def year_bounds(source: str) -> pd.DataFrame:
    return run_query(
        """
        select min(year) as first_year, max(year) as last_year
        from mart_us_imports_by_year_partner_hs
        where source = $source and partner_iso3 <> 'WLD'
        """,
        {"source": source},
    )


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
        select m.year, m.partner_iso3, coalesce(c.name, m.partner_iso3) as partner,
               m.product_group, m.product_group_label, m.value_usd, m.net_weight_kg,
               m.hs6_lines, m.hs6_lines_without_weight, m.value_basis, m.datasets, m.vintage
        from mart_us_imports_by_year_partner_group as m
        left join dim_country as c on c.iso3 = m.partner_iso3
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
        select m.year, m.partner_iso3, coalesce(c.name, m.partner_iso3) as partner,
               m.hs_code, m.hs_level, m.description, m.value_usd, m.quantity,
               m.quantity_unit, m.unit_value_usd, m.net_weight_kg, m.hs_revision,
               m.value_basis, m.dataset, m.vintage
        from mart_us_imports_by_year_partner_hs as m
        left join dim_country as c on c.iso3 = m.partner_iso3
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
        select m.period, m.year, m.month, m.partner_iso3,
               coalesce(c.name, m.partner_iso3) as partner, m.hs_code, m.description,
               m.value_usd, m.value_basis, m.dataset, m.vintage
        from mart_us_imports_by_month_partner_hs as m
        left join dim_country as c on c.iso3 = m.partner_iso3
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


@cached_query
def china_share_by_year(source: str, hs_code: str) -> pd.DataFrame:
    """China's share of US imports of one code, where the same source has a world total."""
    return run_query(
        """
        with china as (
            select year, value_usd, dataset, vintage from mart_us_imports_by_year_partner_hs
            where source = $source and hs_code = $hs_code and partner_iso3 = 'CHN'
        ), world as (
            select year, value_usd, dataset, vintage from mart_us_imports_by_year_partner_hs
            where source = $source and hs_code = $hs_code and partner_iso3 = 'WLD'
        )
        select year, china.value_usd as china_usd, world.value_usd as world_usd,
               china.value_usd / world.value_usd as china_share,
               china.dataset || ',' || world.dataset as datasets
        from china join world using (year)
        order by year
        """,
        {"source": source, "hs_code": hs_code},
    )


@cached_query
def china_share_by_month(hs_code: str) -> pd.DataFrame:
    """China's share of US imports of one code by month (Census customs value)."""
    return run_query(
        """
        with china as (
            select period, value_usd, dataset from mart_us_imports_by_month_partner_hs
            where source = 'census' and hs_code = $hs_code and partner_iso3 = 'CHN'
        ), world as (
            select period, value_usd, dataset from mart_us_imports_by_month_partner_hs
            where source = 'census' and hs_code = $hs_code and partner_iso3 = 'WLD'
        )
        select period, china.value_usd as china_usd, world.value_usd as world_usd,
               china.value_usd / world.value_usd as china_share,
               china.dataset || ',' || world.dataset as datasets
        from china join world using (period)
        order by period
        """,
        {"hs_code": hs_code},
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


@cached_query
def events() -> pd.DataFrame:
    return run_query("select * from events order by event_date")


@cached_query
def ref_figures(figure_ids: tuple) -> pd.DataFrame:
    return run_query(
        "select * from ref_figures where list_contains($ids, figure_id) order by figure_id",
        {"ids": list(figure_ids)},
    )


@cached_query
def ref_figures_by_topic(topic_pattern: str) -> pd.DataFrame:
    return run_query(
        "select * from ref_figures where topic ilike $pattern order by figure_id",
        {"pattern": topic_pattern},
    )


@cached_query
def source_info(datasets: tuple) -> pd.DataFrame:
    return run_query(
        "select * from dim_source where list_contains($datasets, dataset) order by dataset",
        {"datasets": list(datasets)},
    )


@cached_query
def all_sources() -> pd.DataFrame:
    return run_query("select * from dim_source order by kind desc, dataset")


@cached_query
def product_group_mapping() -> pd.DataFrame:
    return run_query(
        """
        select hs_code, description, product_group_label as product_group, family, rule,
               mapping_basis
        from dim_product_group
        order by sort_order, hs_code
        """
    )


@cached_query
def whole_table(name: str) -> pd.DataFrame:
    """A whole mart or dimension, for download. Only whitelisted names."""
    if name not in DOWNLOADABLE_TABLES:
        raise ValueError(f"{name!r} is not a downloadable table")
    # The name is checked against a fixed whitelist above; identifiers can't be parameters.
    return run_query(f'select * from "{name}"')  # noqa: S608
