"""Tomato paste world trade: China's share of world paste exports (FAOSTAT; UN Comtrade once
fetched), where China's paste goes, China's share of world tomato production, Xinjiang's
weight, and every transcribed figure. Statistical series are charted; press and official
figures stand apart, as cited quotes (dashboard.sections.paste_references)."""

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, filters, queries, suppliers_view, text, theme
from dashboard import paste_view as view
from dashboard.blocks import Chart, Note, Prose, Table
from dashboard.db import shared_build
from dashboard.page import Page, Section
from dashboard.paste_view import MEASURES, PASTE_HS, REF_HEADING, REF_THEMES, TOP_N
from dashboard.render import source_line
from dashboard.sections import paste_references as refs


def page() -> Page:
    def sections() -> list[Section]:
        # The Comtrade measure also sets the destinations chart's: one fragment can't
        # rerun the other, so with Comtrade data the exports section reruns the page.
        comtrade = not queries.export_years(PASTE_HS).empty
        return [
            Section(
                "China's share of world tomato-paste exports",
                exports,
                ("fao_paste_share", "fao_paste_exporters", "paste_share", "paste_exporters"),
                fragment=not comtrade,
            ),
            Section(
                "Where China's tomato paste goes",
                destinations,
                ("paste_destinations",),
                fragment=True,
            ),
            Section(
                "China's share of world tomato production",
                production,
                ("production_share", "producers"),
                fragment=True,
            ),
            Section("Xinjiang's weight in China's tomatoes", xinjiang),
            Section(
                "All transcribed figures on tomato paste, processing tomatoes and Xinjiang",
                all_references,
                fragment=True,
            ),
        ]

    return Page(
        title="Tomato paste world trade",
        intro="paste/intro.md",
        sections=sections,
        data=("faostat_paste", "faostat_production"),
    )


def choose_year(label: str, years, key: str, where=None) -> int:
    """A select box of years, bound to the URL; the latest year is the default."""
    options = {int(y): str(int(y)) for y in years}
    return filters.select(label, options, key, default=max(options), where=where)


# --- exports -------------------------------------------------------------------------------


def exports() -> list:
    domains = queries.paste_export_domains()
    out = (
        fao_exports(domains)
        if not domains.empty
        else [Note("The warehouse has no FAOSTAT tomato-paste exports.", "info", embed=True)]
    )
    years = queries.export_years(PASTE_HS)
    if not years.empty:
        out += comtrade_exports(years)
    return out + [refs.share_box()]


def fao_exports(domains: pd.DataFrame) -> list:
    """China's share and the top exporters from FAOSTAT, one series at a time."""
    labels = dict(domains[["domain", "label"]].values)
    cols = st.columns(2)
    domain = filters.select(
        "FAOSTAT series", labels, "paste_fao_domain", default="TCL", where=cols[0]
    )
    has_value = bool(domains.set_index("domain").loc[domain, "has_value"])
    measures = view.FAO_MEASURES if has_value else {"quantity": view.FAO_MEASURES["quantity"]}
    measure = filters.select(
        "Measure", measures, "paste_fao_measure", default="quantity", where=cols[1]
    )
    return fao_series(domain, labels[domain], measure)


@shared_build
def fao_series(domain: str, label: str, measure: str) -> list:
    df = queries.paste_exports_by_exporter(domain, measure)
    return [
        Prose("paste/faostat_series.md", "caption"),
        *fao_share_chart(df, label, measure),
        fao_exporters_chart(df, label, measure),
    ]


def fao_share_chart(df: pd.DataFrame, label: str, measure: str) -> list:
    china = view.china_rows(df)
    if china.empty:
        return [Note("FAOSTAT has no tomato-paste exports from China in this series.", "info")]
    fig = charts.series_over_time_chart(
        china.assign(iso3="CHN", country="China"),
        x="year",
        y="share",
        series="iso3",
        series_label="country",
        title="China's share of world tomato-paste exports",
        subtitle=f"China (mainland) / World, {view.FAO_MEASURES[measure].lower()}; {label}",
        y_title=f"Share of world exports ({view.FAO_MEASURES[measure].lower()})",
        source=source_line(df["dataset"].drop_duplicates()),
        events=charts.events_to_mark(queries.events(), int(np.ptp(china["year"]))),
        percent=True,
    )
    summary = view.fao_share_summary(china, measure)
    return [Chart("fao_paste_share", fig, china, summary, view.fao_share_table(china, measure))]


