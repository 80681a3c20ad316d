"""Tomato paste world trade: China's share of world paste exports, where China's paste goes,
China's share of world tomato production, and Xinjiang's weight in it.

Statistical series (UN Comtrade exports, FAOSTAT production) are charted. Press and
official figures (table `ref_figures`, transcribed) are shown apart, as cited quotes with
their links: never as a series, never joined to a statistical series.
"""

import pandas as pd
import streamlit as st

from dashboard import charts, filters, queries, text, theme
from dashboard.components import (
    chart_block,
    page_header,
    page_nav,
    require_warehouse,
    share_link,
    source_line,
    table_downloads,
)
from dashboard.embed import is_embedded, target_chart

PASTE_HS = "200290"
FETCH_COMMAND = (
    "python -m etl fetch comtrade --reporters all --flow X --cmd 200290 --years 2015-2024"
)
DESTINATIONS_COMMAND = (
    "python -m etl fetch comtrade --reporters CHN --partners all --flow X --cmd 200290 "
    "--years 2015-2024"
)
MEASURES = {"value": "Value (USD, FOB)", "weight": "Net weight (tonnes)"}
TOP_N = 15
DEFAULT_PRODUCERS = ("CHN", "IND", "USA", "ITA")
REF_HEADING = "Reference figures (press and official, transcribed) — not a statistical series"
REF_NOTE = (
    "Typed from stored public pages (data/raw/SOURCES.md sections 8, 11 and 12) and shown as "
    "printed, with the verbatim quote and a link. Periods (July-June marketing years or "
    "calendar years), product definitions and coverage differ from figure to figure, so "
    "they are neither charted nor combined with the statistical series above."
)

# Which transcribed figures speak to which question. Ids only: every value comes from
# the ref_figures table.
REF_THEMES = {
    "share": (
        "China's share of world paste trade",
        ["TOM-01", "TPT-01", "TOM-11", "TOM-05", "TOM-12", "TPT-34", "TPT-41", "TPT-04"],
    ),
    "exports": (
        "China's paste exports",
        ["TOM-05", "TOM-06", "TOM-07", "TOM-08", "TOM-09", "TOM-10", "TOM-11", "TOM-17"]
        + ["TPT-22", "TPT-23", "TPT-24", "TPT-25"],
    ),
    "destinations": (
        "Destinations of China's and Xinjiang's paste",
        ["TPT-21", "TPT-16", "TPT-17", "TPT-18", "TPT-19", "TPT-20", "TPT-26", "TOM-02"]
        + ["TPT-36", "TPT-37", "TPT-38", "TPT-39", "TPT-40", "TOM-14"],
    ),
    "xinjiang": (
        "Xinjiang's weight in China's tomatoes",
        ["TOM-03", "TOM-04", "TOM-15", "TOM-16", "PTV-08", "PTV-09", "PTV-10", "PTV-11"]
        + ["PTV-12", "PTV-13"],
    ),
    "world": (
        "World paste and tomato-product trade",
        [f"TPT-{i:02d}" for i in (*range(1, 16), *range(27, 36), 41, 42)] + ["TOM-12", "TOM-13"],
    ),
    "processing": ("Processing-tomato volumes", [f"PTV-{i:02d}" for i in range(1, 43)]),
}
# Pairs that data/raw/SOURCES.md section 11 names as like-for-like (same publisher and
# period): shown side by side, nothing computed from them.
LIKE_FOR_LIKE = (
    ("TOM-11", "TPT-01", "Marketing year 2023/24, both Tomato News"),
    ("TOM-05", "TOM-12", "Marketing year 2018/19; the world figure covers 13 main exporters"),
)

SHARE_STATEMENTS = ["TOM-01", "TPT-34", "TPT-41", "TPT-04"]

MD_SPECIAL = "\\`*_[]<>#|~$"


def visible(chart_id: str | None = None) -> bool:
    """Whether to draw non-chart content: always on the page; in the embed view only the
    notes that stand in for the embedded chart."""
    target = target_chart()
    return target is None or (chart_id is not None and target in ("", chart_id))


def header(title: str) -> None:
    if visible():
        st.header(title)


def widgets():
    """Where a section's selectors go: inline, or the hidden sidebar in the embed view."""
    return st.sidebar if is_embedded() else st


