"""What the Enforcement page shows, as pure functions: CBP's published figures as frames for
the point charts (label, marker kind, hover), the tables behind them with each figure's
words and source, the windows of trade data beside them, and the words under each chart.
A qualified figure is always shown with its words; only an exact one is written out as a
number. No st.* calls."""

import html

import pandas as pd

from dashboard import text

ALL = "All"
AFT = "Apparel, Footwear & Textiles"
INDUSTRIES = {ALL: "All industries", AFT: AFT}
RESULTS = {
    "all": "All shipments reviewed",
    "denied": "Denied",
    "released": "Released",
    "pending": "Pending",
}
RESULT_COLOURS = {
    "All shipments reviewed": "#000000",
    "Denied": "#D55E00",
    "Released": "#009E73",
    "Pending": "#E69F00",
}
INDUSTRY_COLOURS = {"All industries": "#000000", AFT: "#0072B2"}
KIND_WORDS = {
    "exact": "exact",
    "as printed": "as printed (rounded to the digits shown)",
    "approximate": "approximate or rounded",
    "lower bound": "a lower bound",
    "upper bound": "an upper bound",
}
# Under every chart of UFLPA shipment counts (a subtitle line, so exported images keep it).
REDEFINED_SHORT = "Counts as quoted before CBP redefined “shipment” in 2026."
REDEFINED = (
    "CBP redefined “shipment” in a 2026 dashboard update: these counts, quoted before it, "
    "may not match the dashboard's history today."
)


# --- words ---------------------------------------------------------------------------------


def counted_from(snapshots: pd.DataFrame) -> str:
    """The day the cumulative snapshots count from (the UFLPA's entry into force), in
    words; each snapshot row carries it."""
    return ", ".join(day(d) for d in sorted(set(snapshots["counted_from"])))


def day(d) -> str:
    """'3 Mar 2023'."""
    d = pd.Timestamp(d)
    return f"{d.day} {d:%b %Y}"


def as_of_words(as_of, precision: str | None) -> str:
    """'3 Mar 2023', or 'Mar 2024 (no day printed)' for a month-only date."""
    if pd.isna(as_of):
        return "date not printed"
    if precision == "month":
        return f"{pd.Timestamp(as_of):%b %Y} (no day printed)"
    return day(as_of)


def with_unit(value_text: str, unit: str) -> str:
    """'3,237 shipments', 'more than $3.68 billion' (amounts carry their own $)."""
    return value_text if unit == "USD" else f"{value_text} {unit}"


def hover(title: str, figure: str, kind: str, source: str, published, url) -> str:
    parts = [
        f"<b>{html.escape(title)}</b>",
        f"{html.escape(figure)} ({KIND_WORDS.get(kind, kind)})",
        f"{html.escape(str(source))}, published {html.escape(str(published or 'n.d.'))}",
        html.escape(str(url or "")),
    ]
    return "<br>".join(p for p in parts if p)


def cited_hovers(df: pd.DataFrame, titles: list[str], figures: list[str] | None = None) -> list:
    """Each row's hover from its cited figure's columns (value_text, qualifier_kind,
    source_name, publication_date, url), under `titles`; `figures` replaces value_text."""
    figures = list(df["value_text"]) if figures is None else figures
    return [
        hover(title, figure, r.qualifier_kind, r.source_name, r.publication_date, r.url)
        for title, figure, r in zip(titles, figures, df.itertuples(), strict=True)
    ]


def label(value_text: str, kind: str) -> str:
    """A point's label: the source's words for a qualified figure, none for an exact one."""
    return "" if kind == "exact" else value_text


# --- UFLPA snapshots -------------------------------------------------------------------------


def snapshot_frame(snapshots: pd.DataFrame, industry: str, measure: str) -> pd.DataFrame:
    """One industry's all-origin snapshots of one measure, as points: one series per exam
    result."""
    df = snapshots[
        (snapshots["industry"] == industry)
        & (snapshots["country"] == ALL)
        & (snapshots["measure"] == measure)
    ].copy()
    df["result"] = df["exam_result"].map(RESULTS)
    df["as_of"] = df.apply(lambda r: as_of_words(r["as_of_date"], r["as_of_precision"]), axis=1)
    df["label"] = [label(v, k) for v, k in zip(df["value_text"], df["qualifier_kind"], strict=True)]
    df["hover"] = cited_hovers(
        df,
        [f"{r.result}, {day(r.counted_from)} to {r.as_of}" for r in df.itertuples()],
        [with_unit(r.value_text, r.unit) for r in df.itertuples()],
    )
    order = list(RESULTS.values())
    df["_order"] = df["result"].map(order.index)
    return df.sort_values(["_order", "as_of_date"]).drop(columns="_order")


