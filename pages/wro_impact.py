"""WRO impact: what the exposure model (package exposure/, docs/methodology.md) says the
Withhold Release Order did to US imports, set against what happened.

Widgets -> the model on the warehouse mart -> charts and tables, each with the
assumptions it used beside it (source ids and quote, or the label "assumption").
Model parameters are sidebar widgets bound to the URL (keys `impact_*`); their defaults
follow the chosen base year and scenario and come back with one click.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass

import pandas as pd
import streamlit as st

import exposure
from dashboard import charts, filters, queries, text, theme
from dashboard.components import (
    chart_block,
    page_header,
    page_nav,
    require_warehouse,
    section,
    share_link,
    source_line,
)
from dashboard.db import warehouse_version
from dashboard.embed import is_embedded
from exposure.assumptions import (
    ASSUMPTION,
    COTTON_FAMILY,
    COTTON_GROUPS,
    PRODUCT_GROUPS,
    SCENARIO_LEVELS,
    TOMATO_GROUPS,
    USER,
)
from exposure.backtest import ALL_PARTNERS, BACKTEST_YEARS, THIRD_COUNTRIES, actual_values

# UN Comtrade is the only source with annual partner data for 2015-2025 (CIF value); the
# Census file (customs value) covers China in 2017 only. One basis, never mixed.
SOURCE = "comtrade"
BASIS_WORDS = "CIF value"
CHINA = "CHN"
ALL = "ALL"

BASE_YEARS = {2019: "2019", 2020: "2020"}
SCENARIOS = {"low": "Low effect", "central": "Central", "high": "High effect"}
COUNTERFACTUALS = {"constant": "Base year held constant", "trend": "2015-2019 trend"}
DEFAULTS = {
    "impact_base_year": 2019,
    "impact_scenario": "central",
    "impact_counterfactual": "constant",
}
DEFAULT_GROUP = "cotton_apparel"
RAMP_YEARS = (2021, 2022, 2023, 2024)
TOMATO_PROCESSED = ("tomato_paste_preserved", "tomato_sauces")
SIGNATURE = "_impact_defaults_for"  # (base year, scenario) the parameter widgets hold
THIS_RUN = "this run"

PARAMETER_WORDS = {
    "xinjiang_share": "Xinjiang share",
    "covered_content": "Covered content",
    "indirect_reliance": "Third-country reliance",
    "in_data_capture": "Replacement won by partners in the data",
    "enforcement": "Enforcement",
    "uflpa_uplift": "UFLPA uplift",
    "substitution": "Substitution",
    "ramp": "Take-up (ramp)",
    "trend_growth": "Counterfactual trend",
}
BASIS_HELP = (
    "'sourced': a cited figure as printed; 'derived from cited figures': arithmetic on "
    "cited figures; 'computed from the trade data': arithmetic on warehouse values; "
    "'definition': follows from the product group; 'assumption': no source, change it "
    "freely; 'set by the user': changed here (the note keeps the default)."
)


@dataclass(frozen=True)
class Param:
    """One slider: an assumption `name` applied to `scopes`, shown in percent."""

    key: str
    name: str
    scopes: tuple[str, ...]
    label: str
    help: str

    def default(self, scenario: exposure.Scenario) -> float:
        if self.name == "ramp":
            return scenario.ramp(int(self.scopes[0]))
        return scenario.value(self.name, self.scopes[0])


def parameters(group_labels: dict[str, str]) -> list[Param]:
    out = [
        Param(
            "impact_enforcement",
            "enforcement",
            ("",),
            "Enforcement",
            "Share of exposed trade detained or deterred. No source: an assumption.",
        ),
        Param(
            "impact_uflpa_uplift",
            "uflpa_uplift",
            ("",),
            "UFLPA uplift",
            "Added to enforcement once the UFLPA is in force (21 June 2022; part of 2022, "
            "all of 2023 on). No source: an assumption.",
        ),
        Param(
            "impact_substitution",
            "substitution",
            ("",),
            "Substitution",
            "Share of lost supply replaced by other partners. No source: an assumption.",
        ),
        Param(
            "impact_reliance_cotton",
            "indirect_reliance",
            COTTON_FAMILY,
            "Third-country reliance: cotton and textiles",
            "Share of a third country's cotton and textile products made with Chinese "
            "inputs (all four cotton-family groups). No source: an assumption.",
        ),
        Param(
            "impact_reliance_tomato",
            "indirect_reliance",
            TOMATO_PROCESSED,
            "Third-country reliance: tomato paste and sauces",
            "Share of a third country's paste and sauces made with Chinese paste. No "
            "source: an assumption.",
        ),
    ]
    for year in RAMP_YEARS:
        out.append(
            Param(
                f"impact_ramp_{year}", "ramp", (str(year),),
                f"{year}" + (" onwards" if year == RAMP_YEARS[-1] else ""),
                f"Share of the full effect reached in {year}. No source: an assumption.",
            )
        )  # fmt: skip
    for group in PRODUCT_GROUPS:
        out.append(
            Param(
                f"impact_xj_{group}", "xinjiang_share", (group,), group_labels.get(group, group),
                "Xinjiang's share of China's output for this group (default from the cited "
                "figures: see the assumptions table).",
            )
        )  # fmt: skip
    out.append(
        Param(
            "impact_cotton_content_other", "covered_content", ("other_textiles",),
            "Cotton content of other textiles",
            "Share of 'other textiles' (HS 50-63 not described as cotton) containing cotton. "
            "No source: an assumption.",
        )
    )  # fmt: skip
    return out


# --- data and model ----------------------------------------------------------------------


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
    data = model_inputs()
    return exposure.default_scenarios(data["ref_figures"], base_year, data["hs_lines"])


def chart_source(source: str) -> str:
    """The source line for a chart in a half-width column: short lines (" | " breaks)."""
    lines = [line for part in source.split("; ") for line in textwrap.wrap(part, width=64)]
    return " | ".join(lines)


def column_map(df: pd.DataFrame, key: str, value: str) -> dict:
    """{key: value} over a frame's rows (e.g. product group -> its label)."""
    return dict(zip(df[key], df[value], strict=True))


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0, abs_tol=1e-9)