def fao_exporters_chart(df: pd.DataFrame, label: str, measure: str) -> Chart:
    frame = view.exporters_frame(df)
    latest = int(frame["period"].max())
    ranked = frame[(frame["period"] == latest) & (frame["partner_kind"] == "country")]
    top = suppliers_view.top_suppliers(ranked.sort_values("value", ascending=False))
    years = sorted(frame["period"].unique())
    shares = suppliers_view.shares_over_time(frame, years, top, "All other exporters")
    shares = shares.rename(columns={"period": "year"})
    fig = charts.series_over_time_chart(
        shares,
        x="year",
        y="share",
        series="partner_iso3",
        series_label="partner_name",
        title="The top tomato-paste exporters over time",
        subtitle=f"Shares of world exports, {view.FAO_MEASURES[measure].lower()}: the "
        f"{len(top)} biggest exporters of {latest} and all others; {label}",
        y_title="Share of world exports",
        source=source_line(df["dataset"].drop_duplicates()),
        events=charts.events_to_mark(queries.events(), latest - int(years[0])),
        percent=True,
        colours=charts.distinct_colours(top) | {suppliers_view.ALL_OTHERS: theme.OTHER_COLOUR},
    )
    summary = suppliers_view.shares_summary(
        shares.rename(columns={"year": "period"}), what="Share of world tomato-paste exports"
    )
    return Chart("fao_paste_exporters", fig, shares, summary)


def comtrade_exports(years: pd.DataFrame) -> list:
    """China's share and the top exporters from fetched UN Comtrade exports (FOB)."""
    measure = filters.radio(
        "Measure (UN Comtrade)",
        MEASURES,
        "paste_measure",
        help="Shares by value and by net weight can differ; reporters without a net weight "
        "are counted in the table, never filled in.",
    )
    out = comtrade_share(measure)
    year = choose_year("Year for the exporters' ranking", years["year"], "paste_year")
    return out + comtrade_ranking(int(year), measure)


@shared_build
def comtrade_share(measure: str) -> list:
    out = [Note("**From UN Comtrade (fetched; exporters' own reports, FOB value)**", "markdown")]
    df = queries.china_share_of_world_exports(PASTE_HS, measure)
    if df.empty:
        out.append(
            Note(
                "China reports no tomato-paste exports to the World in the fetched data.",
                "info",
                embed=True,
            )
        )
    else:
        basis = "value, USD FOB" if measure == "value" else "net weight"
        fig = view.shares_chart(
            df,
            "china_share",
            title="China's share of world tomato-paste exports, UN Comtrade (HS 200290)",
            subtitle="China's exports to World / sum of every reporting country's exports to "
            f"World; {basis}; exporters' own reports",
            y_title=f"Share of reported world exports ({basis})",
            source=source_line(df["datasets"]),
            events=queries.events(),
        )
        out.append(
            Chart(
                "paste_share",
                fig,
                df,
                view.export_share_summary(df),
                view.export_share_table(df, measure),
            )
        )
    return out


@shared_build
def comtrade_ranking(year: int, measure: str) -> list:
    df = queries.top_exporters(PASTE_HS, year, measure, TOP_N)
    if df.empty:
        return [Note(f"No reporter has a {MEASURES[measure].lower()} for {year}.", "info")]
    df = view.in_display_units(df, measure, "share_of_reported_total")
    fig = view.amounts_ranking_chart(
        df,
        measure,
        title=f"Top tomato-paste exporters, {year}",
        subtitle=f"Exports to World (HS 200290), {MEASURES[measure]}; labels: share of the "
        f"{int(df['reporters'].iloc[0])} reporting countries' total",
        source=source_line(df["dataset"]),
    )
    table = view.amounts_table(df, measure, "share_of_reported_total", "Share")
    return [Chart("paste_exporters", fig, df, view.top_exporters_summary(df, year, measure), table)]


# --- destinations ---------------------------------------------------------------------------


def destinations() -> list:
    years = queries.destination_years(PASTE_HS, "CHN")
    if years.empty:
        return destinations_for(None, None)
    measure = st.session_state.get("paste_measure", "value")
    year = choose_year("Year for China's destinations", years["year"], "paste_dest_year")
    return destinations_for(int(year), measure)


