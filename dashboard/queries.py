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


# --- Tomato paste world trade page ------------------------------------------------------
# Exports as reported by the exporters (UN Comtrade, FOB). Only ISO countries count as
# reporters (aggregates and 'WLD' are left out), and only one source and basis is summed.

EXPORT_MEASURES = {"value": "value_usd", "weight": "net_weight_kg"}


@cached_query
def export_years(hs_code: str) -> pd.DataFrame:
    """Years with Comtrade (FOB) exports-to-World rows for this HS code, and reporters per year."""
    return run_query(
        """
        select m.year, count(distinct m.reporter_iso3) as reporters
        from mart_exports_by_year_reporter_partner_hs as m
        join dim_country as c on c.iso3 = m.reporter_iso3
        where m.source = 'comtrade' and m.value_basis = 'FOB' and m.hs_code = $hs_code
          and m.partner_iso3 = 'WLD' and m.reporter_iso3 <> 'WLD'
        group by m.year
        order by m.year
        """,
        {"hs_code": hs_code},
    )


@cached_query
def china_share_of_world_exports(hs_code: str, measure: str) -> pd.DataFrame:
    """China's exports to World over the sum of every reporter's exports to World, by year.

    `measure` is 'value' (USD, FOB) or 'weight' (net weight, kg). Reporters without the
    measure in a year are counted separately, never filled in.
    """
    if measure not in EXPORT_MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    return run_query(
        """
        with rows as (
            select m.year, m.reporter_iso3, m.dataset, m.vintage,
                   case when $measure = 'weight' then m.net_weight_kg else m.value_usd end
                       as amount
            from mart_exports_by_year_reporter_partner_hs as m
            join dim_country as c on c.iso3 = m.reporter_iso3
            where m.source = 'comtrade' and m.value_basis = 'FOB' and m.hs_code = $hs_code
              and m.partner_iso3 = 'WLD' and m.reporter_iso3 <> 'WLD'
        ), by_year as (
            select year,
                   sum(amount) filter (where reporter_iso3 = 'CHN') as china_amount,
                   sum(amount) as world_amount,
                   count(*) filter (where amount is not null) as reporters,
                   count(*) filter (where amount is null) as reporters_without_measure,
                   string_agg(distinct dataset, ',' order by dataset) as datasets,
                   max(vintage) as vintage
            from rows
            group by year
        )
        select year, 'CHN' as iso3, 'China' as country, china_amount, world_amount,
               china_amount / nullif(world_amount, 0) as china_share, reporters,
               reporters_without_measure, $measure as measure, datasets, vintage
        from by_year
        where china_amount is not null
        order by year
        """,
        {"hs_code": hs_code, "measure": measure},
    )


@cached_query
def top_exporters(hs_code: str, year: int, measure: str, limit: int) -> pd.DataFrame:
    """The biggest reporters' exports to World of one HS code in one year (Comtrade, FOB)."""
    if measure not in EXPORT_MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    return run_query(
        """
        with rows as (
            select m.reporter_iso3 as iso3, coalesce(c.name, m.reporter_iso3) as country,
                   case when $measure = 'weight' then m.net_weight_kg else m.value_usd end
                       as amount,
                   m.dataset, m.vintage
            from mart_exports_by_year_reporter_partner_hs as m
            join dim_country as c on c.iso3 = m.reporter_iso3
            where m.source = 'comtrade' and m.value_basis = 'FOB' and m.hs_code = $hs_code
              and m.partner_iso3 = 'WLD' and m.reporter_iso3 <> 'WLD' and m.year = $year
        ), ranked as (
            select *, amount / sum(amount) over () as share_of_reported_total,
                   count(*) over () as reporters,
                   row_number() over (order by amount desc nulls last, iso3) as rank
            from rows
            where amount is not null
        )
        select rank, iso3, country, amount, share_of_reported_total, reporters,
               $year as year, $measure as measure, dataset, vintage
        from ranked
        where rank <= $limit
        order by rank
        """,
        {"hs_code": hs_code, "year": year, "measure": measure, "limit": limit},
    )


@cached_query
def destination_years(hs_code: str, reporter: str) -> pd.DataFrame:
    """Years with a reporter's exports of one HS code by partner country (not World)."""
    return run_query(
        """
        select year, count(distinct partner_iso3) as partners
        from mart_exports_by_year_reporter_partner_hs
        where source = 'comtrade' and value_basis = 'FOB' and hs_code = $hs_code
          and reporter_iso3 = $reporter and partner_iso3 <> 'WLD'
        group by year
        order by year
        """,
        {"hs_code": hs_code, "reporter": reporter},
    )