def md(value) -> str:
    """Text from the data, made safe for Markdown ($ would start maths, ~ strikes through)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return "".join("\\" + c if c in MD_SPECIAL else c for c in str(value))


def _figure_line(fig: pd.Series) -> str:
    where = "; ".join(t for t in (md(fig[c]) for c in ("period", "geography", "status")) if t)
    return (
        f"**{md(fig['figure_id'])}** · {md(fig['metric'])}: "
        f"**{md(fig['value_text'])} {md(fig['unit'])}** ({where})"
    )


def quote_card(figs: list[pd.Series]) -> None:
    """Cited reference figures sharing one quote: each value as printed, then the verbatim
    quote, source, publication date and link."""
    first = figs[0]
    lines = "  \n".join(_figure_line(f) for f in figs)
    st.markdown(
        f"{lines}\n\n"
        f"> “{md(first['quote'])}”\n\n"
        f"— *{md(first['source_name'])}*, published {md(first['publication_date'])} · "
        f"[source page](<{first['url']}>)"
    )


def quote_cards(figs: list[pd.Series]) -> None:
    """One card per quote: figures transcribed from the same sentence are shown together."""
    groups: dict[tuple, list[pd.Series]] = {}
    for fig in figs:
        groups.setdefault((fig["quote"], fig["url"]), []).append(fig)
    for group in groups.values():
        quote_card(group)


def reference_block(ids: list[str], intro: str = "") -> None:
    if not visible():
        return
    refs = queries.ref_figures(tuple(ids))
    by_id = {row["figure_id"]: row for _, row in refs.iterrows()}
    with st.container(border=True):
        st.markdown(f"##### {REF_HEADING}")
        st.caption((intro + " " if intro else "") + REF_NOTE)
        quote_cards([by_id[i] for i in ids if i in by_id])
        missing = [i for i in ids if i not in by_id]
        if missing:
            st.caption("Not in this warehouse: " + ", ".join(missing) + ".")


def share_references() -> None:
    """One box: the pairs SOURCES.md section 11 names as like-for-like, side by side, then
    other published statements of China's place among paste exporters."""
    if not visible():
        return
    ids = [i for pair in LIKE_FOR_LIKE for i in pair[:2]] + SHARE_STATEMENTS
    refs = queries.ref_figures(tuple(ids))
    by_id = {row["figure_id"]: row for _, row in refs.iterrows()}
    with st.container(border=True):
        st.markdown(f"##### {REF_HEADING}")
        st.caption(REF_NOTE)
        st.markdown(
            "**Like-for-like pairs** named in data/raw/SOURCES.md section 11: China's paste "
            "exports beside world paste exports from the same publisher and period. No share "
            "is computed from them: the values carry the page's own qualifiers ('almost', "
            "'exceeded') or cover only the main exporters."
        )
        for china_id, world_id, note in LIKE_FOR_LIKE:
            st.caption(note + ".")
            cols = st.columns(2)
            for col, fid in zip(cols, (china_id, world_id), strict=True):
                with col:
                    if fid in by_id:
                        quote_card([by_id[fid]])
                    else:
                        st.caption(f"{fid} is not in this warehouse.")
        st.markdown("**Other published statements of China's place among paste exporters**")
        quote_cards([by_id[i] for i in SHARE_STATEMENTS if i in by_id])
        missing = [i for i in ids if i not in by_id]
        if missing:
            st.caption("Not in this warehouse: " + ", ".join(missing) + ".")


def share_summary(df: pd.DataFrame, *, x: str, y: str, label: str, what: str) -> str:
    """'<what>: China 17.4% in 1961, 36.5% in 2023 (highest 36.6% in 2022); ...' in
    percentage terms (a relative change of a share would read as growth)."""
    parts = []
    for name, part in df.dropna(subset=[y]).groupby(label, sort=False):
        part = part.sort_values(x)
        first, last = part.iloc[0], part.iloc[-1]
        peak = part.loc[part[y].idxmax()]
        sentence = f"{name} {text.share(first[y])} in {first[x]}"
        if len(part) > 1:
            sentence += f", {text.share(last[y])} in {last[x]}"
            if peak[x] not in (first[x], last[x]):
                sentence += f" (highest {text.share(peak[y])} in {peak[x]})"
        parts.append(sentence)
    if not parts:
        return f"No data for {what} in this selection."
    return f"{what}: " + "; ".join(parts) + "."


# --------------------------------------------------------------------------- sections


