"""US imports beside CBP's enforcement figures: which months the monthly Census series
covers, and, for each Apparel, Footwear & Textiles figure, US imports of chapters 50-63 in
the same months where the data have every one of them. Context, never a share: CBP's
industries are not HS chapters and its values are not customs values. Pure functions."""

import pandas as pd

from dashboard import text
from dashboard.enforcement_view import AFT, ALL, with_unit, with_windows

WORLD = "WLD"


def month_words(period) -> str:
    return f"{pd.Timestamp(period):%b %Y}"


def coverage(imports: pd.DataFrame) -> pd.DataFrame:
    """Per partner: first and last month, months held and months missing in between."""
    rows = []
    for iso3, part in imports.groupby("partner_iso3", sort=False):
        periods = pd.to_datetime(part["period"]).sort_values()
        first, last = periods.iloc[0], periods.iloc[-1]
        span = len(pd.period_range(first, last, freq="M"))
        rows.append(
            dict(
                partner_iso3=iso3,
                partner_name=part["partner_name"].iloc[0],
                first=first,
                last=last,
                months=len(periods),
                missing=span - len(periods),
            )
        )
    return pd.DataFrame(rows)


def coverage_words(imports: pd.DataFrame) -> str:
    """'All countries: Jan 2023 – Dec 2024 (24 months); China: ...'."""
    if imports.empty:
        return "The warehouse has no month with every chapter 50-63 for these partners."
    parts = []
    for r in coverage(imports).itertuples():
        gap = f", {text.plural(r.missing, 'month')} missing in between" if r.missing else ""
        parts.append(
            f"{r.partner_name}: {month_words(r.first)} – {month_words(r.last)} "
            f"({text.plural(r.months, 'month')}{gap})"
        )
    return "; ".join(parts)


def months_of(row) -> tuple[list[pd.Timestamp], list[str]]:
    """The calendar months a figure's window spans, and why it cannot be set beside monthly
    trade (none if it can)."""
    end = row["period_end"]
    if pd.isna(end):
        return [], [f"its end is printed as “{row['period_end_text']}”"]
    start, end = pd.Timestamp(row["period_start"]), pd.Timestamp(end)
    why = []
    if start.day != 1 or end != end + pd.offsets.MonthEnd(0):
        why.append("its window is not whole calendar months")
    months = [p.to_timestamp() for p in pd.period_range(start, end, freq="M")]
    return months, why


def industry_beside_imports(figures: pd.DataFrame, imports: pd.DataFrame) -> pd.DataFrame:
    """Every AF&T figure for all origins (shipments and value as printed, by window) with
    US imports of chapters 50-63 from all countries over the same months, where the data
    have every one of those months; else why not."""
    aft = figures[
        (figures["industry"] == AFT)
        & (figures["country"] == ALL)
        & (figures["exam_result"] == "all")
    ]
    world = imports[imports["partner_iso3"] == WORLD]
    by_month = dict(zip(pd.to_datetime(world["period"]), world["value_usd"], strict=True))
    rows = []
    for _label, part in with_windows(aft).groupby("period_label", sort=False):
        first = part.iloc[0]
        printed = {r.measure: with_unit(r.value_text, r.unit) for r in part.itertuples()}
        months, why = months_of(first)
        missing = [m for m in months if m not in by_month]
        if months and missing:
            why.append(
                f"the trade data lack {month_words(missing[0])}"
                + (f" – {month_words(missing[-1])}" if len(missing) > 1 else "")
            )
        value = None if why else sum(by_month[m] for m in months)
        rows.append(
            {
                "period": first["window"],
                "AF&T value (CBP, as printed)": printed.get("value"),
                "US imports, HS 50-63, all countries (USD, customs value)": value,
                "months of trade data": len(months) if value is not None else None,
                "why no trade figure": "; ".join(why) or None,
                "AF&T shipments (CBP)": printed.get("shipments"),
                "CBP figures quoted by": "; ".join(dict.fromkeys(part["source_name"])),
                "_start": first["period_start"],
            }
        )
    out = pd.DataFrame(rows)
    return out.sort_values("_start").drop(columns="_start") if not out.empty else out


def beside_summary(table: pd.DataFrame) -> str:
    col = "US imports, HS 50-63, all countries (USD, customs value)"
    beside = table[table[col].notna()]
    if beside.empty:
        return "No Apparel, Footwear & Textiles figure covers whole months the trade data hold."
    return (
        "Beside the CBP figures (context, not a share): "
        + "; ".join(
            f"{r['period']}: AF&T {r['AF&T value (CBP, as printed)'] or 'value not printed'}, "
            f"US imports of HS 50-63 {text.usd(r[col])}"
            for _, r in beside.iterrows()
        )
        + "."
    )
