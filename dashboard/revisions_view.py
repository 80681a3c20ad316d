"""Revised figures in words, as pure functions: the hover note of a revised point, what
each pair of vintages showed when compared, the size of revisions by month, and the table
of revised figures. No st.* calls."""

import pandas as pd

from dashboard import text

# The revised figures' table: column -> heading.
TABLE_COLUMNS = {
    "source_name": "Source",
    "hs_code": "HS code",
    "partner_name": "Partner",
    "period_label": "Period",
    "old_value_usd": "Old value, USD",
    "new_value_usd": "New value, USD",
    "change_usd": "Change, USD",
    "change_share": "Change, %",
    "old_vintage": "Old vintage",
    "new_vintage": "New vintage",
}
SOURCE_NAMES = {"census": "US Census Bureau", "comtrade": "UN Comtrade"}


def revision_note(old_value, old_vintage, fmt=text.usd) -> str:
    """'revised: was $1.20 bn in Census API, fetched 2026-11-01' ('' if not revised)."""
    if old_value is None or pd.isna(old_value):
        return ""
    return f"revised: was {fmt(old_value)} in {old_vintage}"


def revision_notes(df: pd.DataFrame, fmt=text.usd) -> pd.Series:
    """A hover note for every row of a mart query that has revised_from_usd and
    revised_from_vintage ('' where the figure was never revised)."""
    if "revised_from_usd" not in df:
        return pd.Series("", index=df.index, dtype="object")
    return pd.Series(
        [revision_note(v, w, fmt) for v, w in zip(df["revised_from_usd"],
                                                  df["revised_from_vintage"], strict=True)],
        index=df.index,
        dtype="object",
    )  # fmt: skip


def group_notes(df: pd.DataFrame) -> pd.Series:
    """A product group's note: how many of its HS6 lines were revised."""
    if "hs6_lines_revised" not in df:
        return pd.Series("", index=df.index, dtype="object")
    counts = df["hs6_lines_revised"].fillna(0).astype(int)
    return counts.map(lambda n: f"{text.plural(n, 'HS6 line')} revised" if n else "")


def revised_count_sentence(notes: pd.Series) -> str:
    """' 3 points are revised figures (open diamonds; hover for the earlier value).'"""
    n = int((notes.fillna("") != "").sum())
    if not n:
        return ""
    return (
        f" {text.plural(n, 'point')} {'is a' if n == 1 else 'are'} revised "
        f"figure{'s' * (n != 1)} (open diamonds; hover for the earlier value)."
    )


def comparison_sentences(checks: pd.DataFrame) -> list[str]:
    """One sentence a pair of vintages compared: '... compared: 288 figures for Jan 2024
    to Dec 2024, no revisions.'"""
    out = []
    for r in checks.itertuples():
        span = _span(r.first_period, r.last_period, r.frequency)
        result = (
            "no revisions"
            if r.figures_revised == 0
            else f"{text.plural(int(r.figures_revised), 'figure')} revised, "
            f"{text.usd(r.absolute_change_usd)} in absolute changes"
        )
        out.append(
            f"- **{SOURCE_NAMES.get(r.source, r.source)}**: {r.old_vintage} "
            f"(`{r.old_dataset}`) against {r.new_vintage} (`{r.new_dataset}`): "
            f"{int(r.figures_compared):,} figures compared for {span}; **{result}**."
        )
    return out


def _period(period, frequency: str) -> str:
    return text.month_label(period) if frequency == "month" else f"{pd.Timestamp(period):%Y}"


def _span(first, last, frequency: str) -> str:
    if first == last:
        return _period(first, frequency)
    return f"{_period(first, frequency)} to {_period(last, frequency)}"


def size_by_month(revised: pd.DataFrame) -> pd.DataFrame:
    """The size of revisions by period revised and source: the sum of absolute changes and
    the number of figures. Sources stay apart (customs value and CIF are never added)."""
    if revised.empty:
        return pd.DataFrame(columns=["source", "source_name", "period", "frequency",
                                     "absolute_change_usd", "figures"])  # fmt: skip
    frame = revised.assign(absolute_change_usd=revised["change_usd"].abs())
    if "frequency" not in frame:
        frame["frequency"] = "month"
    out = frame.groupby(["source", "period", "frequency"], as_index=False).agg(
        absolute_change_usd=("absolute_change_usd", "sum"), figures=("change_usd", "size")
    )
    out["source_name"] = out["source"].map(SOURCE_NAMES).fillna(out["source"])
    return out.sort_values(["source", "period"]).reset_index(drop=True)


def size_summary(sizes: pd.DataFrame) -> str:
    if sizes.empty:
        return "No figure in the warehouse was revised between the vintages it holds."
    parts = []
    for source, part in sizes.groupby("source_name", sort=True):
        top = part.sort_values("absolute_change_usd", ascending=False).iloc[0]
        parts.append(
            f"{source}: {text.plural(int(part['figures'].sum()), 'revised figure')} in "
            f"{text.plural(len(part), 'period')}, the largest in "
            f"{_period(top['period'], top['frequency'])} ({text.usd(top['absolute_change_usd'])} "
            "in absolute changes)"
        )
    return "; ".join(parts) + "."


def table(revised: pd.DataFrame) -> pd.DataFrame:
    """The revised figures with their headings' columns, newest vintage first."""
    frame = revised.assign(
        source_name=revised["source"].map(SOURCE_NAMES).fillna(revised["source"]),
        period_label=[
            _period(p, f) for p, f in zip(revised["period"], revised["frequency"], strict=True)
        ],
    )
    return frame[list(TABLE_COLUMNS)]
