"""What the Tomato paste world trade page shows, as pure functions: which HS code and
reference figures, amounts in display units, the summaries and tables beside each chart,
and the Markdown of a cited quote. No st.* calls.
"""

import pandas as pd

from dashboard import charts, text
from dashboard.text import md

PASTE_HS = "200290"
MEASURES = {"value": "Value (USD, FOB)", "weight": "Net weight (tonnes)"}
TOP_N = 15
DEFAULT_PRODUCERS = ("CHN", "IND", "USA", "ITA")

REF_HEADING = "Reference figures (press and official, transcribed) — not a statistical series"
REF_NOTE = (
    "Typed from stored public pages (data/raw/SOURCES.md sections 8, 11, 12 and 15) and shown "
    "as printed, with the verbatim quote and a link; a figure printed by more than one source "
    "is one figure citing each of them. Periods (July-June marketing years or "
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
        ["TPE-01", "TOM-10", "TPE-02", "TPE-03", "TOM-05", "TOM-06", "TOM-07", "TOM-08"]
        + ["TOM-09", "TPE-04", "TOM-11", "TPE-05", "TOM-17"]
        + ["TPT-22", "TPT-23", "TPT-24", "TPT-25"],
    ),
    "destinations": (
        "Destinations of China's and Xinjiang's paste",
        ["TPT-21", "TPT-16", "TPT-17", "TPT-18", "TPT-19", "TPT-20", "TPT-26", "TOM-02"]
        + ["TPT-36", "TPT-37", "TPT-38", "TPT-39", "TPT-40", "TOM-14", "TPE-08", "TPE-09"],
    ),
    "xinjiang": (
        "Xinjiang's weight in China's tomatoes",
        ["TOM-03", "TOM-04", "TOM-15", "TOM-16", "PTV-08", "PTV-09", "PTV-10", "PTV-11"]
        + ["PTV-12", "PTV-13"],
    ),
    "world": (
        "World paste and tomato-product trade",
        [f"TPT-{i:02d}" for i in (*range(1, 16), *range(27, 36), 41, 42)]
        + ["TOM-12", "TOM-13", "TPE-06", "TPE-07"],
    ),
    "processing": ("Processing-tomato volumes", [f"PTV-{i:02d}" for i in range(1, 43)]),
}
# The topic filter of the table of every transcribed figure: code -> label.
REF_TOPICS = {"all": "All (TOM, TPT, TPE and PTV figures)"} | {
    k: v[0] for k, v in REF_THEMES.items()
}
REF_PREFIXES = ("TOM", "TPT", "TPE", "PTV")

# Pairs that data/raw/SOURCES.md section 11 names as like-for-like (same publisher and
# period): shown side by side, nothing computed from them.
LIKE_FOR_LIKE = (
    ("TOM-11", "TPT-01", "Marketing year 2023/24, both Tomato News"),
    ("TOM-05", "TOM-12", "Marketing year 2018/19; the world figure covers 13 main exporters"),
)
SHARE_STATEMENTS = ["TOM-01", "TPT-34", "TPT-41", "TPT-04"]

REF_TABLE_COLUMNS = [
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
    "source_count",
    "other_sources",
]


# --------------------------------------------------------------------------- reference figures


def by_figure_id(refs: pd.DataFrame) -> dict[str, pd.Series]:
    return {row["figure_id"]: row for _, row in refs.iterrows()}


def ref_note(intro: str = "") -> str:
    return (intro + " " if intro else "") + REF_NOTE


def missing_note(ids: list[str], by_id: dict) -> str:
    """'Not in this warehouse: TOM-01, ...' for the ids the warehouse lacks; '' if none."""
    missing = [i for i in ids if i not in by_id]
    return "Not in this warehouse: " + ", ".join(missing) + "." if missing else ""


def by_quote(figs: list[pd.Series]) -> list[list[pd.Series]]:
    """Figures transcribed from the same sentence (same quote and page), grouped."""
    groups: dict[tuple, list[pd.Series]] = {}
    for fig in figs:
        groups.setdefault((fig["quote"], fig["url"]), []).append(fig)
    return list(groups.values())


def figure_line(fig: pd.Series) -> str:
    where = "; ".join(t for t in (md(fig[c]) for c in ("period", "geography", "status")) if t)
    return (
        f"**{md(fig['figure_id'])}** · {md(fig['metric'])}: "
        f"**{md(fig['value_text'])} {md(fig['unit'])}** ({where})"
    )


def citation_line(c: pd.Series) -> str:
    """Another source that printed the same figure, in its own words."""
    return (
        f"Also printed by *{md(c['source_name'])}*, published {md(c['publication_date'])}: "
        f"**{md(c['value_text'])}** ({md(c['unit'])}; {md(c['period'])}) · "
        f"[source page](<{c['url']}>)"
    )


