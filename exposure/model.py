"""The exposure model: trade at risk from the WRO and the projected path by year.

Pure functions on DataFrames. The input is shaped like the warehouse table
`mart_us_imports_by_year_partner_group` (source, value_basis, partner_iso3,
product_group, year, value_usd) and must hold one value basis only: Census customs
value and Comtrade CIF value are never added or divided.

Channels (docs/methodology.md):
- direct: imports from China x share attributable to Xinjiang inputs;
- indirect: imports from any other partner in the data x its reliance on Chinese
  inputs x the same Xinjiang share.
Trade at risk = exposed value x enforcement; in year t it is also scaled by the ramp.
Lost supply is partly replaced by the third countries in the data (substitution).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from exposure.assumptions import DATA, Assumption, Scenario
from exposure.domain import AGGREGATE_PARTNERS, CHINA, WRO_YEAR

COUNTERFACTUALS = ("constant", "trend")
TREND_YEARS = (2015, 2019)  # pre-WRO window for the optional trend counterfactual
MIN_TREND_POINTS = 3
NO_TREND = "no trend, held constant"  # in the note of a trend that could not be fitted

REQUIRED_COLUMNS = ("value_basis", "partner_iso3", "product_group", "year", "value_usd")

AT_RISK_COLUMNS = [
    "partner_iso3",
    "product_group",
    "channel",
    "base_year",
    "base_value_usd",
    "exposure_share",
    "exposed_value_usd",
    "enforcement",
    "at_risk_value_usd",
]
PATH_COLUMNS = [
    "year",
    "partner_iso3",
    "product_group",
    "channel",
    "counterfactual_usd",
    "ramp",
    "enforcement",
    "lost_usd",
    "replacement_usd",
    "projected_usd",
    "effect_usd",
]
TOTAL_COLUMNS = [
    "year",
    "product_group",
    "counterfactual_usd",
    "lost_usd",
    "replacement_usd",
    "replacement_outside_data_usd",
    "projected_usd",
    "net_change_all_partners_usd",
]


@dataclass(frozen=True)
class ModelResult:
    """The model's output for one scenario, with every assumption it used."""

    scenario: str
    base_year: int
    value_basis: str
    counterfactual: str
    at_risk: pd.DataFrame  # AT_RISK_COLUMNS: full effect, base-year values
    path: pd.DataFrame  # PATH_COLUMNS: by year, partner and group
    totals: pd.DataFrame  # TOTAL_COLUMNS: by year and group, partners in the data
    assumptions: tuple[Assumption, ...] = field(default_factory=tuple)

    def assumptions_frame(self) -> pd.DataFrame:
        return Scenario(self.scenario, self.base_year, self.assumptions).frame()


def check_imports(imports: pd.DataFrame) -> str:
    """Validate the input frame; return its single value basis."""
    missing = [c for c in REQUIRED_COLUMNS if c not in imports.columns]
    if missing:
        raise ValueError(f"imports frame lacks columns {missing}")
    bases = sorted(set(imports["value_basis"].dropna().astype(str)))
    if len(bases) != 1:
        raise ValueError(
            f"imports must hold exactly one value basis, found {bases}: select one "
            "(e.g. imports[imports.value_basis == 'CIF']); customs and CIF values never mix"
        )
    if (pd.to_numeric(imports["value_usd"], errors="coerce") < 0).any():
        raise ValueError("imports hold negative values")
    return bases[0]


def countries_only(imports: pd.DataFrame) -> pd.DataFrame:
    """Drop aggregate partners (World) so totals are not counted as a partner."""
    return imports[~imports["partner_iso3"].isin(AGGREGATE_PARTNERS)]


def one_basis(imports: pd.DataFrame, value_basis: str) -> pd.DataFrame:
    """The rows of one value basis ("CIF" for Comtrade, "customs" for Census)."""
    return imports[imports["value_basis"] == value_basis].copy()


