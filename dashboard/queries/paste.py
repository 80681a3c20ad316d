"""The Tomato paste world trade page's questions: exports as reported by the exporters (UN
Comtrade, FOB; only ISO countries count as reporters, only one source and basis is summed),
tomato production, and the transcribed paste figures."""

import pandas as pd

from dashboard.db import cached_query, run_query

EXPORT_MEASURES = {"value": "value_usd", "weight": "net_weight_kg"}


@cached_query
def export_years(hs_code: str) -> pd.DataFrame:
    """Years with Comtrade (FOB) exports-to-World rows for this HS code, and reporters per year."""
    return run_query(
        """
        select m.year, count(distinct m.reporter_iso3) as reporters
        from mart_exports_by_year_reporter_partner_hs as m
        where m.reporter_is_country and m.source = 'comtrade' and m.value_basis = 'FOB'
          and m.hs_code = $hs_code and m.partner_iso3 = 'WLD'
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
            where m.reporter_is_country and m.source = 'comtrade' and m.value_basis = 'FOB'
              and m.hs_code = $hs_code and m.partner_iso3 = 'WLD'
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
            select m.reporter_iso3 as iso3, m.reporter_name as country,
                   case when $measure = 'weight' then m.net_weight_kg else m.value_usd end
                       as amount,
                   m.dataset, m.vintage
            from mart_exports_by_year_reporter_partner_hs as m
            where m.reporter_is_country and m.source = 'comtrade' and m.value_basis = 'FOB'
              and m.hs_code = $hs_code and m.partner_iso3 = 'WLD' and m.year = $year
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
            select m.partner_iso3, m.partner_name,
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
        select r.rank, r.partner_iso3 as iso3, r.partner_name as country,
               r.amount, w.world_amount, r.amount / nullif(w.world_amount, 0) as share_of_world,
               r.partners, $year as year, $measure as measure, r.dataset, r.vintage
        from ranked as r
        left join world as w on true
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


# --- world tomato-paste exports by every exporter (FAOSTAT) --------------------------------

FAO_MEASURES = {"quantity": "quantity_t", "value": "value_usd"}


def _fao_measure(measure: str) -> str:
    if measure not in FAO_MEASURES:
        raise ValueError(f"unknown measure {measure!r}")
    return measure


@cached_query
def paste_export_domains() -> pd.DataFrame:
    """FAOSTAT domains with paste exports, their years and measures."""
    return run_query(
        """
        select domain, any_value(domain_label) as label, min(year) as first_year,
               max(year) as last_year, count(value_usd) > 0 as has_value
        from mart_paste_exports_by_year_exporter
        where exporter_id = 'WLD'
        group by domain
        order by domain desc
        """
    )


@cached_query
def paste_exports_by_exporter(domain: str, measure: str) -> pd.DataFrame:
    """Every ISO exporter's tomato-paste exports by year in one FAOSTAT domain, with World,
    each exporter's share of World and its rank among ISO exporters that year."""
    _fao_measure(measure)
    return run_query(
        """
        with rows as (
            select year, exporter_id, exporter_name, exporter_kind,
                   case when $measure = 'value' then value_usd else quantity_t end as amount,
                   case when $measure = 'value' then world_value_usd else world_quantity_t end
                       as world_amount,
                   datasets as dataset, vintage
            from mart_paste_exports_by_year_exporter
            where domain = $domain and (has_iso3 or exporter_id = 'WLD')
        )
        select *, amount / nullif(world_amount, 0) as share,
               case when exporter_id <> 'WLD' and amount > 0 then
                   rank() over (partition by year, exporter_id = 'WLD'
                                order by amount desc nulls last) end as rank
        from rows
        where amount is not null
        order by year, exporter_id
        """,
        {"domain": domain, "measure": measure},
    )
