"""Where the trade went, as pure functions: which periods can be compared, every supplier's
imports in two periods, the change, and the shares over time with "all others". No st.*.

Input frames have one row per period and partner: `period` (a month's first day, or a
year), `partner_iso3`, `partner_name`, `partner_kind` ('country' or 'total') and `value`.
Every sum stays within one source and value basis: the caller passes one source's rows.
"""

from dataclasses import dataclass

import pandas as pd

from dashboard import text

ALL_OTHERS = "ALL_OTHERS"
ALL_OTHERS_NAME = "All other suppliers"
CHART_LINES = 8  # a chart never draws more partner lines than this
CHANGE_BARS = 15  # suppliers in the change chart, beside "all others"
WINDOW_MONTHS = 12
WRO_MONTH = pd.Timestamp("2021-01-01")  # the WRO took effect on 13 January 2021
LAST_PRE_WRO_YEAR = 2020
CHINA = "CHN"
# The countries of a period must add up to the source's total within this (a month whose
# partners were fetched only in part is not "every supplier").
COVERAGE_TOLERANCE = 0.001


@dataclass(frozen=True)
class Periods:
    """Two periods to compare: labels and the periods (months or years) each one spans."""

    a_label: str
    a: tuple
    b_label: str
    b: tuple


def complete_periods(df: pd.DataFrame) -> list:
    """Periods where the countries held add up to the total: every supplier is there."""
    if df.empty:
        return []
    countries = df[df["partner_kind"] == "country"].groupby("period")["value"].sum()
    total = df[df["partner_kind"] == "total"].groupby("period")["value"].sum()
    both = pd.concat([countries.rename("countries"), total.rename("total")], axis=1).dropna()
    ok = (both["countries"] - both["total"]).abs() <= COVERAGE_TOLERANCE * both["total"]
    return sorted(both.index[ok & (both["total"] > 0)])


def month_windows(months: list) -> list[pd.Timestamp]:
    """The months that end a full window of WINDOW_MONTHS consecutive complete months."""
    held = set(pd.Timestamp(m) for m in months)
    ends = []
    for end in sorted(held):
        start = end - pd.DateOffset(months=WINDOW_MONTHS - 1)
        if all(m in held for m in pd.date_range(start, end, freq="MS")):
            ends.append(end)
    return ends


def window_of(end) -> tuple:
    """The WINDOW_MONTHS months ending with `end`."""
    end = pd.Timestamp(end)
    return tuple(pd.date_range(end - pd.DateOffset(months=WINDOW_MONTHS - 1), end, freq="MS"))


def window_label(end) -> str:
    months = window_of(end)
    return f"{text.month_label(months[0])} to {text.month_label(months[-1])}"


def default_month_ends(ends: list) -> tuple[pd.Timestamp, pd.Timestamp, bool]:
    """Period A: the 12 months before the WRO if held, else the first window held; period
    B: the latest window. The flag says whether A is before the WRO."""
    before = [e for e in ends if e < WRO_MONTH]
    a = before[-1] if before else ends[0]
    return a, ends[-1], bool(before)


def default_years(years: list[int]) -> tuple[int, int, bool]:
    """Period A: the last year before the WRO if held, else the first year; B: the latest."""
    before = [y for y in years if y <= LAST_PRE_WRO_YEAR]
    a = before[-1] if before else years[0]
    return a, years[-1], bool(before)


def supplier_table(df: pd.DataFrame, periods: Periods) -> pd.DataFrame:
    """Every supplier's imports in both periods, its share of the total of each, and the
    change, biggest supplier in period B first."""
    countries = df[df["partner_kind"] == "country"]
    total = df[df["partner_kind"] == "total"]

    def in_period(frame, spans):
        return frame[frame["period"].isin(spans)].groupby("partner_iso3")["value"].sum()

    names = countries.groupby("partner_iso3")["partner_name"].first()
    out = pd.DataFrame({"value_a": in_period(countries, periods.a)})
    out = out.join(in_period(countries, periods.b).rename("value_b"), how="outer").fillna(0.0)
    total_a = total[total["period"].isin(periods.a)]["value"].sum()
    total_b = total[total["period"].isin(periods.b)]["value"].sum()
    out["share_a"] = out["value_a"] / total_a if total_a else float("nan")
    out["share_b"] = out["value_b"] / total_b if total_b else float("nan")
    out["change"] = out["value_b"] - out["value_a"]
    out["change_pct"] = out["change"] / out["value_a"].where(out["value_a"] != 0)
    out["partner_name"] = names.reindex(out.index)
    out = out.reset_index().rename(columns={"index": "partner_iso3"})
    out = out.sort_values(["value_b", "value_a"], ascending=False, ignore_index=True)
    out.insert(0, "rank_b", range(1, len(out) + 1))
    return out


