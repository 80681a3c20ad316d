"""Backtest: run the model from the base year and compare it with what happened.

The projection for 2021-2024 is set against the actual imports in the same data (one
value basis), for China and each third country, with the error per year and the mean
absolute percentage error (MAPE) per product group. The no-WRO counterfactual's own
error is shown beside it, so one can see whether the model beats "nothing happened".
Published estimates (CEPR DP21438, Sheng Lu) are shown as reference points.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from exposure.assumptions import Scenario, assumptions_frame
from exposure.domain import CHINA, COTTON_GROUPS
from exposure.model import check_imports, countries_only, run_model

BACKTEST_YEARS = (2021, 2022, 2023, 2024)
THIRD_COUNTRIES = "third countries"
ALL_PARTNERS = "all partners"

COMPARISON_COLUMNS = [
    "scenario",
    "partner_iso3",
    "product_group",
    "year",
    "counterfactual_usd",
    "projected_usd",
    "actual_usd",
    "error_usd",
    "abs_error_usd",
    "pct_error",
    "counterfactual_pct_error",
]
MAPE_COLUMNS = [
    "scenario",
    "product_group",
    "partners",
    "mape_pct",
    "counterfactual_mape_pct",
    "n",
    "n_zero_actual",
]
REFERENCE_COLUMNS = [
    "figure_id",
    "published_value",
    "published_unit",
    "published_metric",
    "scenario",
    "year",
    "model_value",
    "data_value",
    "unit",
    "comparison_note",
]


@dataclass(frozen=True)
class BacktestResult:
    base_year: int
    value_basis: str
    counterfactual: str
    years: tuple[int, ...]
    comparison: pd.DataFrame  # COMPARISON_COLUMNS
    mape: pd.DataFrame  # MAPE_COLUMNS
    reference_points: pd.DataFrame  # REFERENCE_COLUMNS
    assumptions: pd.DataFrame  # every scenario's assumptions


def actual_values(imports: pd.DataFrame, years: Iterable[int]) -> pd.DataFrame:
    """Actual imports by partner, group and year.

    A group absent in a year the partner has data for is 0 (Comtrade omits codes with
    no trade); a year with no data at all for the partner is NaN.
    """
    check_imports(imports)
    imports = countries_only(imports).assign(year=lambda d: d["year"].astype("int64"))
    years = [int(y) for y in years]
    keys = ["partner_iso3", "product_group"]
    sums = imports.groupby([*keys, "year"], as_index=False)["value_usd"].sum()
    reported = imports[["partner_iso3", "year"]].drop_duplicates().assign(_reported=True)
    # every group a partner ever traded, in every asked year, in the order of the years
    grid = (
        imports[keys]
        .drop_duplicates()
        .merge(pd.DataFrame({"year": years, "_order": range(len(years))}), how="cross")
    )
    grid = grid.merge(sums, on=[*keys, "year"], how="left").merge(
        reported, on=["partner_iso3", "year"], how="left"
    )
    actual = grid["value_usd"].astype(float).fillna(0.0).where(grid["_reported"].notna())
    out = grid.assign(actual_usd=actual).sort_values([*keys, "_order"], ignore_index=True)
    return out[["partner_iso3", "product_group", "year", "actual_usd"]]


def _pct(error: pd.Series, actual: pd.Series) -> pd.Series:
    return (error / actual.where(actual > 0)) * 100.0


def _mape_by(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per `keys`: mean absolute % error of the projection and of the counterfactual over
    rows with actual trade, how many such rows, and how many rows had an actual of 0."""
    ok = frame["actual_usd"] > 0
    return (
        frame.assign(
            _ape=frame["pct_error"].abs().where(ok),
            _cape=frame["counterfactual_pct_error"].abs().where(ok),
            _ok=ok.astype(int),
            _zero=(frame["actual_usd"] == 0).astype(int),
        )
        .groupby(keys, sort=False)
        .agg(
            mape_pct=("_ape", "mean"),
            counterfactual_mape_pct=("_cape", "mean"),
            n=("_ok", "sum"),
            n_zero_actual=("_zero", "sum"),
        )
        .reset_index()
    )