def quote_markdown(figs: list[pd.Series], citations: pd.DataFrame | None = None) -> str:
    """Cited reference figures sharing one quote: each value as printed, then the verbatim
    quote (where one was transcribed), source, publication date and link; then every other
    source that printed the same figure (`citations`: rows of ref_figure_citations)."""
    first = figs[0]
    lines = "  \n".join(figure_line(f) for f in figs)
    quote = first["quote"]
    quoted = (
        f"> “{md(quote)}”\n\n"
        if isinstance(quote, str) and quote
        else "*No longer quote transcribed: the value is in the source's own words.*\n\n"
    )
    also = []
    if citations is not None and not citations.empty:
        ids = {f["figure_id"] for f in figs}
        others = citations[citations["figure_id"].isin(ids) & ~citations["is_primary"]]
        also = [citation_line(c) for _, c in others.iterrows()]
    return (
        f"{lines}\n\n{quoted}"
        f"— *{md(first['source_name'])}*, published {md(first['publication_date'])} · "
        f"[source page](<{first['url']}>)" + ("\n\n" + "  \n".join(also) if also else "")
    )


def reference_table(refs: pd.DataFrame) -> pd.DataFrame:
    return refs[REF_TABLE_COLUMNS].rename(
        columns={
            "value_text": "value as printed",
            "source_name": "source",
            "source_count": "sources",
            "other_sources": "also printed by",
        }
    )


# --------------------------------------------------------------------------- amounts


def in_display_units(
    df: pd.DataFrame, measure: str, share: str, *, blank_missing: bool = False
) -> pd.DataFrame:
    """`amount` in display units as `amount_display`, and `share` as a bar `label` (blank
    where the share is missing, if `blank_missing`)."""
    df = df.copy()
    # net weight is reported in kg; shown in tonnes (kg / 1000)
    df["amount_display"] = df["amount"] / 1000 if measure == "weight" else df["amount"]
    df["label"] = df[share].map(lambda v: "" if blank_missing and pd.isna(v) else text.share(v))
    return df


def amount_title(measure: str) -> str:
    return "USD, FOB value" if measure == "value" else "Tonnes (net weight)"


def amount_text(value: float, measure: str) -> str:
    return text.usd(value) if measure == "value" else text.number(value, "tonnes")


def shares_chart(df: pd.DataFrame, share: str, **kw):
    """Each country's `share` by year, one line a country, on a percentage axis."""
    return charts.series_over_time_chart(
        df, x="year", y=share, series="iso3", series_label="country", percent=True, **kw
    )


def amounts_ranking_chart(df: pd.DataFrame, measure: str, **kw):
    """Exporters or partners by amount, biggest on top, each labelled with its share."""
    return charts.ranking_bar_chart(
        df,
        key="iso3",
        label="country",
        value="amount_display",
        text="label",
        x_title=amount_title(measure),
        **kw,
    )


def amounts_table(df: pd.DataFrame, measure: str, share: str, share_title: str) -> pd.DataFrame:
    return df[["rank", "country", "amount_display", share]].rename(
        columns={"amount_display": amount_title(measure), share: share_title}
    )


# --------------------------------------------------------------------------- summaries


def china_place(df: pd.DataFrame, share: str, *, absent: str, amount=None) -> str:
    """How China stands in a ranking whose leader the sentence has named: ', ahead of
    <second> (<share>).' when China leads, else '; China ranked <n> with [<amount>]
    (<share>).', or `absent` when China is not in the list."""
    china = df[df["iso3"] == "CHN"]
    if df.iloc[0]["iso3"] == "CHN":
        if len(df) < 2:
            return "."
        second = df.iloc[1]
        return f", ahead of {second['country']} ({text.share(second[share])})."
    if china.empty:
        return absent
    c = china.iloc[0]
    if amount is None:
        return f"; China ranked {int(c['rank'])} with {text.share(c[share])}."
    return f"; China ranked {int(c['rank'])} with {amount(c)} ({text.share(c[share])})."


def export_share_summary(df: pd.DataFrame) -> str:
    """China's share of reported world exports, and how many countries reported."""
    summary = text.share_summary(
        df,
        x="year",
        y="china_share",
        series_label="country",
        what="China's share of reported world tomato-paste exports",
    )
    lo_n, hi_n = int(df["reporters"].min()), int(df["reporters"].max())
    reporters = f"{lo_n} every year" if lo_n == hi_n else f"from {lo_n} to {hi_n} a year"
    return summary + (
        " The world total is the sum of the countries that reported to UN Comtrade "
        f"({reporters}); a country that did not report is missing from it."
    )


