"""The Data and methods page's questions: coverage, revisions, partner codes, the mapping and
the whole tables for download."""

import pandas as pd

from dashboard.db import cached_query, run_query

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
    "ref_figure_citations",
    "mart_uflpa_enforcement_by_snapshot",
    "ref_uflpa_figures",
    "ref_forced_labor_actions_by_period",
    "ref_forced_labor_targeted_by_month",
    "ref_uflpa_entity_list_by_notice",
    "events",
)


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
    return run_query(f'select * from "{name}" order by all')  # noqa: S608


@cached_query
def trade_coverage() -> pd.DataFrame:
    """What each statistical trade dataset covers: flow, reporter, partner, frequency,
    first and last period, HS levels and chapters, value basis. A dataset with more than
    ten partners of a kind gets one row for them ('223 countries', '19 groupings')."""
    # Aggregated per partner first, then labelled: counting distinct partners over every
    # row with a window took 25 s at 12.5 million rows, this takes about 1 s.
    return run_query(
        """
        with per_partner as (
            select f.dataset, f.source, f.value_basis, f.flow, f.reporter_iso3, f.partner_iso3,
                   f.month is null as annual,
                   min(case when f.month is null then make_date(f.year, 1, 1)
                            else make_date(f.year, f.month, 1) end) as first_date,
                   max(case when f.month is null then make_date(f.year, 1, 1)
                            else make_date(f.year, f.month, 1) end) as last_date,
                   list(distinct f.hs_level) as hs_levels,
                   list(distinct left(f.hs_code, 2)) filter (where f.hs_level >= 2) as chapters,
                   count(*) as rows
            from stg_trade_flows as f
            group by all
        ), flows as (
            select pp.*, coalesce(p.kind, 'country') as kind,
                   count(distinct pp.partner_iso3) over (
                       partition by pp.dataset, pp.flow, pp.reporter_iso3,
                                    coalesce(p.kind, 'country')
                   ) as partners_of_kind
            from per_partner as pp
            left join dim_partner as p on p.partner_id = pp.partner_iso3
        ), labelled as (
            select *,
                   case when partners_of_kind > 10
                        then partners_of_kind || ' ' || replace(kind || 's', 'ys', 'ies')
                        else partner_iso3 end as partner_label
            from flows
        )
        select dataset, source, value_basis,
               case flow when 'M' then 'imports' when 'X' then 'exports' else flow end as flow,
               reporter_iso3 as reporter, partner_label as partner,
               case when annual then 'annual' else 'monthly' end as frequency,
               case when annual then cast(year(min(first_date)) as varchar)
                    else strftime(min(first_date), '%Y-%m') end as first_period,
               case when annual then cast(year(max(last_date)) as varchar)
                    else strftime(max(last_date), '%Y-%m') end as last_period,
               array_to_string(list_sort(list_distinct(flatten(list(hs_levels)))), ', ')
                   as hs_levels,
               nullif(array_to_string(list_sort(list_distinct(flatten(list(chapters)))), ', '), '')
                   as hs_chapters,
               sum(rows) as rows
        from labelled
        group by dataset, source, value_basis, flow, reporter_iso3, partner_label, annual
        order by dataset, flow, reporter, partner = 'WLD' desc, partner
        """
    )


@cached_query
def partner_codes_apart() -> pd.DataFrame:
    """Partner codes that are not ISO3 countries: groupings (never counted as countries)
    and country codes no library maps to ISO3 (kept, under their source's code)."""
    return run_query(
        """
        select partner_id as code, name, kind,
               case when kind = 'grouping' then 'grouping of countries: never added to them'
                    else 'country or territory without an ISO3 code: kept under this code'
               end as treatment
        from dim_partner
        where not has_iso3 and kind <> 'total'
        order by kind desc, code
        """
    )


@cached_query
def hs_revisions_by_year() -> pd.DataFrame:
    """Which HS revision each dataset's rows are classified in, by range of years."""
    return run_query(
        """
        select source, dataset, hs_revision, min(year) as first_year, max(year) as last_year,
               count(*) as rows
        from stg_trade_flows
        where hs_revision is not null
        group by source, dataset, hs_revision
        order by source, dataset, first_year
        """
    )


@cached_query
def same_cell_both_sources(hs_code: str, partner: str) -> pd.DataFrame:
    """One HS code and partner in every year both Comtrade and Census report it annually,
    side by side. Never added or divided: the bases differ (CIF vs customs value)."""
    return run_query(
        """
        with cells as (
            select year, source, value_basis, value_usd, dataset
            from mart_us_imports_by_year_partner_hs
            where hs_code = $hs_code and partner_iso3 = $partner
        ), both_years as (
            select year from cells group by year having count(distinct source) > 1
        )
        select c.year, c.source, c.value_basis, c.value_usd, c.dataset
        from cells as c join both_years using (year)
        order by c.year, c.source
        """,
        {"hs_code": hs_code, "partner": partner},
    )


@cached_query
def hs_lines(codes: tuple) -> pd.DataFrame:
    """US annual imports of the given HS codes (any level), every source and partner."""
    return run_query(
        """
        select hs_code, hs_level, description, partner_iso3, year, source, value_basis,
               value_usd, dataset
        from mart_us_imports_by_year_partner_hs
        where list_contains($codes, hs_code)
        order by year, source, hs_level, hs_code
        """,
        {"codes": list(codes)},
    )


@cached_query
def downloadable_table_sizes() -> pd.DataFrame:
    """Rows and columns of each downloadable table, in one statement (one connection, not
    two per table)."""
    # The names come from the fixed whitelist above; identifiers can't be parameters.
    parts = [
        f"""select '{name}' as "table", (select count(*) from "{name}") as rows,
                   (select count(*) from duckdb_columns()
                    where table_name = '{name}' and database_name = current_database())
                   as columns"""  # noqa: S608
        for name in DOWNLOADABLE_TABLES
    ]
    return run_query(" union all ".join(parts))