def configured(
    base: exposure.Scenario, params: list[Param], values: dict[str, float]
) -> exposure.Scenario:
    """The scenario with every slider that differs from its value applied (in [0, 1])."""
    scenario = base
    for p in params:
        value = values[p.key] / 100.0
        if p.name == "ramp":
            year = int(p.scopes[0])
            # A year after the last given keeps the last value: set it when it differs.
            if not close(value, scenario.ramp(year)):
                scenario = scenario.with_value("ramp", value, str(year))
            continue
        for scope in p.scopes:
            if not close(value, scenario.value(p.name, scope)):
                scenario = scenario.with_value(p.name, value, scope)
    return scenario


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


# --- widgets -----------------------------------------------------------------------------


def restore_defaults(params: list[Param]) -> None:
    """Button callback: every model setting back to its default (runs before the rerun)."""
    base = default_scenarios(warehouse_version(), DEFAULTS["impact_base_year"])
    scenario = base[DEFAULTS["impact_scenario"]]
    for key, value in DEFAULTS.items():
        st.session_state[key] = value
    for p in params:
        st.session_state[p.key] = percent(p.default(scenario))
    st.session_state[SIGNATURE] = (DEFAULTS["impact_base_year"], DEFAULTS["impact_scenario"])


def percent(share: float) -> float:
    return round(share * 100.0, 4)


def radio(label: str, options: dict, key: str, help: str) -> object:
    chosen = st.sidebar.radio(
        label,
        list(options),
        index=list(options).index(DEFAULTS[key]),
        format_func=options.get,
        key=key,
        help=help,
        horizontal=True,
        **filters.BOUND,
    )
    filters.remember(key, [options[chosen]])
    return chosen


