"""Tomato paste world trade: China's share of world paste exports, where China's paste goes,
China's share of world tomato production, and Xinjiang's weight in it.

Statistical series (UN Comtrade exports, FAOSTAT production) are charted. Press and
official figures (table `ref_figures`, transcribed) are shown apart, as cited quotes with
their links: never as a series, never joined to a statistical series.
"""

from contextlib import contextmanager

import numpy as np
import pandas as pd
import streamlit as st

from dashboard import charts, filters, queries, suppliers_view, text, theme
from dashboard import paste_view as view
from dashboard import supplier_queries as sq
from dashboard.components import (
    chart_block,
    data_table,
    page_header,
    page_nav,
    require_warehouse,
    share_link,
    source_line,
    table_downloads,
    visible,
)
from dashboard.embed import is_embedded
from dashboard.paste_view import MEASURES, PASTE_HS, REF_HEADING, REF_THEMES, TOP_N

DESTINATIONS_COMMAND = (
    "python -m etl fetch comtrade --reporters CHN --partners all --flow X --cmd 200290 "
    "--years 2015-2024"
)


def header(title: str) -> None:
    if visible():
        st.header(title)


def widgets():
    """Where a section's selectors go: inline, or the hidden sidebar in the embed view."""
    return st.sidebar if is_embedded() else st


def choose_year(label: str, years, key: str) -> int:
    """A select box of years, bound to the URL; the latest year is the default."""
    options = {int(y): str(int(y)) for y in years}
    return filters.choose(label, options, key=key, default=max(options))


def quote_cards(figs: list[pd.Series]) -> None:
    """One card per quote: figures transcribed from the same sentence are shown together."""
    for group in view.by_quote(figs):
        st.markdown(view.quote_markdown(group))


@contextmanager
def reference_box(ids: list[str], intro: str = ""):
    """A bordered box of cited figures: heading and note, the body (given the figures by
    id), then the ids this warehouse lacks."""
    by_id = view.by_figure_id(queries.ref_figures(tuple(ids)))
    with st.container(border=True):
        st.markdown(f"##### {REF_HEADING}")
        st.caption(view.ref_note(intro))
        yield by_id
        missing = view.missing_note(ids, by_id)
        if missing:
            st.caption(missing)


def reference_block(ids: list[str], intro: str = "") -> None:
    if not visible():
        return
    with reference_box(ids, intro) as by_id:
        quote_cards([by_id[i] for i in ids if i in by_id])


def share_references() -> None:
    """One box: the pairs SOURCES.md section 11 names as like-for-like, side by side, then
    other published statements of China's place among paste exporters."""
    if not visible():
        return
    ids = [i for pair in view.LIKE_FOR_LIKE for i in pair[:2]] + view.SHARE_STATEMENTS
    with reference_box(ids) as by_id:
        st.markdown(
            "**Like-for-like pairs** named in data/raw/SOURCES.md section 11: China's paste "
            "exports beside world paste exports from the same publisher and period. No share "
            "is computed from them: the values carry the page's own qualifiers ('almost', "
            "'exceeded') or cover only the main exporters."
        )
        for china_id, world_id, note in view.LIKE_FOR_LIKE:
            st.caption(note + ".")
            cols = st.columns(2)
            for col, fid in zip(cols, (china_id, world_id), strict=True):
                with col:
                    if fid in by_id:
                        quote_cards([by_id[fid]])
                    else:
                        st.caption(f"{fid} is not in this warehouse.")
        st.markdown("**Other published statements of China's place among paste exporters**")
        quote_cards([by_id[i] for i in view.SHARE_STATEMENTS if i in by_id])


# --------------------------------------------------------------------------- sections


def exports_section(years: pd.DataFrame) -> None:
    header("China's share of world tomato-paste exports")
    domains = sq.paste_export_domains()
    if domains.empty:
        if visible("fao_paste_share"):
            st.info("The warehouse has no FAOSTAT tomato-paste exports.")
    else:
        fao_exports(domains)
    if not years.empty:
        comtrade_exports(years)
    share_references()


