"""Enforcement: what CBP reported stopping at the border, next to what came in. CBP's
published UFLPA and forced-labor figures (as the press quoted them, with their words) drawn
as dated points, never as a series; US imports of chapters 50-63 from the monthly Census
series beside them, as context, never as a share. Frames and words:
dashboard.enforcement_view and dashboard.enforcement_trade."""

import pandas as pd
import streamlit as st

from dashboard import charts, entity_list_view, filters, forced_labor_view, queries, text
from dashboard import enforcement_trade as trade
from dashboard import enforcement_view as view
from dashboard.blocks import Box, Chart, Metric, Note, Prose, Row, Table
from dashboard.db import shared_build
from dashboard.page import Page, Section
from dashboard.render import source_line

LINK = {"url": st.column_config.LinkColumn("link", display_text="source page")}
MEASURES = {"shipments": "Shipments", "value": "Value (USD)"}
MEASURE_WORDS = {"shipments": "shipments", "value": "value"}


def sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def page() -> Page:
    return Page(
        title="Enforcement",
        intro="enforcement/intro.md",
        sections=lambda: [
            Section("", latest),
            Section(
                "UFLPA enforcement over time",
                over_time,
                ("uflpa_shipments", "uflpa_value"),
                fragment=True,
            ),
            Section(
                "Apparel, Footwear & Textiles against all industries",
                industries,
                ("uflpa_industries",),
                fragment=True,
            ),
            Section("Countries of origin", countries, ("uflpa_countries",)),
            Section("The UFLPA Entity List", entity_list, ("entity_list",)),
            Section(
                "US imports of textiles and apparel in the same months",
                imports,
                ("textile_imports",),
            ),
            Section("Counts for periods, and all forced-labor actions", periods, ("targeted",)),
            Section("What CBP does not publish", not_published),
        ],
    )


def enforcement_source() -> str:
    return source_line(["uflpa_snapshots_transcribed"])


@shared_build
def latest() -> list:
    """The latest published totals, each with its date, words and source."""
    totals = queries.uflpa_latest_totals()
    metrics = view.latest_metrics(totals, tuple(view.LATEST_LABELS))
    if not metrics:
        return [Note("The warehouse has no UFLPA snapshot.", "info")]
    return [
        Row([[Metric(label, value)] for label, value in metrics[:2]]),
        Row([[Metric(label, value)] for label, value in metrics[2:]]),
        Note(view.latest_note(totals, tuple(view.LATEST_LABELS)), "caption"),
    ]


# --- UFLPA over time --------------------------------------------------------------------------


def over_time() -> list:
    industry = filters.radio("Industry", view.INDUSTRIES, "enf_industry", default=view.ALL)
    return over_time_for(industry)


@shared_build
def over_time_for(industry: str) -> list:
    snapshots = queries.uflpa_snapshots()
    words = view.INDUSTRIES[industry]
    out = [Prose("enforcement/snapshots.md", "caption")]
    for measure, chart_id in (("shipments", "uflpa_shipments"), ("value", "uflpa_value")):
        df = view.snapshot_frame(snapshots, industry, measure)
        what = f"UFLPA {MEASURE_WORDS[measure]}, {words.lower()}"
        if df.empty:
            out.append(Note(f"No snapshot gives {what}.", "info", embed=True))
            continue
        counted = view.counted_from(df)
        note = f" {view.REDEFINED}" if measure == "shipments" else ""
        fig = charts.points_chart(
            df.assign(as_of_date=pd.to_datetime(df["as_of_date"])),
            x="as_of_date",
            y="value_number",
            series="result",
            kind="qualifier_kind",
            label="label",
            hover="hover",
            colours=view.RESULT_COLOURS,
            title=f"UFLPA shipments reviewed{'' if measure == 'shipments' else ': their value'}, "
            "cumulative, at each published snapshot",
            subtitle=f"{words}, from {counted} to each date; by exam result where published. "
            f"{charts.MARKER_KEY}"
            + (f"<br>{view.REDEFINED_SHORT}" if measure == "shipments" else ""),
            x_title="Data to (snapshot date)",
            y_title="Shipments" if measure == "shipments" else "USD (CBP's value)",
            source=enforcement_source(),
        )
        summary = view.snapshot_summary(df, sentence(what)) + note
        table = view.figures_table(df, when="as_of")
        out.append(Chart(chart_id, fig, df, summary, table))
    return out