def totals(df: pd.DataFrame, periods: Periods) -> tuple[float, float]:
    total = df[df["partner_kind"] == "total"]
    return (
        float(total[total["period"].isin(periods.a)]["value"].sum()),
        float(total[total["period"].isin(periods.b)]["value"].sum()),
    )


def change_bars(table: pd.DataFrame, limit: int = CHANGE_BARS) -> pd.DataFrame:
    """The suppliers whose imports changed most (China always among them), then one bar for
    every other supplier's net change; sorted by change, biggest fall first."""
    if table.empty:
        return table.assign(label="")
    by_size = table.reindex(table["change"].abs().sort_values(ascending=False).index)
    shown = by_size.head(limit)
    if CHINA in set(table["partner_iso3"]) and CHINA not in set(shown["partner_iso3"]):
        shown = pd.concat([shown.head(limit - 1), table[table["partner_iso3"] == CHINA]])
    rest = table[~table["partner_iso3"].isin(shown["partner_iso3"])]
    bars = shown[["partner_iso3", "partner_name", "value_a", "value_b", "change"]]
    if not rest.empty:
        others = pd.DataFrame(
            {
                "partner_iso3": [ALL_OTHERS],
                "partner_name": [f"{ALL_OTHERS_NAME} ({len(rest)})"],
                "value_a": [rest["value_a"].sum()],
                "value_b": [rest["value_b"].sum()],
                "change": [rest["change"].sum()],
            }
        )
        bars = pd.concat([bars, others], ignore_index=True)
    bars = bars.sort_values("change", ignore_index=True)
    bars["label"] = [
        f"{text.usd(c)} ({text.pct_change(a, b)})"
        for a, b, c in zip(bars["value_a"], bars["value_b"], bars["change"], strict=True)
    ]
    return bars


def top_suppliers(table: pd.DataFrame, lines: int = CHART_LINES) -> list[str]:
    """The biggest suppliers in period B, China always among them, leaving one line for
    all others."""
    top = list(table["partner_iso3"].head(lines - 1))
    if CHINA in set(table["partner_iso3"]) and CHINA not in top:
        top = top[: lines - 2] + [CHINA]
    return top


def shares_over_time(
    df: pd.DataFrame, periods: list, top: list[str], others_name: str = ALL_OTHERS_NAME
) -> pd.DataFrame:
    """Each top supplier's share of the total in every complete period, and all others'
    (the total less the top suppliers)."""
    part = df[df["period"].isin(periods)]
    total = part[part["partner_kind"] == "total"].groupby("period")["value"].sum()
    countries = part[part["partner_kind"] == "country"]
    chosen = countries[countries["partner_iso3"].isin(top)]
    rows = chosen[["period", "partner_iso3", "partner_name", "value"]].copy()
    rest = total - chosen.groupby("period")["value"].sum().reindex(total.index).fillna(0.0)
    others = pd.DataFrame(
        {
            "period": rest.index,
            "partner_iso3": ALL_OTHERS,
            "partner_name": others_name,
            "value": rest.to_numpy(),
        }
    )
    out = pd.concat([rows, others], ignore_index=True)
    out["total"] = out["period"].map(total)
    out["share"] = out["value"] / out["total"]
    out["order"] = out["partner_iso3"].map({p: i for i, p in enumerate([*top, ALL_OTHERS])})
    return out.sort_values(["order", "period"], ignore_index=True).drop(columns="order")