def slider(p: Param, default: float, where) -> float:
    value = where.slider(
        p.label,
        min_value=0.0,
        max_value=100.0,
        value=percent(default),
        step=0.5,
        format="%.1f%%",
        key=p.key,
        help=p.help,
        **filters.BOUND,
    )
    if not close(value, percent(default)):
        filters.remember(p.key, [f"{value:g}"])
    return float(value)


def settings(params: list[Param]) -> dict:
    """The sidebar: base year, scenario, counterfactual, then every parameter."""
    filters.check_link_params(link_checks(params))
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
    # The parameter widgets hold the defaults of one (base year, scenario): when either
    # changes, they move to the new defaults. A link's values apply on the first run.
    signature = (base_year, level)
    if st.session_state.get(SIGNATURE) not in (None, signature):
        for p in params:
            st.session_state[p.key] = percent(p.default(scenario))
    st.session_state[SIGNATURE] = signature

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
    for key in (
        "impact_enforcement",
        "impact_uflpa_uplift",
        "impact_substitution",
        "impact_reliance_cotton",
        "impact_reliance_tomato",
    ):
        values[key] = slider(by_key[key], by_key[key].default(scenario), sb)
    with sb.expander("Take-up of the WRO (ramp) by year"):
        for year in RAMP_YEARS:
            p = by_key[f"impact_ramp_{year}"]
            values[p.key] = slider(p, p.default(scenario), st)
    with sb.expander("Xinjiang share by product group"):
        for group in PRODUCT_GROUPS:
            p = by_key[f"impact_xj_{group}"]
            values[p.key] = slider(p, p.default(scenario), st)
        p = by_key["impact_cotton_content_other"]
        values[p.key] = slider(p, p.default(scenario), st)
    return {
        "base_year": int(base_year),
        "level": level,
        "counterfactual": counterfactual,
        "values": values,
        "version": version,
    }


def link_checks(params: list[Param]) -> dict:
    def in_range(values):
        return len(values) == 1 and 0.0 <= float(values[0]) <= 100.0

    checks = {
        "impact_base_year": filters.valid_choice(BASE_YEARS.values()),
        "impact_scenario": filters.valid_choice(SCENARIOS.values()),
        "impact_counterfactual": filters.valid_choice(COUNTERFACTUALS.values()),
        "impact_group": lambda v: len(v) == 1,
        "impact_partner": lambda v: len(v) == 1,
        "impact_bt_partners": lambda v: len(v) == 1,
    }
    checks.update({p.key: in_range for p in params})
    return checks


# --- assumptions beside each result ------------------------------------------------------


def value_text(row) -> str:
    if row["name"] == "trend_growth":
        return f"{row['value'] * 100:+.2f}% a year"
    return f"{row['value'] * 100:.4g}%"


def basis_text(row) -> str:
    ids = str(row["source_ids"] or "")
    return f"{row['label']}: {ids}" if ids else str(row["label"])


GROUP_SETS = {
    frozenset(PRODUCT_GROUPS): "all groups",
    frozenset(COTTON_FAMILY): "cotton and other textiles",
    frozenset(COTTON_GROUPS): "the three cotton groups",
    frozenset(TOMATO_GROUPS): "the three tomato groups",
    frozenset(COTTON_GROUPS + TOMATO_GROUPS): "cotton and tomato groups",
}


def compact(frame: pd.DataFrame, labels: dict[str, str]) -> pd.DataFrame:
    """Parameter (and what it applies to), value and basis (label and source ids), one row
    per distinct value: groups sharing a value and its basis are listed together."""
    rows = []
    keys = ["name", "value", "label", "source_ids"]
    for (name, _, label, ids), block in frame.groupby(keys, sort=False):
        first = block.iloc[0]
        basis = f"**{label}**" if label in (ASSUMPTION, USER) else md(label)
        scopes = md(scopes_text(list(block["scope"]), labels))
        rows.append(
            {
                "parameter": f"{PARAMETER_WORDS.get(name, name)} ({scopes})",
                "value": value_text(first),
                "basis": basis + (f": {breakable(md(ids))}" if ids else ""),
            }
        )
    return pd.DataFrame(rows, columns=["parameter", "value", "basis"])


