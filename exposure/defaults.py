"""The default scenarios: every parameter the model uses, for one base year and one
scenario level, from the sourced defaults (sourced_defaults.py) and the unsourced ones
(unsourced_defaults.py and its CSV)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from exposure.assumptions import ASSUMPTION, DEFINITION, SCENARIO_LEVELS, Assumption, Scenario
from exposure.domain import (
    COTTON_FAMILY,
    COTTON_GROUPS,
    OTHER_TEXTILES,
    PRODUCT_GROUPS,
    TOMATO_GROUPS,
    TOMATO_PROCESSED,
    TOMATO_SEEDS,
)
from exposure.sourced_defaults import (
    third_country_capture,
    tomato_seed_share,
    xinjiang_cotton_share,
    xinjiang_tomato_share,
)
from exposure.unsourced_defaults import RAMPS, UNSOURCED, unsourced


def default_scenario(
    ref_figures: pd.DataFrame,
    base_year: int = 2019,
    level: str = "central",
    hs_lines: pd.DataFrame | None = None,
) -> Scenario:
    """The default assumptions for one scenario level ("low", "central" or "high").

    `ref_figures` is the warehouse table of that name (figure_id, metric, value_number,
    unit, period, quote, ...). `hs_lines` (optional) is mart_us_imports_by_year_partner_hs,
    used for the tomato-seed share of HS 120991 and the third countries' capture share.
    """
    if level not in SCENARIO_LEVELS:
        raise ValueError(f"level must be one of {SCENARIO_LEVELS}")
    out: list[Assumption] = []
    for group in COTTON_FAMILY:
        out.append(xinjiang_cotton_share(ref_figures, base_year, group))
    for group in TOMATO_GROUPS:
        out.append(xinjiang_tomato_share(ref_figures, group))
    seeds = xinjiang_tomato_share(ref_figures, TOMATO_SEEDS)
    out.append(
        replace(
            seeds,
            label=ASSUMPTION,
            note="Proxy: Xinjiang's share of China's tomato output (TOM-03) used for tomato "
            "seeds; no figure on where China's tomato seed for export is grown.",
        )
    )
    for group in COTTON_GROUPS + TOMATO_GROUPS:
        out.append(
            Assumption(
                "covered_content",
                1.0,
                "share of the group's value",
                DEFINITION,
                note="The group holds only lines named as cotton / tomato products "
                "(etl/seeds/product_group_rules.csv).",
                scope=group,
            )
        )
    out.append(unsourced(("covered_content", OTHER_TEXTILES), level))
    out.append(tomato_seed_share(hs_lines))
    for group in COTTON_FAMILY:
        out.append(unsourced(("indirect_reliance", "cotton"), level, scope=group))
    for group in TOMATO_PROCESSED:
        out.append(unsourced(("indirect_reliance", "tomato_processed"), level, scope=group))
    for group in ("fresh_tomatoes", TOMATO_SEEDS):
        out.append(
            Assumption(
                "indirect_reliance",
                0.0,
                "share of a third country's products made with Chinese inputs",
                ASSUMPTION,
                note="Fresh tomatoes and seeds grown in a third country contain no Chinese "
                "tomato input; set a value to test otherwise.",
                scope=group,
            )
        )
    for group in PRODUCT_GROUPS:
        out.append(
            third_country_capture(hs_lines, base_year, group)
            if group in COTTON_FAMILY
            else third_country_capture(None, base_year, group)
        )
    for key in (("enforcement", ""), ("uflpa_uplift", ""), ("substitution", "")):
        out.append(unsourced(key, level))
    ramps = ", ".join(f"{k}: {v}" for k, v in RAMPS.items())
    for year, share in RAMPS[level].items():
        u = UNSOURCED[("ramp", str(year))]
        out.append(
            Assumption(
                "ramp",
                share,
                u.unit,
                ASSUMPTION,
                note=f"{u.note} Scenario ramps: {ramps}.",
                scope=str(year),
            )
        )
    return Scenario(level, base_year, tuple(out))


def default_scenarios(
    ref_figures: pd.DataFrame, base_year: int = 2019, hs_lines: pd.DataFrame | None = None
) -> dict[str, Scenario]:
    """The low, central and high scenarios (smallest to largest trade effect)."""
    return {
        level: default_scenario(ref_figures, base_year, level, hs_lines)
        for level in SCENARIO_LEVELS
    }