def export_share_table(df: pd.DataFrame, measure: str) -> pd.DataFrame:
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
    return table


def top_exporters_summary(df: pd.DataFrame, year, measure: str) -> str:
    first = df.iloc[0]
    return (
        f"In {year}, {first['country']} reported the most tomato-paste exports "
        f"({amount_text(first['amount_display'], measure)}, "
        f"{text.share(first['share_of_reported_total'])} of the reported total)"
    ) + china_place(
        df,
        "share_of_reported_total",
        absent=f"; China is not among the top {TOP_N} reporters that year.",
        amount=lambda c: amount_text(c["amount_display"], measure),
    )


def destinations_summary(df: pd.DataFrame, year, measure: str) -> str:
    first = df.iloc[0]
    return (
        f"In {year}, China's largest reported destination for tomato paste was "
        f"{first['country']} ({amount_text(first['amount_display'], measure)}"
        + (
            f", {text.share(first['share_of_world'])} of its exports to World"
            if pd.notna(first["share_of_world"])
            else ""
        )
        + f"), out of {int(first['partners'])} partners."
    )


def production_share_summary(df: pd.DataFrame) -> str:
    return text.share_summary(
        df,
        x="year",
        y="share_of_world",
        series_label="country",
        what="Share of world tomato production",
    )


def production_share_table(df: pd.DataFrame) -> pd.DataFrame:
    return df[["year", "country", "tonnes", "world_tonnes", "share_of_world"]].rename(
        columns={
            "tonnes": "Production, tonnes",
            "world_tonnes": "World, tonnes",
            "share_of_world": "Share of world",
        }
    )


def top_producers_summary(df: pd.DataFrame, year) -> str:
    lead = df.iloc[0]
    return (
        f"In {year}, {lead['country']} produced the most tomatoes "
        f"({text.number(lead['tonnes'], 'tonnes')}, {text.share(lead['share_of_world'])} of "
        f"the World total of {text.number(lead['world_tonnes'], 'tonnes')})"
    ) + china_place(df, "share_of_world", absent="; China is not in the top list.")


def top_producers_table(df: pd.DataFrame) -> pd.DataFrame:
    return df[["rank", "country", "tonnes", "share_of_world"]].rename(
        columns={"tonnes": "Tonnes", "share_of_world": "Share of world"}
    )


# --------------------------------------------------------------------------- FAOSTAT exports

FAO_MEASURES = {"quantity": "Quantity (tonnes)", "value": "Value (USD)"}
FAO_AMOUNT_TITLES = {"quantity": "Tonnes", "value": "USD (FAOSTAT export value)"}


def fao_amount_text(value: float, measure: str) -> str:
    return text.usd(value) if measure == "value" else text.number(value, "tonnes")


def china_rows(df: pd.DataFrame) -> pd.DataFrame:
    """China's (mainland, FAO area 41) rows of paste_exports_by_exporter."""
    return df[df["exporter_id"] == "CHN"].sort_values("year")


def fao_share_summary(china: pd.DataFrame, measure: str) -> str:
    """China's share of world paste exports, then its rank in the first and last year."""
    summary = text.share_summary(
        china.assign(country="China"), x="year", y="share", series_label="country",
        what="China's share of world tomato-paste exports",
    )  # fmt: skip
    ranked = china.dropna(subset=["rank"])
    if ranked.empty:
        return summary
    first, last = ranked.iloc[0], ranked.iloc[-1]
    return (
        f"{summary} China ranked {int(first['rank'])} among exporting countries in "
        f"{int(first['year'])} and {int(last['rank'])} in {int(last['year'])} "
        f"({fao_amount_text(last['amount'], measure)})."
    )


def fao_share_table(china: pd.DataFrame, measure: str) -> pd.DataFrame:
    unit = FAO_AMOUNT_TITLES[measure]
    return china[["year", "amount", "world_amount", "share", "rank"]].rename(
        columns={
            "amount": f"China, {unit}",
            "world_amount": f"World, {unit}",
            "share": "China's share",
            "rank": "China's rank among exporting countries",
        }
    )


def exporters_frame(df: pd.DataFrame) -> pd.DataFrame:
    """paste_exports_by_exporter's rows in the shape suppliers_view reads (period, partner,
    kind, value): exporting countries, and FAO's World (kind 'total')."""
    columns = {"year": "period", "exporter_id": "partner_iso3", "amount": "value",
               "exporter_name": "partner_name", "exporter_kind": "partner_kind"}  # fmt: skip
    return df.rename(columns=columns)