def breakable(ids: str) -> str:
    """Source ids with break opportunities, so a narrow table column can wrap them."""
    return ids.replace(":", ":\u200b").replace("_", "_\u200b")


def scopes_text(scopes: list[str], labels: dict[str, str]) -> str:
    if scopes == [""]:
        return "all groups"
    named = GROUP_SETS.get(frozenset(scopes)) if len(scopes) > 1 else None
    return named or "; ".join(scope_text(s, labels) for s in scopes)


def scope_text(scope: str, labels: dict[str, str]) -> str:
    if not scope:
        return "all groups"
    if ":" in scope:
        partner, group = scope.split(":", 1)
        return f"{partner}, {labels.get(group, group)}"
    return labels.get(scope, scope)


def assumptions_beside(
    frame: pd.DataFrame, names: tuple[str, ...], groups, labels: dict, title: str
) -> None:
    """The assumptions one result used, as a compact table next to it."""
    rows = frame[frame["name"].isin(names)]
    scope_group = rows["scope"].str.split(":").str[-1]
    rows = rows[(rows["scope"] == "") | scope_group.isin(groups) | (rows["name"] == "ramp")]
    st.markdown(f"**{title}**")
    st.table(compact(rows, labels), hide_index=True, border="horizontal")
    unsourced = rows[rows["label"].isin([ASSUMPTION, USER])]
    st.caption(
        f"{len(unsourced)} of these {len(rows)} values have no source (**assumption**) or were "
        "set here. Basis: " + BASIS_HELP + " Quotes and notes: the full table at the end of "
        "the page."
    )


# --- sections ----------------------------------------------------------------------------


def headline(result, scenario, cfg: dict, source: str, labels: dict) -> None:
    at_risk = result.at_risk
    total = at_risk["at_risk_value_usd"].sum()
    direct = at_risk.loc[at_risk["channel"] == "direct", "at_risk_value_usd"].sum()
    indirect = at_risk.loc[at_risk["channel"] == "indirect", "at_risk_value_usd"].sum()
    last = int(result.totals["year"].max())
    net = result.totals.loc[result.totals["year"] == last, "net_change_all_partners_usd"].sum()
    base = cfg["base_year"]
    cols = st.columns(4)
    cols[0].metric(f"Trade at risk, full effect ({base} values)", text.usd(total))
    cols[1].metric("of which China (direct)", text.usd(direct))
    cols[2].metric("Vietnam and Mexico (indirect)", text.usd(indirect))
    cols[3].metric(f"Net change in US imports, {last}", text.usd(net))
    spread = default_at_risk(cfg["version"], base)
    changed = [a for a in scenario.assumptions if a.label == USER]
    st.caption(
        f"Trade at risk = {base} imports x exposure share x enforcement "
        f"({scenario.enforcement(None):.0%} with the UFLPA uplift). Net change = lost trade not "
        "replaced by any partner (all partners, in and out of the data). Default scenarios, "
        f"trade at risk: low {text.usd(spread['low'])}, central {text.usd(spread['central'])}, "
        f"high {text.usd(spread['high'])}: the sourced Xinjiang shares fix the exposure, the "
        f"unsourced enforcement and take-up drive the result. {source}."
    )
    if changed:
        words = "; ".join(
            f"{PARAMETER_WORDS.get(a.name, a.name)} ({scope_text(a.scope, labels)}) {a.value:.1%}"
            for a in changed
        )
        st.info(f"Changed from the {SCENARIOS[cfg['level']].lower()} defaults: {words}.")