def exports_section(years: pd.DataFrame) -> None:
    header("China's share of world tomato-paste exports")
    if years.empty:
        if visible("paste_share"):
            st.info(
                "The shipped snapshot has no country-by-year table of tomato-paste (HS 200290) "
                "exports: none was found as a file (data/raw/SOURCES.md, 'Searched for but not "
                "found'), so China's share of world paste exports cannot be computed from a "
                "statistical series here. The table `mart_exports_by_year_reporter_partner_hs` is "
                "filled for HS 200290 by fetching every reporter's exports from UN Comtrade and "
                "rebuilding:\n\n"
                f"`{FETCH_COMMAND}`\n\n"
                "`python -m etl build`"
            )
    else:
        measure = widgets().radio(
            "Measure",
            list(MEASURES),
            format_func=MEASURES.get,
            key="paste_measure",
            horizontal=True,
            help="Shares by value and by net weight can differ; reporters without a net "
            "weight are counted in the table, never filled in.",
            **filters.BOUND,
        )
        filters.remember("paste_measure", [MEASURES[measure]])
        share_chart(measure)
        top_exporters_chart(years, measure)
    share_references()


def share_chart(measure: str) -> None:
    df = queries.china_share_of_world_exports(PASTE_HS, measure)
    if df.empty:
        st.info("China reports no tomato-paste exports to the World in the fetched data.")
        return
    basis = "value, USD FOB" if measure == "value" else "net weight"
    fig = charts.series_over_time_chart(
        df,
        x="year",
        y="china_share",
        series="iso3",
        series_label="country",
        title="China's share of world tomato-paste exports (HS 200290)",
        subtitle=f"China's exports to World / sum of every reporting country's exports to "
        f"World; {basis}; exporters' own reports",
        y_title=f"Share of reported world exports ({basis})",
        source=source_line(df["datasets"]),
        events=queries.events(),
        percent=True,
    )
    summary = share_summary(
        df,
        x="year",
        y="china_share",
        label="country",
        what="China's share of reported world tomato-paste exports",
    )
    lo_n, hi_n = int(df["reporters"].min()), int(df["reporters"].max())
    reporters = f"{lo_n} every year" if lo_n == hi_n else f"from {lo_n} to {hi_n} a year"
    summary += (
        " The world total is the sum of the countries that reported to UN Comtrade "
        f"({reporters}); a country that did not report is missing from it."
    )
    unit = "USD" if measure == "value" else "kg"
    table = df[["year", "china_amount", "world_amount", "china_share", "reporters"]].rename(
        columns={
            "china_amount": f"China, {unit}",
            "world_amount": f"Sum of reporters, {unit}",
            "china_share": "China's share",
            "reporters": "Reporting countries",
        }
    )
    table["Reporters without this measure"] = df["reporters_without_measure"]
    chart_block(fig, df, chart_id="paste_share", summary=summary, table=table)


def top_exporters_chart(years: pd.DataFrame, measure: str) -> None:
    options = {int(y): str(int(y)) for y in years["year"]}
    year = filters.choose(
        "Year for the exporters' ranking",
        options,
        key="paste_year",
        default=max(options),
    )
    df = queries.top_exporters(PASTE_HS, int(year), measure, TOP_N)
    if df.empty:
        st.info(f"No reporter has a {MEASURES[measure].lower()} for {year}.")
        return
    df = _display_amount(df, measure)
    df["label"] = df["share_of_reported_total"].map(text.share)
    fig = charts.ranking_bar_chart(
        df,
        key="iso3",
        label="country",
        value="amount_display",
        text="label",
        title=f"Top tomato-paste exporters, {year}",
        subtitle=f"Exports to World (HS 200290), {MEASURES[measure]}; labels: share of the "
        f"{int(df['reporters'].iloc[0])} reporting countries' total",
        x_title=_unit_title(measure),
        source=source_line(df["dataset"]),
    )
    first = df.iloc[0]
    china = df[df["iso3"] == "CHN"]
    summary = (
        f"In {year}, {first['country']} reported the most tomato-paste exports "
        f"({_fmt(first['amount_display'], measure)}, {text.share(first['share_of_reported_total'])}"
        " of the reported total)"
    )
    if first["iso3"] == "CHN":
        summary += (
            f", ahead of {df.iloc[1]['country']} "
            f"({text.share(df.iloc[1]['share_of_reported_total'])})."
            if len(df) > 1
            else "."
        )
    elif china.empty:
        summary += f"; China is not among the top {TOP_N} reporters that year."
    else:
        c = china.iloc[0]
        summary += (
            f"; China ranked {int(c['rank'])} with {_fmt(c['amount_display'], measure)} "
            f"({text.share(c['share_of_reported_total'])})."
        )
    table = df[["rank", "country", "amount_display", "share_of_reported_total"]].rename(
        columns={"amount_display": _unit_title(measure), "share_of_reported_total": "Share"}
    )
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
        measure = st.session_state.get("paste_measure", "value")
        options = {int(y): str(int(y)) for y in years["year"]}
        year = filters.choose(
            "Year for China's destinations",
            options,
            key="paste_dest_year",
            default=max(options),
        )
        df = queries.exports_by_destination(PASTE_HS, "CHN", int(year), measure, TOP_N)
        if df.empty:
            st.info(f"China reports no paste exports by destination for {year}.")
        else:
            df = _display_amount(df, measure)
            df["label"] = df["share_of_world"].map(lambda v: "" if pd.isna(v) else text.share(v))
            fig = charts.ranking_bar_chart(
                df,
                key="iso3",
                label="country",
                value="amount_display",
                text="label",
                title=f"China's tomato-paste exports by destination, {year}",
                subtitle=f"Top {TOP_N} partners as reported by China (HS 200290), "
                f"{MEASURES[measure]}; labels: share of China's exports to World",
                x_title=_unit_title(measure),
                source=source_line(df["dataset"]),
                highlight="",
            )
            first = df.iloc[0]
            summary = (
                f"In {year}, China's largest reported destination for tomato paste was "
                f"{first['country']} ({_fmt(first['amount_display'], measure)}"
                + (
                    f", {text.share(first['share_of_world'])} of its exports to World"
                    if pd.notna(first["share_of_world"])
                    else ""
                )
                + f"), out of {int(first['partners'])} partners."
            )
            table = df[["rank", "country", "amount_display", "share_of_world"]].rename(
                columns={
                    "amount_display": _unit_title(measure),
                    "share_of_world": "Share of China's exports to World",
                }
            )
            chart_block(fig, df, chart_id="paste_destinations", summary=summary, table=table)
    reference_block(
        REF_THEMES["destinations"][1],
        "China's paste by region (Tomato News) and Xinjiang's destinations in Jan-Jul 2022 "
        "(China customs as reported by the press).",
    )


