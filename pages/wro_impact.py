"""WRO impact: what the exposure model (package exposure/, docs/methodology.md) says the
Withhold Release Order did to US imports, set against what happened.

Sidebar settings (dashboard.impact_settings) -> the model on the warehouse mart
(dashboard.model_runs) -> charts and tables, each with the assumptions it used beside it
(source ids and quote, or the label "assumption"). Frames and words: dashboard.impact_view.
"""

from __future__ import annotations

import streamlit as st

from dashboard import charts, filters, queries, text
from dashboard import impact_view as view
from dashboard.components import (
    chart_block,
    page_header,
    page_nav,
    require_warehouse,
    section,
    section_for,
    share_link,
    source_line,
    table_block,
)
from dashboard.embed import is_embedded
from dashboard.impact_settings import settings
from dashboard.model_runs import SCENARIOS, default_at_risk, default_backtest, model_inputs, run
from exposure.backtest import BACKTEST_YEARS
from exposure.domain import PRODUCT_GROUPS


def beside_and_chart():
    """A wide column for the chart and a narrow one for what stands beside it (none when
    embedded: the chart alone)."""
    if is_embedded():
        return st.container(), None
    return st.columns([3, 2])


def assumptions_beside(frame, names, groups, labels, title) -> None:
    """The assumptions one result used, as a compact table next to it."""
    rows = view.beside_rows(frame, names, groups)
    st.markdown(f"**{title}**")
    st.table(view.compact(rows, labels), hide_index=True, border="horizontal")
    st.caption(
        f"{view.unsourced(rows)} of these {len(rows)} values have no source (**assumption**) "
        "or were set here. Basis: " + view.BASIS_HELP + " Quotes and notes: the full table "
        "at the end of the page."
    )


def headline(result, scenario, cfg: dict, source: str, labels: dict) -> None:
    h = view.headline_figures(result)
    base = cfg["base_year"]
    cols = st.columns(4)
    cols[0].metric(f"Trade at risk, full effect ({base} values)", text.usd(h["total"]))
    cols[1].metric("of which China (direct)", text.usd(h["direct"]))
    cols[2].metric("Vietnam and Mexico (indirect)", text.usd(h["indirect"]))
    cols[3].metric(f"Net change in US imports, {h['last']}", text.usd(h["net"]))
    spread = default_at_risk(cfg["version"], base)
    st.caption(
        f"Trade at risk = {base} imports x exposure share x enforcement "
        f"({scenario.enforcement(None):.0%} with the UFLPA uplift). Net change = lost trade not "
        "replaced by any partner (all partners, in and out of the data). Default scenarios, "
        f"trade at risk: low {text.usd(spread['low'])}, central {text.usd(spread['central'])}, "
        f"high {text.usd(spread['high'])}: the sourced Xinjiang shares fix the exposure, the "
        f"unsourced enforcement and take-up drive the result. {source}."
    )
    changed = view.changed_text(scenario, labels)
    if changed:
        st.info(f"Changed from the {SCENARIOS[cfg['level']].lower()} defaults: {changed}.")


def projection_section(result, cfg, data, labels, names, frame) -> None:
    imports = data["imports"]
    groups = {g: labels[g] for g in PRODUCT_GROUPS if g in labels}
    cols = st.columns(2)
    with cols[0]:
        group = filters.choose(
            "Product group", groups, key="impact_group", default=view.DEFAULT_GROUP
        )
    in_group = imports[imports["product_group"] == group]
    partners = view.partner_choices(in_group, names)
    with cols[1]:
        partner = filters.choose("Partner", partners, key="impact_partner", default=view.CHINA)
    chosen = list(partners)[:-1] if partner == view.ALL else [partner]
    df = view.projection_frame(imports, result.path, group, chosen)
    if df["projected_usd"].isna().all():
        st.info(
            f"{partners[partner]} had no US imports of {groups[group].lower()} in "
            f"{cfg['base_year']}, so the model projects nothing for it."
        )
    who = partners[partner] if partner != view.ALL else "all partners in the data"
    fig = charts.projection_chart(
        df,
        colour=view.partner_colour(partner),
        title=f"US imports of {groups[group].lower()} from {who}",
        subtitle=(
            f"{SCENARIOS[cfg['level']]} scenario from base year {cfg['base_year']}; "
            "counterfactual: "
            + view.counterfactual_words(result, cfg["counterfactual"], chosen, group, names)
        ),
        y_title=f"USD, {view.BASIS_WORDS}",
        source=view.chart_source(source_line(in_group["datasets"])),
        events=queries.events(),
    )
    left, right = beside_and_chart()
    with left:
        chart_block(
            fig,
            df,
            chart_id="projection",
            summary=view.projection_summary(df, who, groups[group], cfg["base_year"]),
            table=view.projection_table(df),
        )
    if right is not None:
        with right:
            assumptions_beside(
                frame,
                view.PROJECTION_ASSUMPTIONS,
                [group],
                labels,
                "Assumptions behind this projection",
            )


