"""Questions every page asks: the sources and their vintages, the events, the reference
figures, the partners with data and the years the data span."""

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


# Chapters whose China's share of US imports each family charts (where the WRO's products
# are), one line each.
FAMILY_SHARE_CHAPTERS = {
    "cotton": ["52", "61", "62", "63"],
    "tomato": ["07", "20"],
}


FAMILY_HS_PREFIXES = {
    "cotton": [str(c) for c in range(50, 64)],
    "tomato": ["0702", "2002", "2103", "1209"],
}


@cached_query
def partners_with_data(sources: tuple) -> pd.DataFrame:
    """Every partner with US import rows from these sources (countries and the World total,
    never a grouping), China first, World last."""
    return run_query(
        """
        with partners as (
            select partner_iso3, partner_name from mart_us_imports_by_year_partner_hs
            where list_contains($sources, source) and partner_kind <> 'grouping'
            union
            select partner_iso3, partner_name from mart_us_imports_by_month_partner_hs
            where list_contains($sources, source) and partner_kind <> 'grouping'
        )
        select partner_iso3 as iso3, any_value(partner_name) as name
        from partners
        group by partner_iso3
        order by iso3 <> 'CHN', iso3 = 'WLD', name
        """,
        {"sources": list(sources)},
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
def events() -> pd.DataFrame:
    return run_query("select * from events order by event_date")


@cached_query
def ref_figures(figure_ids: tuple) -> pd.DataFrame:
    return run_query(
        "select * from ref_figures where list_contains($ids, figure_id) order by figure_id",
        {"ids": list(figure_ids)},
    )


@cached_query
def ref_figure_citations(figure_ids: tuple) -> pd.DataFrame:
    """Every source each of these figures cites (a figure printed by two sources cites
    both), its own first."""
    return run_query(
        """
        select * from ref_figure_citations where list_contains($ids, figure_id)
        order by figure_id, not is_primary, dataset, cited_as
        """,
        {"ids": list(figure_ids)},
    )


@cached_query
def source_vintages() -> pd.DataFrame:
    """Every dataset's upstream vintage as the source lines print it."""
    return run_query(
        "select distinct upstream_vintage from dim_source where upstream_vintage <> '' order by 1"
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
def data_currency() -> pd.DataFrame:
    """How current each statistical series is: every dataset's first and latest period and
    its vintage (mart_data_currency_by_dataset)."""
    return run_query("select * from mart_data_currency_by_dataset order by series, dataset")