def projection_section(result, cfg, data, labels, names, frame) -> None:
    imports = data["imports"]
    groups = {g: labels[g] for g in PRODUCT_GROUPS if g in labels}
    cols = st.columns(2)
    with cols[0]:
        group = filters.choose("Product group", groups, key="impact_group", default=DEFAULT_GROUP)
    in_group = imports[imports["product_group"] == group]
    partners = {
        p: names.get(p, p)
        for p in sorted(set(in_group["partner_iso3"]), key=lambda p: (p != CHINA, p))
    }
    partners[ALL] = "All partners in the data"
    with cols[1]:
        partner = filters.choose("Partner", partners, key="impact_partner", default=CHINA)
    chosen = list(partners)[:-1] if partner == ALL else [partner]

    path = result.path[
        (result.path["product_group"] == group) & result.path["partner_iso3"].isin(chosen)
    ]
    years = sorted(set(imports["year"].astype(int)))
    actual = actual_values(imports, years)
    actual = actual[(actual["product_group"] == group) & actual["partner_iso3"].isin(chosen)]
    df = (
        actual.groupby("year", as_index=False)["actual_usd"]
        .sum(min_count=1)
        .merge(
            path.groupby("year", as_index=False)[["counterfactual_usd", "projected_usd"]].sum(),
            on="year",
            how="outer",
        )
        .sort_values("year", ignore_index=True)
    )
    if path.empty:
        st.info(
            f"{partners[partner]} had no US imports of {groups[group].lower()} in "
            f"{cfg['base_year']}, so the model projects nothing for it."
        )
    colour = theme.partner_colour(partner) if partner != ALL else "#333333"
    who = partners[partner] if partner != ALL else "all partners in the data"
    source = source_line(in_group["datasets"])
    fig = charts.projection_chart(
        df,
        colour=colour,
        title=f"US imports of {groups[group].lower()} from {who}",
        subtitle=(
            f"{SCENARIOS[cfg['level']]} scenario from base year {cfg['base_year']}; "
            f"counterfactual: {COUNTERFACTUALS[cfg['counterfactual']].lower()}"
        ),
        y_title=f"USD, {BASIS_WORDS}",
        source=chart_source(source),
        events=queries.events(),
    )
    left, right = st.columns([3, 2]) if not is_embedded() else (st.container(), None)
    with left:
        chart_block(
            fig,
            df,
            chart_id="projection",
            summary=projection_summary(df, who, groups[group], cfg["base_year"]),
            table=df.rename(
                columns={
                    "actual_usd": "actual imports (USD, CIF)",
                    "counterfactual_usd": "no-WRO counterfactual (USD, CIF)",
                    "projected_usd": "model projection (USD, CIF)",
                }
            ),
        )
    if right is not None:
        with right:
            assumptions_beside(
                frame,
                (
                    "xinjiang_share", "covered_content", "indirect_reliance", "enforcement",
                    "uflpa_uplift", "ramp", "substitution", "in_data_capture", "trend_growth",
                ),
                [group],
                labels,
                "Assumptions behind this projection",
            )  # fmt: skip


def projection_summary(df: pd.DataFrame, partner: str, group: str, base_year: int) -> str:
    proj = df.dropna(subset=["projected_usd"])
    if proj.empty:
        return f"No projection for {group} from {partner}."
    last = proj.iloc[-1]
    year = int(last["year"])
    base = df.loc[df["year"] == base_year, "actual_usd"].sum()
    actual = last["actual_usd"]
    return (
        f"{group} from {partner}: {text.usd(base)} in {base_year}. In {year} the model "
        f"projects {text.usd(last['projected_usd'])} against a no-WRO counterfactual of "
        f"{text.usd(last['counterfactual_usd'])} "
        f"({text.pct_change(last['counterfactual_usd'], last['projected_usd'])}); actual "
        f"imports were {text.usd(actual)}."
    )