@cached_query
def exports_by_destination(
    hs_code: str, reporter: str, year: int, measure: str, limit: int
) -> pd.DataFrame:
    """A reporter's exports of one HS code to each partner in one year, biggest first, with
    each partner's share of the reporter's own exports to World (same source and basis)."""
    if measure not in EXPORT_MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    return run_query(
        """
        with rows as (
            select m.partner_iso3,
                   case when $measure = 'weight' then m.net_weight_kg else m.value_usd end
                       as amount,
                   m.dataset, m.vintage
            from mart_exports_by_year_reporter_partner_hs as m
            where m.source = 'comtrade' and m.value_basis = 'FOB' and m.hs_code = $hs_code
              and m.reporter_iso3 = $reporter and m.year = $year
        ), world as (
            select amount as world_amount from rows where partner_iso3 = 'WLD'
        ), ranked as (
            select r.*, row_number() over (order by r.amount desc nulls last, r.partner_iso3)
                       as rank,
                   count(*) over () as partners
            from rows as r
            where r.partner_iso3 <> 'WLD' and r.amount is not null
        )
        select r.rank, r.partner_iso3 as iso3, coalesce(c.name, r.partner_iso3) as country,
               r.amount, w.world_amount, r.amount / nullif(w.world_amount, 0) as share_of_world,
               r.partners, $year as year, $measure as measure, r.dataset, r.vintage
        from ranked as r
        left join world as w on true
        left join dim_country as c on c.iso3 = r.partner_iso3
        where r.rank <= $limit
        order by r.rank
        """,
        {
            "hs_code": hs_code,
            "reporter": reporter,
            "year": year,
            "measure": measure,
            "limit": limit,
        },
    )


@cached_query
def tomato_production_years() -> pd.DataFrame:
    return run_query(
        """
        select min(year) as first_year, max(year) as last_year
        from mart_tomato_production_by_year_country
        where is_country and world_tonnes is not null
        """
    )


@cached_query
def tomato_producers() -> pd.DataFrame:
    """Countries in the production mart, biggest producer in the latest year first."""
    return run_query(
        """
        with latest as (
            select max(year) as year from mart_tomato_production_by_year_country where is_country
        )
        select m.iso3, arg_max(m.entity, m.year) as name,
               max(m.tonnes) filter (where m.year = latest.year) as latest_tonnes
        from mart_tomato_production_by_year_country as m
        cross join latest
        where m.is_country
        group by m.iso3
        order by latest_tonnes desc nulls last, name
        """
    )


@cached_query
def tomato_production_share(iso3s: tuple, first_year: int, last_year: int) -> pd.DataFrame:
    """Each chosen country's tomato production and share of the world total, by year."""
    return run_query(
        """
        select year, iso3, entity as country, tonnes, world_tonnes, share_of_world,
               'fao_tomato_production' as dataset, vintage
        from mart_tomato_production_by_year_country
        where is_country and list_contains($iso3s, iso3)
          and year between $first_year and $last_year and share_of_world is not null
        order by iso3 <> 'CHN', iso3, year
        """,
        {"iso3s": list(iso3s), "first_year": first_year, "last_year": last_year},
    )


@cached_query
def top_tomato_producers(year: int, limit: int) -> pd.DataFrame:
    """The biggest tomato producers in one year, with their share of the world total."""
    return run_query(
        """
        select row_number() over (order by tonnes desc, iso3) as rank, iso3,
               entity as country, tonnes, world_tonnes, share_of_world, year,
               'fao_tomato_production' as dataset, vintage
        from mart_tomato_production_by_year_country
        where is_country and year = $year and tonnes is not null
        order by rank
        limit $limit
        """,
        {"year": year, "limit": limit},
    )


@cached_query
def ref_figures_by_prefix(prefixes: tuple) -> pd.DataFrame:
    """Reference figures whose id starts with one of `prefixes` (e.g. 'TOM', 'TPT', 'PTV')."""
    return run_query(
        """
        select * from ref_figures
        where list_contains($prefixes, split_part(figure_id, '-', 1))
        order by figure_id
        """,
        {"prefixes": list(prefixes)},
    )


# --- Data and methods page --------------------------------------------------------------


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


# --- WRO impact and Exposure modeller pages ----------------------------------------------
# What the exposure model (package exposure/) reads from the warehouse.


@cached_query
def group_imports_all_years(source: str) -> pd.DataFrame:
    """Every year of US imports by partner and product group from one source (so one value
    basis), shaped as exposure.run_model reads it; World rows are left out."""
    return run_query(
        """
        select m.source, m.value_basis, m.partner_iso3,
               coalesce(c.name, m.partner_iso3) as partner, m.product_group,
               m.product_group_label, m.family, m.sort_order, m.year, m.value_usd,
               m.datasets, m.vintage
        from mart_us_imports_by_year_partner_group as m
        left join dim_country as c on c.iso3 = m.partner_iso3
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