def fao_exports(domains: pd.DataFrame) -> None:
    """China's share and the top exporters from FAOSTAT, one domain at a time."""
    labels = dict(domains[["domain", "label"]].values)
    cols = st.columns(2)  # choose() moves them to the sidebar in the embed view
    with cols[0]:
        domain = filters.choose("FAOSTAT series", labels, "paste_fao_domain", default="TCL")
    has_value = bool(domains.set_index("domain").loc[domain, "has_value"])
    measures = view.FAO_MEASURES if has_value else {"quantity": view.FAO_MEASURES["quantity"]}
    with cols[1]:
        measure = filters.choose("Measure", measures, "paste_fao_measure", default="quantity")
    df = sq.paste_exports_by_exporter(domain, measure)
    if visible():
        st.caption(
            "FAOSTAT's two series differ for some 2019-2020 values (FAO revised them between "
            "downloads), so a chart shows one at a time. China is the mainland (FAO area 41); "
            "FAO's 'China' (351, with Hong Kong, Macao and Taiwan) is never added to it. World "
            "is FAO's sum of reported exports, re-exports included."
        )
    fao_share_chart(df, labels[domain], measure)
    fao_exporters_chart(df, labels[domain], measure)


def fao_share_chart(df: pd.DataFrame, label: str, measure: str) -> None:
    china = view.china_rows(df)
    if china.empty:
        st.info("FAOSTAT has no tomato-paste exports from China in this series.")
        return
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
    table = view.fao_share_table(china, measure)
    summary = view.fao_share_summary(china, measure)
    chart_block(fig, china, chart_id="fao_paste_share", summary=summary, table=table)


def fao_exporters_chart(df: pd.DataFrame, label: str, measure: str) -> None:
    frame = view.exporters_frame(df)
    latest = int(frame["period"].max())
    ranked = frame[(frame["period"] == latest) & (frame["partner_kind"] == "country")]
    ranked = ranked.sort_values("value", ascending=False)
    top = suppliers_view.top_suppliers(ranked)
    years = sorted(frame["period"].unique())
    shares = suppliers_view.shares_over_time(frame, years, top, "All other exporters")
    shares = shares.rename(columns={"period": "year"})
    colours = charts.distinct_colours(top) | {suppliers_view.ALL_OTHERS: theme.OTHER_COLOUR}
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
        colours=colours,
    )
    summary = suppliers_view.shares_summary(
        shares.rename(columns={"year": "period"}), what="Share of world tomato-paste exports"
    )
    chart_block(fig, shares, chart_id="fao_paste_exporters", summary=summary)


def comtrade_exports(years: pd.DataFrame) -> None:
    """China's share and the top exporters from fetched UN Comtrade exports (FOB)."""
    if visible():
        st.markdown("**From UN Comtrade (fetched; exporters' own reports, FOB value)**")
    measure = widgets().radio(
        "Measure (UN Comtrade)",
        list(MEASURES),
        format_func=MEASURES.get,
        key="paste_measure",
        horizontal=True,
        help="Shares by value and by net weight can differ; reporters without a net "
        "weight are counted in the table, never filled in.",
        **filters.BOUND,
    )
    filters.remember("paste_measure", [MEASURES[measure]], title="Measure (UN Comtrade)")
    share_chart(measure)
    top_exporters_chart(years, measure)


def share_chart(measure: str) -> None:
    df = queries.china_share_of_world_exports(PASTE_HS, measure)
    if df.empty:
        st.info("China reports no tomato-paste exports to the World in the fetched data.")
        return
    basis = "value, USD FOB" if measure == "value" else "net weight"
    fig = view.shares_chart(
        df,
        "china_share",
        title="China's share of world tomato-paste exports, UN Comtrade (HS 200290)",
        subtitle=f"China's exports to World / sum of every reporting country's exports to "
        f"World; {basis}; exporters' own reports",
        y_title=f"Share of reported world exports ({basis})",
        source=source_line(df["datasets"]),
        events=queries.events(),
    )
    summary = view.export_share_summary(df)
    table = view.export_share_table(df, measure)
    chart_block(fig, df, chart_id="paste_share", summary=summary, table=table)