def at_risk_section(result, data, labels, names, frame) -> None:
    imports = data["imports"]
    df = result.at_risk.copy()
    df["product_group_label"] = df["product_group"].map(labels)
    order = column_map(imports, "product_group", "sort_order")
    df["sort_order"] = df["product_group"].map(order)
    df["partner"] = df["partner_iso3"].map(lambda p: names.get(p, p))
    base = result.base_year
    fig = charts.at_risk_chart(
        df,
        title="Trade at risk from the WRO, by product group and partner",
        subtitle=f"Full effect (UFLPA included), {base} import values",
        x_title=f"USD, {BASIS_WORDS}",
        source=chart_source(source_line(imports["datasets"])),
    )
    by_group = df.groupby("product_group_label", sort=False)["at_risk_value_usd"].sum()
    top = by_group.sort_values(ascending=False).head(3)
    summary = (
        f"Trade at risk in {base} values, {text.usd(df['at_risk_value_usd'].sum())} in all: "
        + "; ".join(f"{g} {text.usd(v)}" for g, v in top.items())
        + ". China's share of it: "
        + text.share(
            df.loc[df["partner_iso3"] == CHINA, "at_risk_value_usd"].sum()
            / max(df["at_risk_value_usd"].sum(), 1e-9)
        )
        + "."
    )
    table = df[
        [
            "product_group_label", "partner", "channel", "base_value_usd", "exposure_share",
            "exposed_value_usd", "enforcement", "at_risk_value_usd",
        ]
    ].sort_values(["product_group_label", "partner"])  # fmt: skip
    left, right = st.columns([3, 2]) if not is_embedded() else (st.container(), None)
    with left:
        chart_block(fig, df, chart_id="at_risk", summary=summary, table=table)
    if right is not None:
        with right:
            assumptions_beside(
                frame,
                ("xinjiang_share", "covered_content", "indirect_reliance", "enforcement",
                 "uflpa_uplift"),
                PRODUCT_GROUPS,
                labels,
                "Assumptions behind trade at risk",
            )  # fmt: skip


BT_SCOPES = {
    CHINA: "China",
    "VNM": "Vietnam",
    "MEX": "Mexico",
    THIRD_COUNTRIES: "Third countries (Vietnam and Mexico)",
    ALL_PARTNERS: "All partners in the data",
}


def backtest_section(bt, cfg, data, labels) -> None:
    scope = filters.choose("Partners compared", BT_SCOPES, key="impact_bt_partners", default=CHINA)
    mape = bt.mape[bt.mape["partners"] == scope].copy()
    mape["product_group_label"] = mape["product_group"].map(labels)
    order = column_map(data["imports"], "product_group", "sort_order")
    mape["sort_order"] = mape["product_group"].map(order)
    colour = theme.partner_colour(scope) if scope in theme.PARTNER_COLOURS else "#333333"
    years = f"{min(bt.years)}-{max(bt.years)}"
    source = source_line(data["imports"]["datasets"])
    fig = charts.backtest_chart(
        mape,
        colour=colour,
        title=f"Backtest: error of the projection, {years}",
        subtitle=f"{BT_SCOPES[scope]}; {SCENARIOS[cfg['level']].lower()} scenario as set, "
        f"base year {cfg['base_year']}",
        source=chart_source(source),
    )
    beats = mape[mape["mape_pct"] < mape["counterfactual_mape_pct"]]
    summary = (
        f"{BT_SCOPES[scope]}: the projection has a smaller mean error than the no-WRO "
        f"counterfactual for {len(beats)} of {len(mape)} product groups. "
        + "; ".join(
            f"{r['product_group_label']} {r['mape_pct']:.1f}% (counterfactual "
            f"{r['counterfactual_mape_pct']:.1f}%)"
            for _, r in mape.sort_values("sort_order").iterrows()
        )
        + "."
    )
    defaults = default_backtest(cfg["version"], cfg["base_year"], cfg["counterfactual"]).mape
    defaults = defaults[defaults["partners"] == scope].pivot_table(
        index="product_group", columns="scenario", values="mape_pct"
    )
    mape = mape.sort_values("sort_order", ignore_index=True)
    table = pd.DataFrame(
        {
            "product group": mape["product_group_label"],
            "this run": mape["mape_pct"].round(1),
            **{
                f"{lvl} default": mape["product_group"].map(defaults.get(lvl)).round(1)
                for lvl in SCENARIO_LEVELS
                if lvl in defaults
            },
            "no-WRO counterfactual": mape["counterfactual_mape_pct"].round(1),
            "years compared": mape["n"],
            "years with no trade": mape["n_zero_actual"],
        }
    )
    if is_embedded():
        chart_block(fig, mape, chart_id="backtest", summary=summary, table=table)
        return
    left, right = st.columns([3, 2])
    with left:
        chart_block(fig, mape, chart_id="backtest", summary=summary, table=table)
    with right:
        published_block(bt.reference_points, data["published"])
    st.markdown(
        f"**Backtest table: mean absolute percentage error (MAPE, %) by product group, "
        f"{BT_SCOPES[scope]}**"
    )
    st.dataframe(table, hide_index=True, width="stretch")
    st.caption(
        "MAPE: the mean over the years of |projected - actual| / actual, on the same data "
        "(UN Comtrade, CIF). Years with no trade are left out. The default scenarios are run "
        "with the same base year and counterfactual. A close fit does not validate the "
        "parameters: the data can't separate the WRO from the 2018-2019 tariffs and the "
        "pandemic swing. China's tomato products are tiny (under USD 1 million a year), so "
        "their percentage errors are large whatever the model; third-country projections for "
        "cotton made-ups are unreliable (docs/methodology.md, section 5)."
    )
    with st.expander("Year by year: projected, counterfactual and actual, with the error"):
        comp = bt.comparison.copy()
        if scope == THIRD_COUNTRIES:
            comp = comp[comp["partner_iso3"] != CHINA]
        elif scope != ALL_PARTNERS:
            comp = comp[comp["partner_iso3"] == scope]
        st.dataframe(
            pd.DataFrame(
                {
                    "product group": comp["product_group"].map(labels),
                    "partner": comp["partner_iso3"],
                    "year": comp["year"],
                    "projected (USD)": comp["projected_usd"],
                    "no-WRO counterfactual (USD)": comp["counterfactual_usd"],
                    "actual (USD)": comp["actual_usd"],
                    "error (USD)": comp["error_usd"],
                    "error (%)": comp["pct_error"].round(1),
                    "counterfactual error (%)": comp["counterfactual_pct_error"].round(1),
                }
            ),
            hide_index=True,
            width="stretch",
            column_config={
                c: st.column_config.NumberColumn(format="%,.0f")
                for c in (
                    "projected (USD)",
                    "no-WRO counterfactual (USD)",
                    "actual (USD)",
                    "error (USD)",
                )
            },
        )