def mape_table(comp: pd.DataFrame) -> pd.DataFrame:
    """MAPE per scenario and group for each partner, then third countries, then all
    partners (grouped at once: a mask per partner was most of a large backtest's time)."""
    keys = ["scenario", "product_group"]
    partners = _mape_by(comp, [*keys, "partner_iso3"]).rename(columns={"partner_iso3": "partners"})
    third = _mape_by(comp[comp["partner_iso3"] != CHINA], keys).assign(partners=THIRD_COUNTRIES)
    every = _mape_by(comp, keys).assign(partners=ALL_PARTNERS)
    out = pd.concat(
        [partners.assign(_rank=0), third.assign(_rank=1), every.assign(_rank=2)],
        ignore_index=True,
    )
    out = out.sort_values([*keys, "_rank", "partners"], ignore_index=True)
    out["n"] = out["n"].astype(int)
    out["n_zero_actual"] = out["n_zero_actual"].astype(int)
    return out[MAPE_COLUMNS]


def backtest(
    imports: pd.DataFrame,
    scenarios: Mapping[str, Scenario],
    years: Iterable[int] = BACKTEST_YEARS,
    counterfactual: str = "constant",
    published: pd.DataFrame | None = None,
    hs_lines: pd.DataFrame | None = None,
) -> BacktestResult:
    """Projected vs actual imports for `years`, per scenario, partner and product group.

    `imports`: one value basis, all years (shaped like mart_us_imports_by_year_partner_group).
    `published`: figures with figure_id / value (e.g. the transcribed published estimates)
    for the reference points; `hs_lines` (mart_us_imports_by_year_partner_hs) adds
    China's share of US apparel imports from the World beside Sheng Lu's figures. Both
    optional.
    """
    basis = check_imports(imports)
    years = tuple(int(y) for y in years)
    base_years = {s.base_year for s in scenarios.values()}
    if len(base_years) != 1:
        raise ValueError(f"scenarios have different base years: {sorted(base_years)}")
    base_year = base_years.pop()
    if min(years) <= base_year:
        raise ValueError("backtest years must come after the base year")
    actual = actual_values(imports, years)

    frames = []
    for name, scenario in scenarios.items():
        result = run_model(imports, scenario, range(base_year, max(years) + 1), counterfactual)
        path = result.path[result.path["year"].isin(years)]
        merged = path.merge(actual, on=["partner_iso3", "product_group", "year"], how="left")
        # A partner-group with no trade in the base year is not projected: its
        # actual later trade shows as an error against a projection of 0.
        extra = actual.merge(
            path[["partner_iso3", "product_group"]].drop_duplicates(),
            on=["partner_iso3", "product_group"],
            how="left",
            indicator=True,
        )
        extra = extra[extra["_merge"] == "left_only"].drop(columns="_merge")
        if not extra.empty:
            extra = extra.assign(counterfactual_usd=0.0, projected_usd=0.0)
            merged = pd.concat([merged, extra], ignore_index=True)
        merged.insert(0, "scenario", name)
        frames.append(merged)
    comp = pd.concat(frames, ignore_index=True)
    comp["error_usd"] = comp["projected_usd"] - comp["actual_usd"]
    comp["abs_error_usd"] = comp["error_usd"].abs()
    comp["pct_error"] = _pct(comp["error_usd"], comp["actual_usd"])
    comp["counterfactual_pct_error"] = _pct(
        comp["counterfactual_usd"] - comp["actual_usd"], comp["actual_usd"]
    )
    comp = comp[COMPARISON_COLUMNS].sort_values(
        ["scenario", "product_group", "partner_iso3", "year"], ignore_index=True
    )

    mape = mape_table(comp)

    return BacktestResult(
        base_year=base_year,
        value_basis=basis,
        counterfactual=counterfactual,
        years=years,
        comparison=comp,
        mape=mape,
        reference_points=reference_points(comp, imports, base_year, published, hs_lines),
        assumptions=assumptions_frame(scenarios),
    )


# --- published estimates as reference points ---------------------------------------------

CEPR_INTENSIVE = "PUB-01"  # China's direct cotton-product exports to the US: -19 % (intensive)
LU_SHARE_2018 = "PUB-04"  # China's share of US cotton-containing apparel imports, 2018
LU_SHARE_2023 = "PUB-05"  # ... 2023


