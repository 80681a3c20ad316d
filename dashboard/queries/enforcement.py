"""The Enforcement page's questions (and the Overview's and WRO impact page's latest UFLPA
totals): CBP's published enforcement figures as quoted by the press, and US imports of
chapters 50-63 from the monthly Census series beside them. Every figure keeps its printed
words (value_text, qualifier); no query differences two snapshots."""

import pandas as pd

from dashboard.db import cached_query, run_query

# CBP's "Apparel, Footwear & Textiles" is compared with US imports of these HS chapters
# (textiles and apparel; CBP's industry also covers footwear and headgear, 64-65).
TEXTILE_CHAPTERS = tuple(str(c) for c in range(50, 64))


@cached_query
def uflpa_snapshots() -> pd.DataFrame:
    """Every cumulative UFLPA figure at a dated snapshot (from 21 June 2022)."""
    return run_query(
        """
        select * from mart_uflpa_enforcement_by_snapshot
        order by as_of_date, snapshot_label, industry, country, measure, exam_result
        """
    )


@cached_query
def uflpa_figures() -> pd.DataFrame:
    """Every UFLPA figure, cumulative or for its own period, with its words and source."""
    return run_query(
        "select * from ref_uflpa_figures order by period_start, period_end_text, period_label"
    )


@cached_query
def uflpa_latest_totals() -> pd.DataFrame:
    """For each all-industry, all-origin measure (shipments, value, denied, released,
    pending): the latest snapshot that gives it, with its words and source."""
    return run_query(
        """
        select * from mart_uflpa_enforcement_by_snapshot
        where industry = 'All' and country = 'All'
        qualify row_number() over (
            partition by metric order by as_of_date desc, snapshot_label
        ) = 1
        order by measure desc, exam_result
        """
    )


@cached_query
def forced_labor_actions() -> pd.DataFrame:
    return run_query("select * from ref_forced_labor_actions_by_period order by period_start")


@cached_query
def forced_labor_targeted() -> pd.DataFrame:
    return run_query("select * from ref_forced_labor_targeted_by_month order by month")


@cached_query
def entity_list() -> pd.DataFrame:
    return run_query("select * from ref_uflpa_entity_list_by_notice order by notice_date_text")


@cached_query
def textile_imports_by_month(partners: tuple) -> pd.DataFrame:
    """US imports of chapters 50-63 by month from each partner (Census, customs value), only
    in months where every one of those chapters has a row: a month with some chapters
    missing would look like a fall in trade."""
    return run_query(
        """
        select partner_iso3, any_value(partner_name) as partner_name, period,
               sum(value_usd) as value_usd, count(*) as chapters,
               string_agg(distinct dataset, ',' order by dataset) as datasets,
               any_value(value_basis) as value_basis
        from mart_us_imports_by_month_partner_hs
        where source = 'census' and hs_level = 2 and list_contains($chapters, hs_code)
          and list_contains($partners, partner_iso3)
        group by partner_iso3, period
        having count(*) = len($chapters) and count(distinct value_basis) = 1
        order by partner_iso3, period
        """,
        {"chapters": list(TEXTILE_CHAPTERS), "partners": list(partners)},
    )