def published_block(ref: pd.DataFrame, published: pd.DataFrame) -> None:
    """The published estimates as quotes with their citation, each followed by the numbers
    from this run and from the trade data that stand beside it (never charted)."""
    with st.container(border=True):
        st.markdown("**Published estimates: reference points, not a series**")
        st.caption(
            "Transcribed from stored public pages and quoted verbatim; never charted or "
            "combined with the trade data. Each measures something different from the model."
        )
        seen = set()
        for _, fig in published.sort_values("figure_id").iterrows():
            if fig["quote"] in seen:
                continue
            seen.add(fig["quote"])
            same = list(published.loc[published["quote"] == fig["quote"], "figure_id"])
            url = fig["url"]
            link = f" ([link]({url}))" if isinstance(url, str) and url else ""
            when = fig["publication_date"]
            when = when if isinstance(when, str) and when else "undated"
            st.markdown(
                f"> {md(fig['quote'])}  \n> — *{md(fig['source_name'])}*, {when}{link} · "
                f"reference figure{'s' if len(same) > 1 else ''} "
                + ", ".join(f"`{i}`" for i in same)
            )
            beside = reference_lines(ref[ref["figure_id"].isin(same)])
            if beside:
                st.caption(beside)
        with st.expander("Reference points as a table"):
            st.dataframe(
                pd.DataFrame(
                    {
                        "figure": ref["figure_id"],
                        "year": ref["year"],
                        "published (%)": ref["published_value"],
                        "model, this run (%)": ref["model_value"].round(1),
                        "trade data (%)": ref["data_value"].round(1),
                        "what each number is": ref["comparison_note"],
                    }
                ),
                hide_index=True,
                width="stretch",
            )