def figures_table(df: pd.DataFrame, *, when: str) -> pd.DataFrame:
    """The figures behind a chart or list, each with its words and source. `when` names the
    column that says when (as of, or the period). A number is given only for an exact
    figure: a qualified one has only its words."""
    return pd.DataFrame(
        {
            "when": df[when],
            "source's label": df.get("snapshot_label", df.get("period_label")),
            "industry": df["industry"],
            "country of origin": df["country"],
            "what": df["metric"],
            "value as printed": [
                with_unit(v, u) for v, u in zip(df["value_text"], df["unit"], strict=True)
            ],
            "qualifier (source's words)": df["qualifier"],
            "reads as": df["qualifier_kind"].map(KIND_WORDS),
            "exact value": df["value_number"].where(df["qualifier_kind"] == "exact"),
            "unit": df["unit"],
            "source": df["source_name"],
            "published": df["publication_date"],
            "url": df["url"],
            "printed in the source's notes as": df["printed_in_notes"],
        }
    ).rename(columns={"when": "as of" if when == "as_of" else "period"})


def snapshot_summary(df: pd.DataFrame, what: str) -> str:
    if df.empty:
        return f"No snapshot gives {what.lower()}."
    parts = []
    for result, part in df.groupby("result", sort=False):
        first, last = part.iloc[0], part.iloc[-1]
        words = f"{result}: {with_unit(first.value_text, first.unit)} to {first.as_of}"
        if len(part) > 1:
            words += f", {with_unit(last.value_text, last.unit)} to {last.as_of}"
        parts.append(words + f" ({text.plural(len(part), 'snapshot')})")
    return (
        f"{what}, cumulative from {counted_from(df)}, as published at each snapshot: "
        + "; ".join(parts)
        + ". Snapshots come from different sources and are not differenced."
    )


# --- windows (cumulative snapshots or a period of their own) ---------------------------------


def window(row) -> str:
    """'21 Jun 2022 – 3 Mar 2023 (Dashboard launch)'; an end printed without a day keeps
    its printed form."""
    start = day(row["period_start"])
    end = row["period_end"]
    if pd.isna(end):
        end_words = str(row["period_end_text"])
    elif row["period_end_precision"] == "month":
        end_words = f"{pd.Timestamp(end):%b %Y}"
    else:
        end_words = day(end)
    return f"{start} – {end_words} ({row['period_label']})"


def with_windows(figures: pd.DataFrame) -> pd.DataFrame:
    df = figures.copy()
    df["window"] = df.apply(window, axis=1) if not df.empty else pd.Series(dtype=str)
    return df


def industry_comparison(figures: pd.DataFrame, measure: str) -> pd.DataFrame:
    """All industries against AF&T, all origins, one measure: only windows for which the
    same source gives both (one definition), in date order."""
    df = figures[
        (figures["country"] == ALL)
        & (figures["industry"].isin(INDUSTRIES))
        & (figures["measure"] == measure)
        & (figures["exam_result"] == "all")
    ]
    both = df.groupby("period_label")["industry"].transform("nunique") == len(INDUSTRIES)
    df = with_windows(df[both]).sort_values(["period_start", "period_end_text", "industry"])
    df["series"] = df["industry"].map(INDUSTRIES)
    df["label"] = df["value_text"]  # few points: each labelled, in its source's words
    df["hover"] = cited_hovers(
        df,
        [f"{r.series}, {r.window}" for r in df.itertuples()],
        [with_unit(r.value_text, r.unit) for r in df.itertuples()],
    )
    return df.sort_values(["series", "period_start"], ascending=[True, True])