def _published(published: pd.DataFrame | None, figure_id: str) -> dict:
    if published is None or published.empty:
        return {"value": np.nan, "unit": "", "metric": "not loaded"}
    hit = published[published["figure_id"] == figure_id]
    if hit.empty:
        return {"value": np.nan, "unit": "", "metric": "not in the figures given"}
    r = hit.iloc[0]
    raw = r["value_number"] if "value_number" in hit.columns else r["value"]
    return {
        "value": float(pd.to_numeric(raw, errors="coerce")),
        "unit": r.get("unit", ""),
        "metric": r.get("metric", ""),
    }


def reference_points(
    comparison: pd.DataFrame,
    imports: pd.DataFrame,
    base_year: int,
    published: pd.DataFrame | None,
    hs_lines: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The model and the data next to the published estimates, with what limits each match."""
    rows = []
    cepr = _published(published, CEPR_INTENSIVE)
    china_cotton = comparison[
        (comparison["partner_iso3"] == CHINA) & comparison["product_group"].isin(COTTON_GROUPS)
    ]
    base = imports[
        (imports["partner_iso3"] == CHINA)
        & imports["product_group"].isin(COTTON_GROUPS)
        & (imports["year"].astype(int) == base_year)
    ]["value_usd"].sum()
    for (name, year), block in china_cotton.groupby(["scenario", "year"]):
        cf = block["counterfactual_usd"].sum()
        model = (block["projected_usd"].sum() / cf - 1.0) * 100.0 if cf > 0 else np.nan
        data = (block["actual_usd"].sum() / base - 1.0) * 100.0 if base > 0 else np.nan
        rows.append(
            {
                "figure_id": CEPR_INTENSIVE,
                "published_value": -cepr["value"],
                "published_unit": "percent change",
                "published_metric": cepr["metric"],
                "scenario": name,
                "year": int(year),
                "model_value": model,
                "data_value": data,
                "unit": "percent change",
                "comparison_note": (
                    "model: China's three cotton groups, projected vs the no-WRO "
                    f"counterfactual; data: actual vs {base_year} (all causes, not only the "
                    "WRO). The paper's figure is an econometric effect on the intensive margin "
                    "(continuing trade flows), so none of the three is the same measure."
                ),
            }
        )
    share = _china_apparel_share(hs_lines)
    for figure_id, year in ((LU_SHARE_2018, 2018), (LU_SHARE_2023, 2023)):
        fig = _published(published, figure_id)
        value, how = share.get(year, (np.nan, "no US imports from the World in the data given"))
        rows.append(
            {
                "figure_id": figure_id,
                "published_value": fig["value"],
                "published_unit": fig["unit"] or "percent",
                "published_metric": fig["metric"],
                "scenario": "",
                "year": year,
                "model_value": np.nan,
                "data_value": value,
                "unit": "percent",
                "comparison_note": (
                    f"data: {how}. The published share is of cotton-containing apparel "
                    "(OTEXA); the data hold no World total at HS6, so the cotton share itself "
                    "can't be computed here."
                ),
            }
        )
    return pd.DataFrame(rows, columns=REFERENCE_COLUMNS)


def _china_apparel_share(hs_lines: pd.DataFrame | None) -> dict[int, tuple[float, str]]:
    """China's share of US imports of HS 61+62 (all fibres) from the World, by year."""
    if hs_lines is None or hs_lines.empty:
        return {}
    ch = hs_lines[
        (hs_lines["hs_level"].astype(int) == 2) & hs_lines["hs_code"].astype(str).isin(["61", "62"])
    ]
    out = {}
    for (basis, year), rows in ch.groupby(["value_basis", "year"]):
        by_partner = rows.groupby("partner_iso3")["value_usd"].sum()
        world, china = by_partner.get("WLD", 0.0), by_partner.get(CHINA, np.nan)
        if world > 0 and not np.isnan(china):
            out[int(year)] = (
                float(china / world * 100.0),
                f"China's share of US apparel imports (HS 61+62, all fibres) from the World, "
                f"{int(year)}, {basis} value",
            )
    return out