def industries() -> list:
    measure = filters.radio("Measure", MEASURES, "enf_measure", default="shipments")
    return industries_for(measure)


@shared_build
def industries_for(measure: str) -> list:
    figures = queries.uflpa_figures()
    df = view.industry_comparison(figures, measure)
    what = f"UFLPA {MEASURE_WORDS[measure]}"
    out = [Prose("enforcement/industries.md", "caption")]
    if df.empty:
        return out + [Note(view.comparison_summary(df, what), "info", embed=True)]
    windows = list(dict.fromkeys(df.sort_values("period_start")["window"]))
    fig = charts.points_chart(
        df,
        x="window",
        y="value_number",
        series="series",
        kind="qualifier_kind",
        label="label",
        hover="hover",
        colours=view.INDUSTRY_COLOURS,
        title=f"{what}: {view.AFT} against all industries",
        subtitle="Periods for which one source gives both; not a share (the two figures "
        f"may be rounded differently). {charts.MARKER_KEY}"
        + (f"<br>{view.REDEFINED_SHORT}" if measure == "shipments" else ""),
        x_title="Period (the source's label)",
        y_title="Shipments" if measure == "shipments" else "USD (CBP's value)",
        source=enforcement_source(),
        category_order=windows,
        categories_on="x",
    )
    summary = view.comparison_summary(df, what)
    if measure == "shipments":
        summary += f" {view.REDEFINED}"
    table = view.figures_table(df, when="window")
    every = view.with_windows(figures[figures["industry"] != view.ALL])
    return out + [
        Chart("uflpa_industries", fig, df, summary, table),
        Box(
            [
                Table(
                    view.figures_table(every, when="window"),
                    key="uflpa_by_industry",
                    title="Every published UFLPA figure for one industry",
                    source=enforcement_source(),
                    units="shipments or USD, as printed",
                    column_config=LINK,
                )
            ],
            expander="Every published figure for one industry (electronics, industrial "
            "materials, base metals and others)",
        ),
    ]


@shared_build
def countries() -> list:
    snapshots = queries.uflpa_snapshots()
    df = view.countries_frame(snapshots)
    if df.empty:
        return [Note("No snapshot gives values by country of origin.", "info", embed=True)]
    order = list(dict.fromkeys(df["country"]))
    fig = charts.points_chart(
        df,
        x="value_number",
        y="country",
        series="series",
        kind="qualifier_kind",
        label="label",
        hover="hover",
        title="Value of UFLPA shipments reviewed, by country of origin",
        subtitle=f"All industries, cumulative; every figure as worded by its source. "
        f"{charts.MARKER_KEY}",
        x_title="USD (CBP's value)",
        y_title="",
        source=enforcement_source(),
        category_order=order,
        categories_on="y",
        height=420,
    )
    every = snapshots[snapshots["country"] != view.ALL]
    every = every.assign(
        as_of=[
            view.as_of_words(d, p)
            for d, p in zip(every["as_of_date"], every["as_of_precision"], strict=True)
        ]
    )
    return [
        Chart(
            "uflpa_countries",
            fig,
            df,
            view.countries_summary(df),
            view.figures_table(every, when="as_of"),
        )
    ]


@shared_build
def entity_list() -> list:
    notices = queries.entity_list()
    df = entity_list_view.entity_frame(notices)
    if df.empty:
        return [Note("No notice states the list's size.", "info", embed=True)]
    fig = charts.points_chart(
        df.assign(notice_date=pd.to_datetime(df["notice_date"])),
        x="notice_date",
        y="total_stated",
        series="series",
        kind="kind",
        label="label",
        hover="hover",
        colours={"Entities on the list, as stated": "#0072B2"},
        title="Entities on the UFLPA Entity List, as stated at each notice",
        subtitle="Totals as a source stated them (not a running sum of additions); "
        "notices without a stated total or a single printed day are in the table",
        x_title="Notice date",
        y_title="Entities on the list",
        source=source_line(["uflpa_entity_list_transcribed"]),
    )
    return [
        Chart(
            "entity_list",
            fig,
            df,
            entity_list_view.entity_summary(df, notices),
            entity_list_view.entity_table(notices),
        )
    ]


