"""How current a page's data are, in words: the latest month or year of each series it
draws and that figure's vintage, and a note when the latest Census month is old. Pure."""

from datetime import date

import pandas as pd

SERIES = {
    "census_monthly": "US Census monthly imports",
    "census_annual": "US Census annual imports",
    "comtrade_annual": "UN Comtrade annual imports",
    "comtrade_exports": "UN Comtrade exports",
    "otexa_apparel": "OTEXA apparel imports",
    "faostat_paste": "FAOSTAT tomato-paste exports",
    "faostat_production": "FAOSTAT tomato production",
}
STALE_MONTHS = 3  # a latest Census month older than this is called stale
REFRESH = "`python -m etl refresh` (or `make refresh`; needs network), which rebuilds"


def period_label(period, frequency: str) -> str:
    ts = pd.Timestamp(period)
    return f"{ts:%b %Y}" if frequency == "month" else f"{ts:%Y}"


def currency_line(rows: pd.DataFrame, series: tuple[str, ...]) -> str:
    """'Data to: US Census monthly imports, Mar 2026 (USA Trade Online report dated
    2026-05-30), Dec 2024 (Census API answer saved 2025-10-18); UN Comtrade ...'"""
    parts = []
    for key in series:
        part = rows[rows["series"] == key]
        if part.empty:
            continue
        latest = part.groupby(["latest_period", "frequency", "vintage"], as_index=False).size()
        latest = latest.sort_values("latest_period", ascending=False)
        spans = [
            f"{period_label(r.latest_period, r.frequency)} ({r.vintage})"
            for r in latest.itertuples()
        ]
        parts.append(f"{SERIES.get(key, key)} to {', '.join(dict.fromkeys(spans))}")
    return ("Data: " + "; ".join(parts) + ".") if parts else ""


def stale_note(rows: pd.DataFrame, series: tuple[str, ...], today: date) -> str:
    """A note when the page draws Census monthly data whose latest month is more than
    STALE_MONTHS months before today; '' otherwise."""
    if "census_monthly" not in series:
        return ""
    census = rows[rows["series"] == "census_monthly"]
    if census.empty:
        return ""
    latest = pd.Timestamp(census["latest_period"].max())
    age = (today.year - latest.year) * 12 + today.month - latest.month
    if age <= STALE_MONTHS:
        return ""
    return (
        f"The latest Census month here is {latest:%B %Y}, {age} months before today: these "
        f"figures may be out of date. A deployment with network access refreshes them with "
        f"{REFRESH} the warehouse."
    )