def comparison_summary(df: pd.DataFrame, what: str) -> str:
    if df.empty:
        return f"No source gives {what} for both all industries and {AFT} over one period."
    parts = []
    for w, part in df.groupby("window", sort=False):
        vals = {r.series: with_unit(r.value_text, r.unit) for r in part.itertuples()}
        parts.append(f"{w}: all industries {vals['All industries']}, {AFT} {vals[AFT]}")
    return f"{what}: " + "; ".join(parts) + "."


# --- countries of origin -------------------------------------------------------------------


def countries_frame(snapshots: pd.DataFrame) -> pd.DataFrame:
    """Value by country of origin (all industries), one point per country and snapshot."""
    df = snapshots[
        (snapshots["country"] != ALL)
        & (snapshots["measure"] == "value")
        & (snapshots["exam_result"] == "all")
    ].copy()
    df["as_of"] = df.apply(lambda r: as_of_words(r["as_of_date"], r["as_of_precision"]), axis=1)
    df["series"] = [
        f"{day(c)} to {a}" for c, a in zip(df["counted_from"], df["as_of"], strict=True)
    ]
    df["label"] = df["value_text"]  # every country figure is worded ("roughly", "nearly")
    df["hover"] = cited_hovers(df, [f"{r.country}, {r.series}" for r in df.itertuples()])
    return df.sort_values(["as_of_date", "value_number"], ascending=[True, False])


def countries_summary(df: pd.DataFrame) -> str:
    if df.empty:
        return "No snapshot gives values by country of origin."
    parts = [
        f"{snap}: " + ", ".join(f"{r.country} {r.value_text}" for r in part.itertuples())
        for snap, part in df.groupby("series", sort=False)
    ]
    return "Value of shipments reviewed by country of origin, " + "; ".join(parts) + "."


# --- the latest totals (Overview, WRO impact, this page) --------------------------------------

LATEST_LABELS = {
    "shipments": "UFLPA shipments reviewed",
    "value": "Their value",
    "denied": "Shipments denied",
    "released": "Shipments released",
    "pending": "Shipments pending",
}


def latest_metrics(latest: pd.DataFrame, metrics=("shipments", "value", "denied")) -> list:
    """(label, value as printed) of the latest all-industry totals, each with its date."""
    by_metric = {r.metric: r for r in latest.itertuples()}
    out = []
    for metric in metrics:
        r = by_metric.get(metric)
        if r is None:
            continue
        when = as_of_words(r.as_of_date, r.as_of_precision)
        out.append((f"{LATEST_LABELS[metric]}, to {when}", r.value_text))
    return out


def latest_note(latest: pd.DataFrame, metrics=("shipments", "value", "denied")) -> str:
    """Markdown: where the latest totals come from and what their words mean."""
    rows = latest[latest["metric"].isin(metrics)]
    if rows.empty:
        return ""
    start = counted_from(rows)
    sources = "; ".join(
        dict.fromkeys(
            f"[{text.md(r.source_name)}]({r.url}) (published {text.md(r.publication_date)})"
            for r in rows.itertuples()
        )
    )
    worded = [
        f"“{text.md(r.value_text)}” is the source's wording: {KIND_WORDS[r.qualifier_kind]}"
        for r in rows.itertuples()
        if r.qualifier_kind != "exact"
    ]
    return (
        f"CBP's UFLPA figures, cumulative from {start}, as quoted by {sources}. "
        + ("; ".join(worded) + ", not an exact value. " if worded else "")
        + REDEFINED
    )


def slider_context(latest: pd.DataFrame) -> str:
    """Markdown for beside the WRO impact page's Enforcement slider: the published totals
    with their words and sources, and why they do not set the slider."""
    metrics = latest_metrics(latest)
    if not metrics:
        return ""
    figures = "; ".join(f"{text.md(label)}: **{text.md(value)}**" for label, value in metrics)
    rows = latest[latest["metric"].isin(("shipments", "value", "denied"))]
    sources = "; ".join(
        dict.fromkeys(f"[{text.md(r.source_name)}]({r.url})" for r in rows.itertuples())
    )
    return (
        f"**Published, for context:** {figures} (CBP's UFLPA figures, cumulative from "
        f"{counted_from(rows)}, as quoted by {sources}; worded figures keep their words). "
        "They count shipments reviewed, not a share of trade, and do not set the Enforcement "
        "slider, which is an assumption. Every figure: the Enforcement page."
    )