# --- trade beside enforcement -------------------------------------------------------------------


@shared_build
def imports() -> list:
    df = queries.textile_imports_by_month(("WLD", "CHN"))
    out = [Prose("enforcement/imports.md", "caption")]
    if df.empty:
        return out + [Note(trade.coverage_words(df), "info", embed=True)]
    df["period"] = pd.to_datetime(df["period"])
    source = source_line(df["datasets"])
    coverage = trade.coverage_words(df)
    fig = charts.series_over_time_chart(
        df,
        x="period",
        y="value_usd",
        series="partner_iso3",
        series_label="partner_name",
        title="US imports of textiles and apparel (HS chapters 50-63), by month",
        subtitle=f"Customs value; months with every chapter only. {coverage}",
        y_title="USD, customs value",
        source=source,
        events=queries.events(),
    )
    summary = text.trend_summary(
        df,
        x="period",
        y="value_usd",
        series_label="partner_name",
        what="US imports of HS 50-63 by month",
        x_fmt=text.month_label,
    )
    table = df.assign(period=df["period"].dt.strftime("%Y-%m"))[
        ["period", "partner_name", "value_usd", "chapters", "datasets"]
    ].rename(columns={"partner_name": "partner", "value_usd": "value (USD, customs value)"})
    beside = trade.industry_beside_imports(queries.uflpa_figures(), df)
    return out + [
        Note(f"The monthly trade data cover: {coverage}.", "markdown"),
        Chart("textile_imports", fig, df, summary, table),
        Note(f"**{view.AFT}: CBP's figures beside US imports in the same months**", "markdown"),
        Table(
            beside,
            key="aft_beside_imports",
            title=f"{view.AFT} (CBP, UFLPA) beside US imports of HS 50-63 in the same months",
            source=f"{enforcement_source()} | {source}",
            units="CBP: shipments and USD as printed; imports: USD, customs value",
            column_config={
                "US imports, HS 50-63, all countries (USD, customs value)": (
                    st.column_config.NumberColumn(format="%,.0f")
                )
            },
        ),
        Note(trade.beside_summary(beside)),
    ]


# --- periods, all forced-labor actions, what is not published -----------------------------------


@shared_build
def periods() -> list:
    figures = queries.uflpa_figures()
    own = view.with_windows(figures[~figures["is_cumulative"]])
    actions = queries.forced_labor_actions()
    targeted = queries.forced_labor_targeted()
    out = [Prose("enforcement/periods.md", "caption")]
    out.append(
        Table(
            view.figures_table(own, when="window"),
            key="uflpa_periods",
            title="UFLPA figures for a period of their own (not cumulative)",
            source=enforcement_source(),
            units="shipments or USD, as printed",
            column_config=LINK,
        )
    )
    if not targeted.empty:
        out.append(targeted_chart(targeted))
    out.append(
        Box(
            [
                Table(
                    forced_labor_view.actions_table(actions),
                    key="forced_labor_actions",
                    title="All forced-labor actions (WROs, Findings, UFLPA) by fiscal year",
                    source=source_line(["cbp_forced_labor_actions_transcribed"]),
                    units="shipments, entries or USD, as printed",
                    column_config=LINK,
                )
            ],
            expander="All forced-labor actions by fiscal year (WROs, Findings and UFLPA)",
        )
    )
    return out


def targeted_chart(targeted: pd.DataFrame) -> Chart:
    df = forced_labor_view.targeted_frame(targeted)
    fig = charts.points_chart(
        df.assign(month=pd.to_datetime(df["month"])),
        x="month",
        y="entries_targeted",
        series="series",
        kind="kind",
        label="label",
        hover="hover",
        colours={"Entries targeted": "#CC79A7"},
        title="Entries targeted for suspected forced labor, by month",
        subtitle="UFLPA and WROs, from CBP's Monthly Operational Updates as compiled by the "
        "press; targeted is not detained; each month on its own (not cumulative)",
        x_title="Month",
        y_title="Entries targeted",
        source=source_line(["cbp_forced_labor_targeted_transcribed"]),
    )
    return Chart(
        "targeted",
        fig,
        df,
        forced_labor_view.targeted_summary(df),
        forced_labor_view.targeted_table(targeted),
    )


def not_published() -> list:
    return [Prose("enforcement/not_published.md")]