def baseline(imports: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """US imports by partner and product group in the base year (value_usd > 0 only)."""
    check_imports(imports)
    imports = countries_only(imports)
    rows = imports[imports["year"].astype(int) == int(base_year)]
    if rows.empty:
        years = sorted(set(imports["year"].astype(int)))
        raise ValueError(f"no imports in base year {base_year}; years in the data: {years}")
    out = (
        rows.groupby(["partner_iso3", "product_group"], as_index=False)["value_usd"]
        .sum()
        .rename(columns={"value_usd": "base_value_usd"})
    )
    out = out[out["base_value_usd"] > 0]
    return out.sort_values(["partner_iso3", "product_group"], ignore_index=True)


def channel_of(partner: str) -> str:
    return "direct" if partner == CHINA else "indirect"


def exposure_share(
    scenario: Scenario, partner: str, group: str, covered_content: float | None = None
) -> float:
    """Share of a partner's imports of a group attributable to Xinjiang inputs.

    China: direct share; any other partner: indirect share. `covered_content` replaces
    the group's covered-content share for one line (e.g. 1.0 for the tomato-seed line).
    """
    if partner == CHINA:
        return scenario.direct_share(group, covered_content)
    return scenario.indirect_share(group, partner, covered_content)


def trade_at_risk(imports: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """Trade at risk at full effect, by partner and product group, in the base year.

    at_risk = base value x exposure share x enforcement (UFLPA uplift included).
    """
    base = baseline(imports, scenario.base_year)
    enforcement = scenario.enforcement(None)
    rows = []
    for r in base.itertuples(index=False):
        share = exposure_share(scenario, r.partner_iso3, r.product_group)
        exposed = r.base_value_usd * share
        rows.append(
            {
                "partner_iso3": r.partner_iso3,
                "product_group": r.product_group,
                "channel": channel_of(r.partner_iso3),
                "base_year": scenario.base_year,
                "base_value_usd": r.base_value_usd,
                "exposure_share": share,
                "exposed_value_usd": exposed,
                "enforcement": enforcement,
                "at_risk_value_usd": exposed * enforcement,
            }
        )
    return pd.DataFrame(rows, columns=AT_RISK_COLUMNS)


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
    rows = []
    for r in base.itertuples(index=False):
        g = growth.get((r.partner_iso3, r.product_group))
        rate = g.rate if g else 0.0
        for year in years:
            rows.append(
                {
                    "year": int(year),
                    "partner_iso3": r.partner_iso3,
                    "product_group": r.product_group,
                    "counterfactual_usd": r.base_value_usd
                    * (1.0 + rate) ** (int(year) - base_year),
                }
            )
    used = tuple(
        growth[(r.partner_iso3, r.product_group)].assumption
        for r in base.itertuples(index=False)
        if (r.partner_iso3, r.product_group) in growth
    )
    return pd.DataFrame(
        rows, columns=["year", "partner_iso3", "product_group", "counterfactual_usd"]
    ), used


def projection_years(
    imports: pd.DataFrame, base_year: int, end_year: int | None = None
) -> list[int]:
    last = int(imports["year"].max()) if end_year is None else int(end_year)
    return list(range(int(base_year), max(last, int(base_year)) + 1))


def run_model(
    imports: pd.DataFrame,
    scenario: Scenario,
    years: Iterable[int] | None = None,
    counterfactual: str = "constant",
) -> ModelResult:
    """Trade at risk and the projected path against the no-WRO counterfactual."""
    basis = check_imports(imports)
    base_year = scenario.base_year
    years = list(years) if years is not None else projection_years(imports, base_year)
    cf, growth_used = counterfactual_path(imports, base_year, years, counterfactual)
    substitution = scenario.value("substitution")

    path = cf.copy()
    path["channel"] = [channel_of(p) for p in path["partner_iso3"]]
    path["ramp"] = [scenario.ramp(int(y)) for y in path["year"]]
    path["enforcement"] = [
        scenario.enforcement(int(y)) if int(y) >= WRO_YEAR else 0.0 for y in path["year"]
    ]
    shares = {
        (p, g): exposure_share(scenario, p, g)
        for p, g in set(zip(path["partner_iso3"], path["product_group"], strict=True))
    }
    path["exposure_share"] = [
        shares[(p, g)] for p, g in zip(path["partner_iso3"], path["product_group"], strict=True)
    ]
    effect = (path["exposure_share"] * path["enforcement"] * path["ramp"]).clip(0.0, 1.0)
    path["lost_usd"] = path["counterfactual_usd"] * effect
    path["replacement_usd"] = 0.0

    # Substitution: a share of all lost supply in a group-year is replaced by other
    # partners; the `in_data_capture` part of it goes to the third countries in the
    # data, split in proportion to their counterfactual imports; the rest (and all of
    # it where no third country in the data trades the group) to partners outside.
    outside = {}
    for (year, group), idx in path.groupby(["year", "product_group"]).groups.items():
        block = path.loc[idx]
        pool = substitution * block["lost_usd"].sum()
        takers = block[(block["partner_iso3"] != CHINA) & (block["counterfactual_usd"] > 0)]
        weight = takers["counterfactual_usd"].sum()
        inside = pool * scenario.value("in_data_capture", group, 0.0) if weight > 0 else 0.0
        if inside > 0:
            path.loc[takers.index, "replacement_usd"] = (
                inside * takers["counterfactual_usd"] / weight
            )
        outside[(year, group)] = pool - inside

    path["projected_usd"] = path["counterfactual_usd"] - path["lost_usd"] + path["replacement_usd"]
    path["effect_usd"] = path["projected_usd"] - path["counterfactual_usd"]
    path = path.sort_values(["product_group", "partner_iso3", "year"], ignore_index=True)

    totals = (
        path.groupby(["year", "product_group"], as_index=False)[
            ["counterfactual_usd", "lost_usd", "replacement_usd", "projected_usd"]
        ]
        .sum()
        .sort_values(["product_group", "year"], ignore_index=True)
    )
    totals["replacement_outside_data_usd"] = [
        outside.get((y, g), 0.0)
        for y, g in zip(totals["year"], totals["product_group"], strict=True)
    ]
    # All partners, in and out of the data: only the non-replaced part is lost.
    totals["net_change_all_partners_usd"] = 0.0 - (1.0 - substitution) * totals["lost_usd"]

    return ModelResult(
        scenario=scenario.name,
        base_year=base_year,
        value_basis=basis,
        counterfactual=counterfactual,
        at_risk=trade_at_risk(imports, scenario),
        path=path[PATH_COLUMNS],
        totals=totals[TOTAL_COLUMNS],
        assumptions=scenario.assumptions + growth_used,
    )


def run_scenarios(
    imports: pd.DataFrame,
    scenarios: Mapping[str, Scenario],
    years: Iterable[int] | None = None,
    counterfactual: str = "constant",
) -> dict[str, ModelResult]:
    """`run_model` for each scenario (e.g. low, central, high)."""
    years = list(years) if years is not None else None
    return {name: run_model(imports, sc, years, counterfactual) for name, sc in scenarios.items()}


def combined(results: Mapping[str, ModelResult], table: str = "path") -> pd.DataFrame:
    """One table (path, totals, at_risk) for several scenarios, with a `scenario` column."""
    frames = []
    for name, res in results.items():
        f = getattr(res, table).copy()
        f.insert(0, "scenario", name)
        frames.append(f)
    return pd.concat(frames, ignore_index=True)


# --- a trade association's own import lines -------------------------------------------

LINE_OUTPUT_COLUMNS = [
    "hs6",
    "product_group",
    "mapping_status",
    "mapping_note",
    "channel",
    "exposure_share",
    "exposed_value_usd",
    "enforcement",
    "at_risk_value_usd",
]


def line_exposure(
    lines: pd.DataFrame,
    scenario: Scenario,
    dim_product_group: pd.DataFrame,
    year: int | None = None,
) -> pd.DataFrame:
    """Each import line's exposure under `scenario`.

    `lines` holds validated lines (exposure.uploads.check_upload): hs_code (text),
    origin_iso3, annual_value_usd, optional quantity / supplier. China-origin lines of a
    covered group get the direct share, other origins the indirect share. exposed =
    value x share; at_risk = exposed x enforcement (x ramp when `year` is given), both
    clipped to [0, value]. Lines whose code can't be mapped to a group get NaN
    exposure and a note (mapping_status "unmapped"); lines outside the covered products
    get 0 (mapping_status "not covered").
    """
    from exposure.mapping import map_hs_codes

    out = lines.copy()
    mapped = map_hs_codes(out["hs_code"].astype(str), dim_product_group)
    for col in ("hs6", "product_group", "mapping_status", "mapping_note"):
        out[col] = mapped[col].to_numpy()
    value = pd.to_numeric(out["annual_value_usd"], errors="coerce").clip(lower=0.0)
    if year is None:
        intensity = scenario.enforcement(None)
    else:
        intensity = scenario.enforcement(year) * scenario.ramp(year) if year >= WRO_YEAR else 0.0
    # One share per distinct (origin, group, status, override): a file can have 10^6 lines.
    keys = ["origin_iso3", "product_group", "mapping_status", "covered_content_override"]
    out["covered_content_override"] = mapped["covered_content_override"].to_numpy()
    combo_of_line = out.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    combos = out[keys].drop_duplicates()
    shares, channels = [], []
    for origin, group, status, content in combos.itertuples(index=False):
        if status == "unmapped":
            shares.append(np.nan)
            channels.append("unknown")
        elif status == "not covered" or group is None or pd.isna(group):
            shares.append(0.0)
            channels.append("not covered")
        else:
            share = exposure_share(scenario, str(origin), str(group), content)
            shares.append(min(1.0, max(0.0, share)))
            channels.append(channel_of(str(origin)))
    out = out.drop(columns="covered_content_override")
    out["channel"] = np.array(channels, dtype=object)[combo_of_line]
    out["exposure_share"] = np.array(shares, dtype=float)[combo_of_line]
    out["exposed_value_usd"] = np.minimum(value * out["exposure_share"], value)
    out["enforcement"] = intensity
    out["at_risk_value_usd"] = np.minimum(out["exposed_value_usd"] * intensity, value)
    return out