def production_section(countries: pd.DataFrame, first: int, last: int) -> None:
    header("China's share of world tomato production")
    names = dict(countries[["iso3", "name"]].values)
    chosen = widgets().multiselect(
        "Countries",
        list(names),
        default=[c for c in DEFAULT_PRODUCERS if c in names],
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
    filters.remember("paste_countries", [names.get(c, c) for c in chosen])
    filters.remember("paste_years", [lo, hi])
    if not chosen:
        st.info("Choose at least one country.")
    else:
        df = queries.tomato_production_share(tuple(chosen), int(lo), int(hi))
        if df.empty:
            st.info("No production data for these countries and years.")
        else:
            fig = charts.series_over_time_chart(
                df,
                x="year",
                y="share_of_world",
                series="iso3",
                series_label="country",
                title="Share of world tomato production",
                subtitle=f"{lo}-{hi}; country tonnes / World tonnes in the same FAOSTAT file; "
                "fresh-market and processing tomatoes together",
                y_title="Share of world production (tonnes)",
                source=source_line(df["dataset"]),
                events=marks_for(hi - lo),
                percent=True,
                colours=distinct_colours(chosen),
            )
            if hi - lo > 15:
                fig.update_xaxes(dtick=5)  # one tick a year is unreadable over decades
            summary = share_summary(
                df,
                x="year",
                y="share_of_world",
                label="country",
                what="Share of world tomato production",
            )
            table = df[["year", "country", "tonnes", "world_tonnes", "share_of_world"]].rename(
                columns={
                    "tonnes": "Production, tonnes",
                    "world_tonnes": "World, tonnes",
                    "share_of_world": "Share of world",
                }
            )
            chart_block(fig, df, chart_id="production_share", summary=summary, table=table)
    top_producers_chart(first, last)


def top_producers_chart(first: int, last: int) -> None:
    options = {y: str(y) for y in range(last, first - 1, -1)}
    year = filters.choose("Year for the producers' ranking", options, key="paste_top_year")
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
    lead = df.iloc[0]
    china = df[df["iso3"] == "CHN"]
    summary = (
        f"In {year}, {lead['country']} produced the most tomatoes "
        f"({text.number(lead['tonnes'], 'tonnes')}, {text.share(lead['share_of_world'])} of "
        f"the World total of {text.number(lead['world_tonnes'], 'tonnes')})"
    )
    if lead["iso3"] != "CHN":
        summary += (
            "; China is not in the top list."
            if china.empty
            else f"; China ranked {int(china.iloc[0]['rank'])} with "
            f"{text.share(china.iloc[0]['share_of_world'])}."
        )
    else:
        second = df.iloc[1] if len(df) > 1 else None
        summary += (
            f", ahead of {second['country']} ({text.share(second['share_of_world'])})."
            if second is not None
            else "."
        )
    table = df[["rank", "country", "tonnes", "share_of_world"]].rename(
        columns={"tonnes": "Tonnes", "share_of_world": "Share of world"}
    )
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
    themes = {"all": "All (TOM, TPT and PTV figures)"} | {k: v[0] for k, v in REF_THEMES.items()}
    theme = filters.choose("Topic", themes, key="paste_refs", default="all")
    refs = queries.ref_figures_by_prefix(("TOM", "TPT", "PTV"))
    if theme != "all":
        refs = refs[refs["figure_id"].isin(REF_THEMES[theme][1])]
    st.caption(
        f"{REF_HEADING}. {len(refs)} figures. 'Value as printed' keeps the page's own wording; "
        "notes are the transcriber's."
    )
    table = refs[
        [
            "figure_id",
            "metric",
            "value_text",
            "unit",
            "period",
            "geography",
            "status",
            "source_name",
            "publication_date",
            "url",
            "quote",
            "notes",
        ]
    ].rename(columns={"value_text": "value as printed", "source_name": "source"})
    st.dataframe(
        table,
        hide_index=True,
        column_config={"url": st.column_config.LinkColumn("link", display_text="source page")},
    )
    table_downloads(
        table,
        key="ref_figures",
        title="Reference figures on tomato paste, processing tomatoes and Xinjiang (transcribed)",
        source="Press and official figures transcribed from stored public pages, with "
        "verbatim quotes (data/raw/SOURCES.md sections 8, 11, 12)",
    )


# --------------------------------------------------------------------------- helpers


def marks_for(span_years: int) -> pd.DataFrame:
    """Event marks for a time axis: on an axis of decades, only the region-wide WRO and the
    UFLPA (four labels crowd each other there)."""
    events = queries.events()
    if span_years > 25:
        events = events[events["event_id"].isin(["region_wro", "uflpa"])]
    return events


def distinct_colours(codes) -> dict[str, str]:
    """The theme's colour for known partners (China always the same), and unused
    colour-blind-safe colours for the rest, so no two chosen countries share one."""
    fixed = {c: theme.PARTNER_COLOURS[c] for c in codes if c in theme.PARTNER_COLOURS}
    spare = [c for c in theme.OKABE_ITO if c not in fixed.values() and c != theme.CHINA_COLOUR]
    return {c: fixed.get(c) or (spare.pop(0) if spare else theme.OTHER_COLOUR) for c in codes}


def _display_amount(df: pd.DataFrame, measure: str) -> pd.DataFrame:
    df = df.copy()
    # net weight is reported in kg; shown in tonnes (kg / 1000)
    df["amount_display"] = df["amount"] / 1000 if measure == "weight" else df["amount"]
    return df


def _unit_title(measure: str) -> str:
    return "USD, FOB value" if measure == "value" else "Tonnes (net weight)"


def _fmt(value: float, measure: str) -> str:
    return text.usd(value) if measure == "value" else text.number(value, "tonnes")


def check_links(export_years: pd.DataFrame, countries: pd.DataFrame, first: int, last: int) -> None:
    export_labels = {str(int(y)) for y in export_years["year"]}
    dest_labels = {str(int(y)) for y in queries.destination_years(PASTE_HS, "CHN")["year"]}
    themes = ["All (TOM, TPT and PTV figures)"] + [v[0] for v in REF_THEMES.values()]
    filters.check_link_params(
        {
            "paste_measure": filters.valid_choice(MEASURES.values()),
            "paste_year": filters.valid_choice(export_labels),
            "paste_dest_year": filters.valid_choice(dest_labels),
            "paste_countries": filters.valid_partners(dict(countries[["iso3", "name"]].values)),
            "paste_years": filters.valid_years(first, last),
            "paste_top_year": filters.valid_choice(str(y) for y in range(first, last + 1)),
            "paste_refs": filters.valid_choice(themes),
        }
    )


# --------------------------------------------------------------------------- page

page_nav()
page_header(
    "Tomato paste world trade",
    "China's place in world trade of tomato paste (HS 200290), where its paste goes, its share "
    "of world tomato production, and Xinjiang's weight in it. Statistical series (UN Comtrade "
    "exports as reported by the exporters, FOB value; FAOSTAT production in tonnes) are "
    "charted. Press and official figures are shown apart, as cited quotes.",
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
