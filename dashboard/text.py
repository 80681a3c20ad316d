"""Numbers in words: formatting and the one-sentence summaries under each chart; and
text from the data made safe for Markdown.

Summaries are computed from the chart's own data, so they are text alternatives
that stay true when filters change.
"""

import math
import re

import pandas as pd

# How each value basis is named: the words go into units ("USD, CIF value"), the gloss
# after them in source lines.
BASIS_WORDS = {"CIF": "CIF value", "customs": "customs value", "FOB": "FOB value"}
BASIS_GLOSS = {"CIF": "incl. freight and insurance", "customs": "excl. freight and insurance"}


def basis_words(basis: str, *, gloss: bool = False) -> str:
    """'CIF value', with `gloss` 'CIF value (incl. freight and insurance)'; '' if unknown."""
    words = BASIS_WORDS.get(basis, "")
    if gloss and words and basis in BASIS_GLOSS:
        return f"{words} ({BASIS_GLOSS[basis]})"
    return words


def plural(n: int, word: str) -> str:
    """'1 line', '3 lines'."""
    return f"{n} {word}{'s' * (n != 1)}"


def usd(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    sign = "-" if value < 0 else ""
    v = abs(value)
    for cut, suffix in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if v >= cut:
            return f"{sign}${v / cut:,.2f}{suffix}"
    if v < 100 and v != round(v):
        return f"{sign}${v:,.2f}"  # unit values: $2.23 a kg, not $2
    return f"{sign}${v:,.0f}"


def number(value: float | None, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "no data"
    for cut, suffix in ((1e9, " bn"), (1e6, " m"), (1e3, " k")):
        if abs(value) >= cut:
            return f"{value / cut:,.2f}{suffix} {unit}".strip()
    return f"{value:,.0f} {unit}".strip()


def pct_change(old: float, new: float) -> str:
    if old is None or new is None or old == 0 or pd.isna(old) or pd.isna(new):
        return "n/a"
    return f"{(new - old) / old:+.0%}"


def trend_summary(
    df: pd.DataFrame, *, x: str, y: str, series_label: str, what: str, fmt=usd, x_fmt=str
) -> str:
    """'<what> from China fell from $X in 2019 to $Y in 2024 (-47%); from Vietnam ...'"""
    if df.empty:
        return f"No data for {what} in this selection."
    parts = []
    for label, part in df.dropna(subset=[y]).groupby(series_label, sort=False):
        part = part.sort_values(x)
        if part.empty:
            continue
        first, last = part.iloc[0], part.iloc[-1]
        if len(part) == 1:
            parts.append(f"{label}: {fmt(first[y])} in {x_fmt(first[x])}")
            continue
        verb = "rose" if last[y] > first[y] else "fell" if last[y] < first[y] else "held"
        parts.append(
            f"{label} {verb} from {fmt(first[y])} in {x_fmt(first[x])} to {fmt(last[y])} "
            f"in {x_fmt(last[x])} ({pct_change(first[y], last[y])})"
        )
    if not parts:
        return f"No data for {what} in this selection."
    return f"{what}: " + "; ".join(parts) + "."


def share_summary(
    df: pd.DataFrame, *, x: str, y: str, series_label: str, what: str, x_fmt=str
) -> str:
    """'<what>: China 17.4% in 1961, 36.5% in 2023 (highest 36.6% in 2022); ...' in
    percentage terms (a relative change of a share would read as growth)."""
    parts = []
    for label, part in df.dropna(subset=[y]).groupby(series_label, sort=False):
        part = part.sort_values(x)  # by the values, not their labels ("Apr" < "Jan")
        first, last = part.iloc[0], part.iloc[-1]
        peak = part.loc[part[y].idxmax()]
        sentence = f"{label} {share(first[y])} in {x_fmt(first[x])}"
        if len(part) > 1:
            sentence += f", {share(last[y])} in {x_fmt(last[x])}"
            if peak[x] not in (first[x], last[x]):
                sentence += f" (highest {share(peak[y])} in {x_fmt(peak[x])})"
        parts.append(sentence)
    if not parts:
        return f"No data for {what} in this selection."
    return f"{what}: " + "; ".join(parts) + "."


def month_label(ts) -> str:
    return pd.Timestamp(ts).strftime("%b %Y")


def share(value: float) -> str:
    return "no data" if value is None or pd.isna(value) else f"{value:.1%}"


MD_SPECIAL = "\\`*_[]<>#|~$"


def md(value) -> str:
    """Text from the data, made safe for Markdown ($ would start maths, ~ strikes through)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return "".join("\\" + c if c in MD_SPECIAL else c for c in str(value))


def md_without_maths(markdown: str) -> str:
    """Markdown with '$' escaped outside code, so Streamlit does not read it as LaTeX maths."""
    parts = re.split(r"(```.*?```|`[^`\n]*`)", markdown, flags=re.S)
    return "".join(p if p.startswith("`") else p.replace("$", "\\$") for p in parts)
