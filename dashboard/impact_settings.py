"""The WRO impact page's sidebar: base year, scenario, counterfactual and every model
parameter as a slider bound to the URL (keys `impact_*`). The sliders hold the defaults of
one (base year, scenario) and move to the new defaults when either changes; one button
restores them all.
"""

from __future__ import annotations

import streamlit as st

from dashboard import enforcement_view, filters, queries, render
from dashboard.blocks import Note
from dashboard.db import warehouse_version
from dashboard.impact_parameters import RAMP_YEARS, Param, percent
from dashboard.impact_view import BASE_YEARS, COUNTERFACTUALS, DEFAULTS
from dashboard.model_runs import SCENARIOS, default_scenarios
from exposure.domain import PRODUCT_GROUPS

SIGNATURE = "_impact_defaults_for"  # (base year, scenario) the parameter widgets hold
TOP_SLIDERS = (
    "impact_enforcement",
    "impact_uflpa_uplift",
    "impact_substitution",
    "impact_reliance_cotton",
    "impact_reliance_tomato",
)


def restore_defaults(params: list[Param]) -> None:
    """Button callback: every model setting back to its default (runs before the rerun)."""
    base = default_scenarios(warehouse_version(), DEFAULTS["impact_base_year"])
    scenario = base[DEFAULTS["impact_scenario"]]
    for key, value in DEFAULTS.items():
        st.session_state[key] = value
    for p in params:
        st.session_state[p.key] = percent(p.default(scenario))
    st.session_state[SIGNATURE] = (DEFAULTS["impact_base_year"], DEFAULTS["impact_scenario"])


def radio(label: str, options: dict, key: str, help: str) -> object:
    return filters.radio(label, options, key, default=DEFAULTS[key], help=help,
                         where=st.sidebar)  # fmt: skip


def slider(p: Param, default: float, where=None) -> float:
    return filters.percent_slider(p.label, p.key, percent(default), help=p.help, where=where)


def published_enforcement() -> None:
    """CBP's latest published UFLPA totals under the Enforcement slider: context only, the
    slider's value is never derived from them."""
    context = enforcement_view.slider_context(queries.uflpa_latest_totals())
    if context:
        with st.sidebar:
            render.draw(Note(context, "caption"))


def settings(params: list[Param]) -> dict:
    """The sidebar: base year, scenario, counterfactual, then every parameter."""
    sb = st.sidebar
    sb.header("Model settings")
    base_year = radio(
        "Base year",
        BASE_YEARS,
        "impact_base_year",
        "2019: the last full year before both the WRO and the pandemic. 2020: the pandemic "
        "trough. The Xinjiang cotton share follows the base year (NBS figures).",
    )
    level = radio(
        "Scenario",
        SCENARIOS,
        "impact_scenario",
        "Low, central and high bracket the unsourced assumptions (enforcement, take-up, "
        "reliance, substitution); the cited Xinjiang shares are the same in all three.",
    )
    counterfactual = radio(
        "No-WRO counterfactual",
        COUNTERFACTUALS,
        "impact_counterfactual",
        "What imports would have been without the WRO: the base year held constant, or "
        "grown at each partner and group's 2015-2019 trend (which includes the 2018-2019 "
        "tariffs on China).",
    )
    version = warehouse_version()
    scenario = default_scenarios(version, base_year)[level]
    # A new (base year, scenario) moves every slider to its defaults.
    defaults = {p.key: percent(p.default(scenario)) for p in params}
    filters.follow_defaults(SIGNATURE, (base_year, level), defaults)

    sb.button(
        "Restore defaults",
        on_click=restore_defaults,
        args=(params,),
        key="impact_restore",
        help="Base year 2019, central scenario, constant counterfactual and every parameter "
        "at its default.",
        width="stretch",
    )
    sb.caption(
        f"Parameters start at the {SCENARIOS[level].lower()} scenario's values for base year "
        f"{base_year}; changing the scenario or base year moves them to its values."
    )
    by_key = {p.key: p for p in params}
    values = {}
    sb.subheader("Enforcement and trade response")
    for key in TOP_SLIDERS:
        values[key] = slider(by_key[key], by_key[key].default(scenario), sb)
        if key == "impact_enforcement":
            published_enforcement()
    with sb.expander("Take-up of the WRO (ramp) by year"):
        for year in RAMP_YEARS:
            p = by_key[f"impact_ramp_{year}"]
            values[p.key] = slider(p, p.default(scenario), st)
    with sb.expander("Xinjiang share by product group"):
        for key in [f"impact_xj_{g}" for g in PRODUCT_GROUPS] + ["impact_cotton_content_other"]:
            p = by_key[key]
            values[p.key] = slider(p, p.default(scenario), st)
    return {
        "base_year": int(base_year),
        "level": level,
        "counterfactual": counterfactual,
        "values": values,
        "version": version,
    }
