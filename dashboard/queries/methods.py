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
    return run_query(
        """
        with flows as (
            select f.*, coalesce(p.kind, 'country') as kind,
                   count(distinct f.partner_iso3) over (
                       partition by f.dataset, f.flow, f.reporter_iso3, coalesce(p.kind, 'country')
                   ) as partners_of_kind
            from stg_trade_flows as f
            left join dim_partner as p on p.partner_id = f.partner_iso3
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
               case when month is null then 'annual' else 'monthly' end as frequency,
               case when month is null then cast(min(year) as varchar)
                    else strftime(min(make_date(year, month, 1)), '%Y-%m') end as first_period,
               case when month is null then cast(max(year) as varchar)
                    else strftime(max(make_date(year, month, 1)), '%Y-%m') end as last_period,
               array_to_string(list_sort(list(distinct hs_level)), ', ') as hs_levels,
               string_agg(distinct left(hs_code, 2), ', ' order by left(hs_code, 2))
                   filter (where hs_level >= 2) as hs_chapters,
               count(*) as rows
        from labelled
        group by dataset, source, value_basis, flow, reporter_iso3, partner_label,
                 month is null
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
    """Rows and columns of each downloadable table."""
    frames = []
    for name in DOWNLOADABLE_TABLES:
        # `name` comes from the fixed whitelist above; identifiers can't be parameters.
        counts = run_query(f'select count(*) as rows from "{name}"')  # noqa: S608
        columns = run_query(
            "select count(*) as columns from duckdb_columns() where table_name = $name",
            {"name": name},
        )
        frames.append(
            pd.DataFrame(
                {
                    "table": [name],
                    "rows": [int(counts["rows"].iloc[0])],
                    "columns": [int(columns["columns"].iloc[0])],
                }
            )
        )
    return pd.concat(frames, ignore_index=True)