def change_summary(table: pd.DataFrame, periods: Periods, what: str) -> str:
    """'US imports of <what>: China -$X (-Y%) from period A to period B; the biggest gains:
    Vietnam +$..., ...; the biggest falls: ...'"""
    if table.empty:
        return f"No US imports of {what} in these periods."
    parts = []
    china = table[table["partner_iso3"] == CHINA]
    if not china.empty:
        r = china.iloc[0]
        parts.append(
            f"China {_signed(r['change'])} ({text.pct_change(r['value_a'], r['value_b'])}), "
            f"from {text.usd(r['value_a'])} to {text.usd(r['value_b'])}"
        )
    others = table[table["partner_iso3"] != CHINA]
    gains = others[others["change"] > 0].nlargest(3, "change")
    falls = others[others["change"] < 0].nsmallest(3, "change")
    if not gains.empty:
        parts.append("biggest gains: " + _changes(gains))
    if not falls.empty:
        parts.append("biggest falls: " + _changes(falls))
    return (
        f"US imports of {what}, {periods.a_label} against {periods.b_label}: "
        + "; ".join(parts)
        + "."
    )


def shares_summary(df: pd.DataFrame, what: str = "Share of US imports", x_fmt=str) -> str:
    return text.share_summary(
        df, x="period", y="share", series_label="partner_name", what=what, x_fmt=x_fmt
    )


def _signed(value: float) -> str:
    return ("+" if value > 0 else "") + text.usd(value)


def _changes(frame: pd.DataFrame) -> str:
    return ", ".join(f"{r.partner_name} {_signed(r.change)}" for r in frame.itertuples())


TABLE_COLUMNS = {
    "rank_b": "Rank (period B)",
    "partner_name": "Supplier",
    "partner_iso3": "Code",
    "value_a": "Period A, USD",
    "value_b": "Period B, USD",
    "share_a": "Share A",
    "share_b": "Share B",
    "change": "Change, USD",
    "change_pct": "Change, %",
}


def download_table(table: pd.DataFrame, periods: Periods) -> pd.DataFrame:
    """The table of every supplier as its CSV/XLSX gives it: the periods in the headers."""
    out = table[list(TABLE_COLUMNS)].rename(columns=TABLE_COLUMNS)
    return out.rename(
        columns={
            "Period A, USD": f"{periods.a_label}, USD",
            "Period B, USD": f"{periods.b_label}, USD",
            "Share A": f"Share of the total, {periods.a_label}",
            "Share B": f"Share of the total, {periods.b_label}",
        }
    )


OTHER_CHOSEN = "OTHERS"


def capped_partners(
    df: pd.DataFrame, *, x: str, y: str, limit: int = CHART_LINES, keep=("CHN", "WLD")
) -> pd.DataFrame:
    """A partner chart's rows with at most `limit` lines: China and World (if chosen) and the
    biggest other partners over the period; the rest summed into one line of "other chosen
    partners". A unit value is recomputed from the summed value and quantity, never added."""
    partners = list(dict.fromkeys(df["partner_iso3"]))
    if len(partners) <= limit:
        return df
    size = "value_usd" if "value_usd" in df else y
    kept = [p for p in keep if p in partners]
    others = df[~df["partner_iso3"].isin(kept)]
    biggest = others.groupby("partner_iso3")[size].sum().sort_values(ascending=False)
    shown = kept + list(biggest.index[: limit - 1 - len(kept)])
    rest = df[~df["partner_iso3"].isin(shown)]
    sums = [c for c in ("value_usd", "quantity", "net_weight_kg", y) if c in df]
    merged = rest.groupby(x, as_index=False)[list(dict.fromkeys(sums))].sum(min_count=1)
    if y == "unit_value_usd" and {"value_usd", "quantity"} <= set(merged):
        merged[y] = merged["value_usd"] / merged["quantity"].where(merged["quantity"] != 0)
    n = rest["partner_iso3"].nunique()
    merged["partner_iso3"] = OTHER_CHOSEN
    merged["partner"] = f"Other chosen partners ({n})"
    for column in ("dataset", "datasets", "vintage", "value_basis"):
        if column in rest:
            merged[column] = ",".join(sorted(set(",".join(rest[column].dropna()).split(","))))
    return pd.concat([df[df["partner_iso3"].isin(shown)], merged], ignore_index=True)