def at_risk_section(result, data, labels, names, frame) -> None:
    imports = data["imports"]
    df = view.at_risk_frame(result, imports, labels, names)
    fig = charts.at_risk_chart(
        df,
        title="Trade at risk from the WRO, by product group and partner",
        subtitle=f"Full effect (UFLPA included), {result.base_year} import values",
        x_title=f"USD, {view.BASIS_WORDS}",
        source=view.chart_source(data["source"]),
    )
    left, right = beside_and_chart()
    with left:
        chart_block(
            fig,
            df,
            chart_id="at_risk",
            summary=view.at_risk_summary(df, result.base_year),
            table=view.at_risk_table(df),
        )
    if right is not None:
        with right:
            assumptions_beside(
                frame,
                view.AT_RISK_ASSUMPTIONS,
                PRODUCT_GROUPS,
                labels,
                "Assumptions behind trade at risk",
            )


def backtest_section(bt, cfg, data, labels) -> None:
    scope = filters.choose(
        "Partners compared", view.BT_SCOPES, key="impact_bt_partners", default=view.CHINA
    )
    order = view.column_map(data["imports"], "product_group", "sort_order")
    mape = view.backtest_errors(bt, scope, labels, order)
    fig = charts.backtest_chart(
        mape,
        colour=view.scope_colour(scope),
        title=f"Backtest: error of the projection, {min(bt.years)}-{max(bt.years)}",
        subtitle=f"{view.BT_SCOPES[scope]}; {SCENARIOS[cfg['level']].lower()} scenario as "
        f"set, base year {cfg['base_year']}",
        source=view.chart_source(data["source"]),
    )
    defaults = default_backtest(cfg["version"], cfg["base_year"], cfg["counterfactual"])
    table = view.backtest_table(mape, defaults.mape, scope)
    summary = view.backtest_summary(mape, scope)
    left, right = beside_and_chart()
    with left:
        chart_block(fig, mape, chart_id="backtest", summary=summary, table=table)
    if right is None:
        return
    with right:
        published_block(bt.reference_points, data["published"])
    st.markdown(
        "**Backtest table: mean absolute percentage error (MAPE, %) by product group, "
        f"{view.BT_SCOPES[scope]}**"
    )
    source = data["source"]
    table_block(
        table,
        key="backtest_table",
        title=f"Backtest: MAPE by product group, {view.BT_SCOPES[scope]}",
        source=source,
        units="mean absolute percentage error, %",
    )
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
        table_block(
            view.year_by_year(bt.comparison, scope, labels),
            key="backtest_years",
            title=f"Backtest year by year, {view.BT_SCOPES[scope]}",
            source=source,
            units=f"USD, {view.BASIS_WORDS}; errors in USD and %",
            column_config={
                c: st.column_config.NumberColumn(format="%,.0f") for c in view.YEAR_BY_YEAR_USD
            },
        )


def published_block(ref, published) -> None:
    """The published estimates as quotes with their citation, each followed by the numbers
    from this run and from the trade data that stand beside it (never charted)."""
    with st.container(border=True):
        st.markdown("**Published estimates: reference points, not a series**")
        st.caption(
            "Transcribed from stored public pages and quoted verbatim; never charted or "
            "combined with the trade data. Each measures something different from the model."
        )
        for quote, ids in view.published_quotes(published):
            st.markdown(quote)
            beside = view.reference_lines(ref[ref["figure_id"].isin(ids)])
            if beside:
                st.caption(beside)
        with st.expander("Reference points as a table"):
            table_block(
                view.reference_table(ref),
                key="reference_points",
                title="Published estimates beside the model and the trade data",
                source="Reference figures PUB-* (ref_figures, transcribed, quoted on the page); "
                "the model run; UN Comtrade, CIF value",
                units="%",
            )


def assumptions_section(result, labels) -> None:
    frame = result.assumptions_frame()
    table_block(
        view.assumptions_table(frame, labels),
        key="assumptions",
        title="Every assumption in this run of the WRO exposure model",
        source="Exposure model (docs/methodology.md); cited figures from ref_figures by id",
        units="shares as fractions (0-1) unless the unit column says otherwise",
        column_config={"label": st.column_config.TextColumn(help=view.BASIS_HELP)},
    )
    st.caption(
        f"By basis: {view.basis_counts(frame)}. Every number the model used is a row here. "
        "Method and sources: docs/methodology.md and the Data and methods page."
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
    data["source"] = source_line(data["imports"]["datasets"])
    labels = view.column_map(data["imports"], "product_group", "product_group_label")
    names = view.column_map(data["imports"], "partner_iso3", "partner")
    cfg = settings(view.parameters(labels))
    with st.spinner("Running the model"):
        scenario, result, bt = run(
            cfg["version"],
            cfg["base_year"],
            cfg["level"],
            tuple(sorted(cfg["values"].items())),
            cfg["counterfactual"],
        )
    frame = result.assumptions_frame()
    if not is_embedded():
        headline(result, scenario, cfg, data["source"], labels)
    if section_for("Projection against the counterfactual and what happened", ("projection",)):
        projection_section(result, cfg, data, labels, names, frame)
    if section_for("Trade at risk by product group and partner", ("at_risk",)):
        at_risk_section(result, data, labels, names, frame)
    years = f"{BACKTEST_YEARS[0]}-{BACKTEST_YEARS[-1]}"
    if section_for(f"Backtest: the projection against actual imports, {years}", ("backtest",)):
        backtest_section(bt, cfg, data, labels)
    if not is_embedded():
        section("Every assumption in this run")
        assumptions_section(result, labels)
    share_link()


page()