def top_exporters_chart(years: pd.DataFrame, measure: str) -> None:
    year = choose_year("Year for the exporters' ranking", years["year"], key="paste_year")
    df = queries.top_exporters(PASTE_HS, int(year), measure, TOP_N)
    if df.empty:
        st.info(f"No reporter has a {MEASURES[measure].lower()} for {year}.")
        return
    df = view.in_display_units(df, measure, "share_of_reported_total")
    fig = view.amounts_ranking_chart(
        df,
        measure,
        title=f"Top tomato-paste exporters, {year}",
        subtitle=f"Exports to World (HS 200290), {MEASURES[measure]}; labels: share of the "
        f"{int(df['reporters'].iloc[0])} reporting countries' total",
        source=source_line(df["dataset"]),
    )
    summary = view.top_exporters_summary(df, year, measure)
    table = view.amounts_table(df, measure, "share_of_reported_total", "Share")
    chart_block(fig, df, chart_id="paste_exporters", summary=summary, table=table)


def destinations_section(export_years: pd.DataFrame) -> None:
    header("Where China's tomato paste goes")
    years = queries.destination_years(PASTE_HS, "CHN")
    if years.empty:
        if visible("paste_destinations"):
            st.info(
                "The warehouse has no table of China's tomato-paste exports by destination "
                "country: none was found as a file (data/raw/SOURCES.md, 'Searched for but not "
                "found')"
                + (
                    ", and the fetched exports hold China's exports to World only"
                    if not export_years.empty
                    else ""
                )
                + ". China's exports by partner are fetched from UN Comtrade with\n\n"
                f"`{DESTINATIONS_COMMAND}`\n\n"
                "`python -m etl build`"
            )
    else:
        destinations_chart(years)
    reference_block(
        REF_THEMES["destinations"][1],
        "China's paste by region (Tomato News) and Xinjiang's destinations in Jan-Jul 2022 "
        "(China customs as reported by the press).",
    )


def destinations_chart(years: pd.DataFrame) -> None:
    measure = st.session_state.get("paste_measure", "value")
    year = choose_year("Year for China's destinations", years["year"], key="paste_dest_year")
    df = queries.exports_by_destination(PASTE_HS, "CHN", int(year), measure, TOP_N)
    if df.empty:
        st.info(f"China reports no paste exports by destination for {year}.")
        return
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
    summary = view.destinations_summary(df, year, measure)
    table = view.amounts_table(df, measure, "share_of_world", "Share of China's exports to World")
    chart_block(fig, df, chart_id="paste_destinations", summary=summary, table=table)


def production_section(countries: pd.DataFrame, first: int, last: int) -> None:
    header("China's share of world tomato production")
    names = dict(countries[["iso3", "name"]].values)
    chosen = widgets().multiselect(
        "Countries",
        list(names),
        default=[c for c in view.DEFAULT_PRODUCERS if c in names],
        format_func=lambda c: names.get(c, c),
        key="paste_countries",
        help="China is always drawn in the same colour.",
        **filters.BOUND,
    )
    lo, hi = widgets().slider(
        "Years",
        min_value=first,
        max_value=last,
        value=(first, last),
        key="paste_years",
        **filters.BOUND,
    )
    lo, hi = sorted((lo, hi))  # a link may hold the range reversed
    filters.remember("paste_countries", [names.get(c, c) for c in chosen], title="Countries")
    filters.remember("paste_years", [lo, hi], title="Years", shown=f"{lo}-{hi}")
    production_share_chart(chosen, lo, hi)
    top_producers_chart(first, last)


def production_share_chart(chosen: list[str], lo: int, hi: int) -> None:
    if not chosen:
        st.info("Choose at least one country.")
        return
    df = queries.tomato_production_share(tuple(chosen), int(lo), int(hi))
    if df.empty:
        st.info("No production data for these countries and years.")
        return
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
    summary = view.production_share_summary(df)
    table = view.production_share_table(df)
    chart_block(fig, df, chart_id="production_share", summary=summary, table=table)


