"""The exposure model (exposure/) run on the warehouse, as the WRO impact and Exposure
modeller pages use it: the default scenarios, one run per set of settings, and the default
scenarios' backtest and trade at risk.

Runs are cached here, per settings and warehouse version (`version`, from
dashboard.db.warehouse_version): the model itself stays pure, and the queries it reads are
cached in dashboard.queries.
"""

import pandas as pd
import streamlit as st

import exposure
from dashboard import queries
from dashboard.impact_parameters import configured, parameters
from dashboard.impact_view import THIS_RUN, column_map

# UN Comtrade is the only source with annual partner data for 2015-2025 (CIF value); the
# Census file (customs value) covers China in 2017 only. One basis, never mixed.
SOURCE = "comtrade"
SCENARIOS = {"low": "Low effect", "central": "Central", "high": "High effect"}


def model_inputs() -> dict[str, pd.DataFrame]:
    refs = queries.ref_figures_all()
    return {
        "imports": queries.group_imports_all_years(SOURCE),
        "ref_figures": refs,
        "hs_lines": queries.model_hs_lines(),
        "published": refs[refs["figure_id"].str.startswith("PUB-")],
    }


@st.cache_data(show_spinner=False, max_entries=8)
def default_scenarios(version: str, base_year: int) -> dict[str, exposure.Scenario]:
    """The default scenarios, from warehouse figures only."""
    return exposure.default_scenarios(
        queries.ref_figures_all(), base_year, queries.model_hs_lines()
    )


@st.cache_data(show_spinner=False, max_entries=64)
def run(version: str, base_year: int, level: str, values: tuple, counterfactual: str):
    """The model and its backtest for one set of settings (cached per settings)."""
    data = model_inputs()
    scenario = configured(
        default_scenarios(version, base_year)[level],
        parameters(column_map(data["imports"], "product_group", "product_group_label")),
        dict(values),
    )
    result = exposure.run_model(data["imports"], scenario, counterfactual=counterfactual)
    bt = exposure.backtest(
        data["imports"],
        {THIS_RUN: scenario},
        counterfactual=counterfactual,
        published=data["published"],
        hs_lines=data["hs_lines"],
    )
    return scenario, result, bt


@st.cache_data(show_spinner=False, max_entries=8)
def default_backtest(version: str, base_year: int, counterfactual: str):
    data = model_inputs()
    return exposure.backtest(
        data["imports"], default_scenarios(version, base_year), counterfactual=counterfactual
    )


@st.cache_data(show_spinner=False, max_entries=8)
def default_at_risk(version: str, base_year: int) -> dict[str, float]:
    data = model_inputs()
    return {
        level: float(exposure.trade_at_risk(data["imports"], sc)["at_risk_value_usd"].sum())
        for level, sc in default_scenarios(version, base_year).items()
    }