def reference_lines(ref: pd.DataFrame) -> str:
    """'Beside it' lines for one quote: the model's and the data's numbers, by year."""
    if ref.empty:
        return ""
    lines = []
    model = ref.dropna(subset=["model_value"])
    if not model.empty:
        lines.append(
            "Model, this run (China's three cotton groups, projection vs the no-WRO "
            "counterfactual): "
            + ", ".join(f"{int(r['year'])} {r['model_value']:+.1f}%" for _, r in model.iterrows())
        )
    data = ref.dropna(subset=["data_value"])
    if not data.empty:
        what = (
            "actual vs the base year, all causes"
            if ref["figure_id"].iloc[0] == "PUB-01"
            else "China's share of US apparel imports, HS 61+62, all fibres, from the World"
        )
        lines.append(
            f"Trade data, UN Comtrade CIF ({what}): "
            + ", ".join(
                f"{int(r['year'])} {r['data_value']:{'+' if what.startswith('actual') else ''}.1f}%"
                for _, r in data.iterrows()
            )
        )
    lines.append(f"Why they differ: {ref['comparison_note'].iloc[0]}")
    missing = ref[ref["data_value"].isna() & ref["model_value"].isna()]
    for _, r in missing.iterrows():
        lines.append(f"{int(r['year'])}: {r['comparison_note']}")
    return "\n".join(f"- {md(line)}" for line in lines)


MD_SPECIAL = "\\`*_[]<>#|~$"


def md(value) -> str:
    """Text from the data, made safe for Markdown ($ would start maths)."""
    return "".join("\\" + c if c in MD_SPECIAL else c for c in str(value))


def assumptions_section(result, labels) -> None:
    frame = result.assumptions_frame()
    table = frame.assign(
        parameter=[PARAMETER_WORDS.get(n, n) for n in frame["name"]],
        applies_to=[scope_text(s, labels) for s in frame["scope"]],
        shown=[value_text(r) for _, r in frame.iterrows()],
    )[["parameter", "applies_to", "shown", "value", "unit", "label", "source_ids", "quote", "note"]]
    table = table.rename(columns={"applies_to": "applies to", "shown": "value (shown)"})
    st.dataframe(
        table,
        hide_index=True,
        width="stretch",
        column_config={"label": st.column_config.TextColumn(help=BASIS_HELP)},
    )
    counts = frame["label"].value_counts()
    st.caption(
        "By basis: " + ", ".join(f"{n} {label}" for label, n in counts.items()) + ". "
        "Every number the model used is a row here. Method and sources: docs/methodology.md "
        "and the Data and methods page."
    )


def page() -> None:
    page_nav()
    page_header(
        "WRO impact",
        "What a transparent bookkeeping model says the Withhold Release Order of 13 January "
        "2021 did to US imports of cotton and tomato products, set against what happened. "
        "Every assumption is shown beside the result with its source, or labelled "
        "'assumption'. US imports from China, Vietnam and Mexico, UN Comtrade, CIF value.",
    )
    if not require_warehouse():
        return
    data = model_inputs()
    labels = column_map(data["imports"], "product_group", "product_group_label")
    names = column_map(data["imports"], "partner_iso3", "partner")
    params = parameters(labels)
    cfg = settings(params)
    with st.spinner("Running the model"):
        scenario, result, bt = run(
            cfg["version"],
            cfg["base_year"],
            cfg["level"],
            tuple(sorted(cfg["values"].items())),
            cfg["counterfactual"],
        )
    frame = result.assumptions_frame()
    source = source_line(data["imports"]["datasets"])
    if not is_embedded():
        headline(result, scenario, cfg, source, labels)
    section("Projection against the counterfactual and what happened")
    projection_section(result, cfg, data, labels, names, frame)
    section("Trade at risk by product group and partner")
    at_risk_section(result, data, labels, names, frame)
    section(
        f"Backtest: the projection against actual imports, {BACKTEST_YEARS[0]}-{BACKTEST_YEARS[-1]}"
    )
    backtest_section(bt, cfg, data, labels)
    if not is_embedded():
        section("Every assumption in this run")
        assumptions_section(result, labels)
    share_link()


page()