def top_producers_chart(first: int, last: int) -> None:
    year = choose_year(
        "Year for the producers' ranking", range(last, first - 1, -1), key="paste_top_year"
    )
    df = queries.top_tomato_producers(int(year), TOP_N)
    if df.empty:
        st.info(f"No production data for {year}.")
        return
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
    summary = view.top_producers_summary(df, year)
    table = view.top_producers_table(df)
    chart_block(fig, df, chart_id="producers", summary=summary, table=table)
    if visible():
        st.caption(
            "FAOSTAT (via Our World in Data) has no province detail and does not separate "
            "processing tomatoes from fresh-market ones. 'China' is the country entity (code "
            "CHN); regional aggregates such as 'China (FAO)' are left out of rankings."
        )


def xinjiang_section() -> None:
    header("Xinjiang's weight in China's tomatoes")
    if visible():
        st.info(
            "No statistical series of Xinjiang's tomato production or processing is in the "
            "warehouse: FAOSTAT has no province detail, and a Xinjiang-only series was searched "
            "for and not found (data/raw/SOURCES.md). What is known comes from the reference "
            "figures below. Their bases differ (all tomatoes, processing tomatoes, a 2024 "
            "pre-season forecast), so they are not combined into a share here."
        )
    reference_block(REF_THEMES["xinjiang"][1])


def all_references_section() -> None:
    if not visible():
        return
    header("All transcribed figures on tomato paste, processing tomatoes and Xinjiang")
    topic = filters.choose("Topic", view.REF_TOPICS, key="paste_refs", default="all")
    refs = queries.ref_figures_by_prefix(view.REF_PREFIXES)
    if topic != "all":
        refs = refs[refs["figure_id"].isin(REF_THEMES[topic][1])]
    st.caption(
        f"{REF_HEADING}. {len(refs)} figures. 'Value as printed' keeps the page's own wording; "
        "notes are the transcriber's."
    )
    table = view.reference_table(refs)
    data_table(
        table,
        column_config={"url": st.column_config.LinkColumn("link", display_text="source page")},
    )
    table_downloads(
        table,
        key="ref_figures",
        title="Reference figures on tomato paste, processing tomatoes and Xinjiang (transcribed)",
        source="Press and official figures transcribed from stored public pages, with "
        "verbatim quotes (data/raw/SOURCES.md sections 8, 11, 12)",
    )


def check_links(export_years: pd.DataFrame, countries: pd.DataFrame, first: int, last: int) -> None:
    export_labels = {str(int(y)) for y in export_years["year"]}
    dest_labels = {str(int(y)) for y in queries.destination_years(PASTE_HS, "CHN")["year"]}
    filters.check_link_params(
        {
            "paste_measure": filters.valid_choice(MEASURES.values()),
            "paste_fao_domain": lambda v: len(v) == 1,  # choose() checks the options
            "paste_fao_measure": lambda v: len(v) == 1,
            "paste_year": filters.valid_choice(export_labels),
            "paste_dest_year": filters.valid_choice(dest_labels),
            "paste_countries": filters.valid_partners(dict(countries[["iso3", "name"]].values)),
            "paste_years": filters.valid_years(first, last),
            "paste_top_year": filters.valid_choice(str(y) for y in range(first, last + 1)),
            "paste_refs": filters.valid_choice(view.REF_TOPICS.values()),
        }
    )


# --------------------------------------------------------------------------- page

page_nav()
page_header(
    "Tomato paste world trade",
    "China's place in world trade of tomato paste (HS 200290), where its paste goes, its share "
    "of world tomato production, and Xinjiang's weight in it. Statistical series are charted "
    "(FAOSTAT paste exports by every exporting country and tomato production; UN Comtrade "
    "exports as reported by the exporters, FOB value, once fetched). Press and official "
    "figures are shown apart, as cited quotes.",
)
if require_warehouse():
    export_years = queries.export_years(PASTE_HS)
    countries = queries.tomato_producers()
    bounds = queries.tomato_production_years().iloc[0]
    has_production = pd.notna(bounds["first_year"])
    first = int(bounds["first_year"]) if has_production else 0
    last = int(bounds["last_year"]) if has_production else 0
    check_links(export_years, countries, first, last)
    exports_section(export_years)
    destinations_section(export_years)
    if has_production:
        production_section(countries, first, last)
    else:
        header("China's share of world tomato production")
        st.info("The warehouse has no tomato production data (FAOSTAT via OWID).")
    xinjiang_section()
    all_references_section()
    share_link()