@shared_build
def destinations_for(year: int | None, measure: str | None) -> list:
    intro = (
        "China's paste by region (Tomato News) and Xinjiang's destinations in Jan-Jul "
        "2022 (China customs as reported by the press)."
    )
    box = refs.theme_box("destinations", intro)
    if year is None:
        return [Prose("paste/no_destinations.md"), box]
    df = queries.exports_by_destination(PASTE_HS, "CHN", year, measure, TOP_N)
    if df.empty:
        return [
            Note(f"China reports no paste exports by destination for {year}.", "info", embed=True),
            box,
        ]
    df = view.in_display_units(df, measure, "share_of_world", blank_missing=True)
    fig = view.amounts_ranking_chart(
        df,
        measure,
        title=f"China's tomato-paste exports by destination, {year}",
        subtitle=f"Top {TOP_N} partners as reported by China (HS 200290), "
        f"{MEASURES[measure]}; labels: share of China's exports to World",
        source=source_line(df["dataset"]),
        highlight="",
    )
    table = view.amounts_table(df, measure, "share_of_world", "Share of China's exports to World")
    summary = view.destinations_summary(df, year, measure)
    return [Chart("paste_destinations", fig, df, summary, table), box]


# --- production -----------------------------------------------------------------------------


def production() -> list:
    bounds = queries.tomato_production_years().iloc[0]
    if pd.isna(bounds["first_year"]):
        return [
            Note(
                "The warehouse has no tomato production data (FAOSTAT via OWID).",
                "info",
                embed=True,
            )
        ]
    first, last = int(bounds["first_year"]), int(bounds["last_year"])
    names = dict(queries.tomato_producers()[["iso3", "name"]].values)
    chosen = filters.multiselect(
        "Countries",
        names,
        "paste_countries",
        default=view.DEFAULT_PRODUCERS,
        help="China is always drawn in the same colour.",
    )
    lo, hi = filters.year_range("Years", "paste_years", first, last)
    return [
        *production_share(chosen, lo, hi),
        *top_producers(first, last),
        Prose("paste/producers_note.md", "caption"),
    ]


@shared_build
def production_share(chosen: tuple[str, ...], lo: int, hi: int) -> list:
    if not chosen:
        return [Note("Choose at least one country.", "info", embed=True)]
    df = queries.tomato_production_share(tuple(chosen), lo, hi)
    if df.empty:
        return [Note("No production data for these countries and years.", "info", embed=True)]
    fig = view.shares_chart(
        df,
        "share_of_world",
        title="Share of world tomato production",
        subtitle=f"{lo}-{hi}; country tonnes / World tonnes in the same FAOSTAT file; "
        "fresh-market and processing tomatoes together",
        y_title="Share of world production (tonnes)",
        source=source_line(df["dataset"]),
        events=charts.events_to_mark(queries.events(), hi - lo),
        colours=charts.distinct_colours(chosen),
    )
    return [
        Chart(
            "production_share",
            fig,
            df,
            view.production_share_summary(df),
            view.production_share_table(df),
        )
    ]


def top_producers(first: int, last: int) -> list:
    year = choose_year(
        "Year for the producers' ranking", range(last, first - 1, -1), "paste_top_year"
    )
    return top_producers_in(year)


@shared_build
def top_producers_in(year: int) -> list:
    df = queries.top_tomato_producers(year, TOP_N)
    if df.empty:
        return [Note(f"No production data for {year}.", "info", embed=True)]
    df["label"] = df["share_of_world"].map(text.share)
    fig = charts.ranking_bar_chart(
        df,
        key="iso3",
        label="country",
        value="tonnes",
        text="label",
        title=f"Top {TOP_N} tomato producers, {year}",
        subtitle="Tonnes (FAOSTAT, fresh-market and processing tomatoes); labels: share of "
        "the World total",
        x_title="Tonnes",
        source=source_line(df["dataset"]),
    )
    return [
        Chart(
            "producers", fig, df, view.top_producers_summary(df, year), view.top_producers_table(df)
        )
    ]


# --- Xinjiang and every figure --------------------------------------------------------------


def xinjiang() -> list:
    return [Prose("paste/xinjiang.md"), refs.theme_box("xinjiang")]


def all_references() -> list:
    topic = filters.select("Topic", view.REF_TOPICS, "paste_refs", default="all")
    figures = queries.ref_figures_by_prefix(view.REF_PREFIXES)
    if topic != "all":
        figures = figures[figures["figure_id"].isin(REF_THEMES[topic][1])]
    table = view.reference_table(figures)
    return [
        Note(
            f"{REF_HEADING}. {len(figures)} figures. 'Value as printed' keeps the page's own "
            "wording; notes are the transcriber's."
        ),
        Table(
            table,
            key="ref_figures",
            title="Reference figures on tomato paste, processing tomatoes and Xinjiang "
            "(transcribed)",
            source="Press and official figures transcribed from stored public pages, with "
            "verbatim quotes (data/raw/SOURCES.md sections 8, 11, 12, 15)",
            column_config={"url": st.column_config.LinkColumn("link", display_text="source page")},
        ),
    ]
