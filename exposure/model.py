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

from exposure.assumptions import Assumption, Scenario
from exposure.counterfactual import (  # noqa: F401  (re-exported: tests, impact_view)
    COUNTERFACTUALS,
    NO_TREND,
    counterfactual_path,
    trend_growth,
)
from exposure.domain import CHINA, WRO_YEAR
from exposure.imports_table import (  # noqa: F401  (re-exported: backtest, exposure)
    REQUIRED_COLUMNS,
    baseline,
    check_imports,
    countries_only,
    one_basis,
)

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
    share = pd.Series(
        [
            exposure_share(scenario, p, g)
            for p, g in zip(base["partner_iso3"], base["product_group"], strict=True)
        ],
        index=base.index,
        dtype=float,
    )
    exposed = base["base_value_usd"] * share
    out = pd.DataFrame(
        {
            "partner_iso3": base["partner_iso3"],
            "product_group": base["product_group"],
            "channel": base["partner_iso3"].map(channel_of),
            "base_year": scenario.base_year,
            "base_value_usd": base["base_value_usd"],
            "exposure_share": share,
            "exposed_value_usd": exposed,
            "enforcement": enforcement,
            "at_risk_value_usd": exposed * enforcement,
        }
    )
    return out[AT_RISK_COLUMNS].reset_index(drop=True)


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
    # Each of these depends on the year or the (partner, group) alone: computed once per
    # distinct value and mapped, not once per row (thousands of rows at every partner).
    path["channel"] = path["partner_iso3"].map(channel_of)
    years_in = sorted(set(path["year"].astype(int)))
    path["ramp"] = path["year"].astype(int).map({y: scenario.ramp(y) for y in years_in})
    path["enforcement"] = (
        path["year"]
        .astype(int)
        .map({y: scenario.enforcement(y) if y >= WRO_YEAR else 0.0 for y in years_in})
    )
    pairs = path[["partner_iso3", "product_group"]].drop_duplicates()
    shares = pairs.assign(
        exposure_share=[
            exposure_share(scenario, p, g)
            for p, g in zip(pairs["partner_iso3"], pairs["product_group"], strict=True)
        ]
    )
    path = path.merge(shares, on=["partner_iso3", "product_group"], how="left")
    effect = (path["exposure_share"] * path["enforcement"] * path["ramp"]).clip(0.0, 1.0)
    path["lost_usd"] = path["counterfactual_usd"] * effect

    # Substitution: a share of all lost supply in a group-year is replaced by other
    # partners; the `in_data_capture` part of it goes to the third countries in the
    # data, split in proportion to their counterfactual imports; the rest (and all of
    # it where no third country in the data trades the group) to partners outside.
    key = [path["year"], path["product_group"]]
    taker = (path["partner_iso3"] != CHINA) & (path["counterfactual_usd"] > 0)
    pool = substitution * path["lost_usd"].groupby(key).transform("sum")
    weight = path["counterfactual_usd"].where(taker, 0.0).groupby(key).transform("sum")
    capture = path["product_group"].map(
        {g: scenario.value("in_data_capture", g, 0.0) for g in set(path["product_group"])}
    )
    inside = (pool * capture).where(weight > 0, 0.0)
    share_of_inside = (path["counterfactual_usd"] / weight.where(weight > 0)).where(taker, 0.0)
    path["replacement_usd"] = (inside * share_of_inside).where(inside > 0, 0.0)
    outside = (
        pd.DataFrame({"year": path["year"], "product_group": path["product_group"]})
        .assign(outside=pool - inside)
        .drop_duplicates(["year", "product_group"])
    )

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
    totals["replacement_outside_data_usd"] = (
        totals.merge(outside, on=["year", "product_group"], how="left")["outside"]
        .fillna(0.0)
        .to_numpy()
    )
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
