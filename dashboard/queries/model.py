"""What the exposure model (package exposure/) reads from the warehouse, for the WRO impact
and Exposure modeller pages."""

import pandas as pd

from dashboard.db import cached_query, run_query


@cached_query
def group_imports_all_years(source: str) -> pd.DataFrame:
    """Every year of US imports by partner and product group from one source (so one value
    basis), shaped as exposure.run_model reads it; World rows are left out."""
    return run_query(
        """
        select m.source, m.value_basis, m.partner_iso3,
               m.partner_name as partner, m.product_group,
               m.product_group_label, m.family, m.sort_order, m.year, m.value_usd,
               m.datasets, m.vintage
        from mart_us_imports_by_year_partner_group as m
        where m.source = $source and m.partner_iso3 <> 'WLD'
        order by m.sort_order, m.partner_iso3, m.year
        """,
        {"source": source},
    )


@cached_query
def ref_figures_all() -> pd.DataFrame:
    """Every transcribed reference figure (the model's cited defaults read several)."""
    return run_query("select * from ref_figures order by figure_id")


@cached_query
def model_hs_lines() -> pd.DataFrame:
    """The HS lines the model's defaults read (exposure.assumptions): US imports of apparel
    (chapters 61 and 62) by partner, World included, and of vegetable seeds (HS 120991 and
    the tomato-seed line 1209918070), every source, each row with its own value basis."""
    return run_query(
        """
        select hs_code, hs_level, partner_iso3, year, source, value_basis, value_usd, dataset
        from mart_us_imports_by_year_partner_hs
        where (hs_level = 2 and hs_code in ('61', '62'))
           or hs_code in ('120991', '1209918070')
        order by source, hs_code, partner_iso3, year
        """
    )


@cached_query
def product_group_lines() -> pd.DataFrame:
    """The HS6 -> product group mapping (dim_product_group), as the model maps codes."""
    return run_query(
        """
        select hs_code, hs_level, description, product_group, product_group_label, family,
               sort_order, rule
        from dim_product_group
        order by sort_order, hs_code
        """
    )


@cached_query
def country_codes() -> pd.DataFrame:
    """ISO3 codes and names (dim_country), for checking the origin of uploaded lines. The
    all-partners total (WLD) is not a country a line can come from."""
    return run_query("select iso3, name from dim_country where iso3 <> 'WLD' order by name")
