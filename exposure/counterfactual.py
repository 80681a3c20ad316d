"""The no-WRO counterfactual: base-year imports held constant, or grown at each partner
and group's 2015-2019 trend (a log-linear fit, computed for every group at once)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from exposure.assumptions import DATA, Assumption
from exposure.imports_table import baseline, check_imports, countries_only

COUNTERFACTUALS = ("constant", "trend")
TREND_YEARS = (2015, 2019)  # pre-WRO window for the optional trend counterfactual
MIN_TREND_POINTS = 3
NO_TREND = "no trend, held constant"  # in the note of a trend that could not be fitted


@dataclass(frozen=True)
class Growth:
    rate: float
    assumption: Assumption


def trend_growth(
    imports: pd.DataFrame, years: tuple[int, int] = TREND_YEARS
) -> dict[tuple[str, str], Growth]:
    """Annual growth rate per partner and group: log-linear fit over `years` (2015-2019).

    Fewer than MIN_TREND_POINTS years with trade: growth 0, said in the note.
    """
    check_imports(imports)
    imports = countries_only(imports)
    lo, hi = years
    year = imports["year"].astype(int)
    window = imports[(year >= lo) & (year <= hi)]
    sums = window.groupby(["partner_iso3", "product_group", "year"])["value_usd"].sum()
    fits = _log_linear_fits(sums[sums > 0].reset_index())
    # every partner-group in the window, including those with no positive year
    out: dict[tuple[str, str], Growth] = {}
    for partner, group in sums.index.droplevel(2).unique():
        fit = fits.get((partner, group))
        out[(partner, group)] = _growth(partner, group, fit, lo, hi)
    return out


def _log_linear_fits(positive: pd.DataFrame) -> dict[tuple[str, str], tuple[int, float, int, int]]:
    """Per partner and group: (years with trade, least-squares slope of log value on year,
    first year, last year), from sums, for all groups at once (one np.polyfit a group was
    most of a large model run's time). The slope is NaN with fewer than 2 years."""
    x = positive["year"].astype(float) - positive["year"].astype(float).min()
    y = np.log(positive["value_usd"].astype(float))
    frame = positive[["partner_iso3", "product_group"]].assign(
        x=x, y=y, xx=x * x, xy=x * y, year=positive["year"].astype(int)
    )
    g = frame.groupby(["partner_iso3", "product_group"], sort=False).agg(
        n=("x", "size"),
        sx=("x", "sum"),
        sy=("y", "sum"),
        sxx=("xx", "sum"),
        sxy=("xy", "sum"),
        first=("year", "min"),
        last=("year", "max"),
    )
    denominator = g["n"] * g["sxx"] - g["sx"] ** 2
    slope = (g["n"] * g["sxy"] - g["sx"] * g["sy"]) / denominator.where(denominator != 0)
    return {
        key: (int(n), float(b), int(first), int(last))
        for key, n, b, first, last in zip(
            g.index, g["n"], slope, g["first"], g["last"], strict=True
        )
    }


def _growth(partner: str, group: str, fit, lo: int, hi: int) -> Growth:
    n = fit[0] if fit else 0
    if n < MIN_TREND_POINTS:
        rate = 0.0
        how = f"only {n} years with trade in {lo}-{hi}: {NO_TREND}"
    else:
        _, slope, first, last = fit
        rate = float(np.expm1(slope))
        how = f"log-linear fit over {n} years {first}-{last}: {rate * 100:+.2f} % a year"
    return Growth(
        rate,
        Assumption(
            "trend_growth",
            rate,
            "annual growth rate of the counterfactual",
            DATA,
            ("mart_us_imports_by_year_partner_group",),
            "",
            f"{partner} {group}: {how}.",
            f"{partner}:{group}",
        ),
    )


def counterfactual_path(
    imports: pd.DataFrame,
    base_year: int,
    years: Iterable[int],
    counterfactual: str = "constant",
) -> tuple[pd.DataFrame, tuple[Assumption, ...]]:
    """No-WRO imports by year: the base year held constant, or grown at the 2015-2019 trend."""
    if counterfactual not in COUNTERFACTUALS:
        raise ValueError(f"counterfactual must be one of {COUNTERFACTUALS}")
    base = baseline(imports, base_year)
    growth = trend_growth(imports) if counterfactual == "trend" else {}
    rates = [
        growth[k].rate if k in growth else 0.0
        for k in zip(base["partner_iso3"], base["product_group"], strict=True)
    ]
    years = [int(y) for y in years]
    # One row per base row and year, base rows first (as the model reads them).
    n = len(years)
    out = pd.DataFrame(
        {
            "year": np.tile(np.array(years, dtype="int64"), len(base)),
            "partner_iso3": np.repeat(base["partner_iso3"].to_numpy(), n),
            "product_group": np.repeat(base["product_group"].to_numpy(), n),
        }
    )
    value = np.repeat(base["base_value_usd"].to_numpy(dtype=float), n)
    rate = np.repeat(np.array(rates, dtype=float), n)
    out["counterfactual_usd"] = value * (1.0 + rate) ** (out["year"].to_numpy() - base_year)
    used = tuple(
        growth[k].assumption
        for k in zip(base["partner_iso3"], base["product_group"], strict=True)
        if k in growth
    )
    return out, used
