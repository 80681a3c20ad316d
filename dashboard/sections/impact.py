"""WRO impact: what the exposure model (package exposure/, docs/methodology.md) says the
WRO did to US imports, set against what happened. The sidebar's model settings are shared
(dashboard.impact_settings); each result has the assumptions it used beside it (source id
and quote, or the label "assumption"). Frames and words: dashboard.impact_view."""

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from dashboard import backtest_view as bt_view
from dashboard import charts, filters, queries, text
from dashboard import impact_view as view
from dashboard.blocks import Box, Chart, Metric, Note, Prose, Row, Table
from dashboard.db import shared_build
from dashboard.impact_parameters import parameters
from dashboard.impact_settings import settings
from dashboard.model_runs import SCENARIOS, default_at_risk, default_backtest, model_inputs, run
from dashboard.page import Page, Section
from dashboard.render import source_line
from exposure.backtest import BACKTEST_YEARS
from exposure.domain import PRODUCT_GROUPS

YEARS = f"{BACKTEST_YEARS[0]}-{BACKTEST_YEARS[-1]}"


@dataclass(frozen=True)
class Run:
    """The model run the sidebar's settings ask for, and what its sections read."""

    cfg: dict
    scenario: object
    result: object
    backtest: object
    data: dict
    labels: dict
    names: dict

    @property
    def frame(self) -> pd.DataFrame:
        return self.result.assumptions_frame()

    @property
    def key(self) -> tuple:
        """The settings that determine the run (the warehouse version among them)."""
        c = self.cfg
        values = tuple(sorted(c["values"].items()))
        return (c["version"], c["base_year"], c["level"], c["counterfactual"], values)


# What a section builds is shared across sessions, keyed by the run's settings.
shared = shared_build(hash_funcs={Run: lambda r: r.key})


def page() -> Page:
    return Page(
        title="WRO impact",
        intro="impact/intro.md",
        data=("comtrade_annual",),
        sidebar=model_run,
        sections=lambda r: [
            Section("", headline),
            Section(
                "Projection against the counterfactual and what happened",
                projection,
                ("projection",),
                fragment=True,
            ),
            Section("Trade at risk by product group and partner", at_risk, ("at_risk",)),
            Section(
                f"Backtest: the projection against actual imports, {YEARS}",
                backtest,
                ("backtest",),
                fragment=True,
            ),
            Section("Every assumption in this run", assumptions),
        ],
    )


def model_run() -> Run:
    data = model_inputs()
    data["source"] = source_line(data["imports"]["datasets"])
    labels = view.column_map(data["imports"], "product_group", "product_group_label")
    names = view.column_map(data["imports"], "partner_iso3", "partner")
    cfg = settings(parameters(labels))
    with st.spinner("Running the model"):
        scenario, result, bt = run(
            cfg["version"],
            cfg["base_year"],
            cfg["level"],
            tuple(sorted(cfg["values"].items())),
            cfg["counterfactual"],
        )
    return Run(cfg, scenario, result, bt, data, labels, names)


def beside(frame, names, groups, labels, title) -> list:
    """The assumptions one result used, as a compact table next to it."""
    rows = view.beside_rows(frame, names, groups)
    return [
        Note(f"**{title}**", "markdown"),
        Table(view.compact(rows, labels), key=f"beside_{title}", title=title, static=True),
        Note(
            f"{view.unsourced(rows)} of these {len(rows)} values have no source (**assumption**) "
            "or were set here. Basis: " + view.BASIS_HELP + " Quotes and notes: the full table "
            "at the end of the page."
        ),
    ]


@shared
def headline(r: Run) -> list:
    h = view.headline_figures(r.result)
    base = r.cfg["base_year"]
    spread = default_at_risk(r.cfg["version"], base)
    out = [
        Row(
            [
                [Metric(f"Trade at risk, full effect ({base} values)", text.usd(h["total"]))],
                [Metric("of which China (direct)", text.usd(h["direct"]))],
                [Metric("Vietnam and Mexico (indirect)", text.usd(h["indirect"]))],
                [Metric(f"Net change in US imports, {h['last']}", text.usd(h["net"]))],
            ]
        ),
        Note(
            f"Trade at risk = {base} imports x exposure share x enforcement "
            f"({r.scenario.enforcement(None):.0%} with the UFLPA uplift). Net change = lost trade "
            "not replaced by any partner (all partners, in and out of the data). Default "
            f"scenarios, trade at risk: low {text.usd(spread['low'])}, central "
            f"{text.usd(spread['central'])}, high {text.usd(spread['high'])}: the sourced "
            "Xinjiang shares fix the exposure, the unsourced enforcement and take-up drive the "
            f"result. {r.data['source']}."
        ),
    ]
    changed = view.changed_text(r.scenario, r.labels)
    if changed:
        level = SCENARIOS[r.cfg["level"]].lower()
        out.append(Note(f"Changed from the {level} defaults: {changed}.", "info"))
    return out


def projection(r: Run) -> list:
    cols = st.columns(2)
    group = filters.select(
        "Product group", groups_of(r), "impact_group", default=view.DEFAULT_GROUP, where=cols[0]
    )
    partners = partners_of(r, group)
    partner = filters.select(
        "Partner", partners, "impact_partner", default=view.CHINA, where=cols[1]
    )
    return projection_for(r, group, partner)


def groups_of(r: Run) -> dict:
    return {g: r.labels[g] for g in PRODUCT_GROUPS if g in r.labels}


def partners_of(r: Run, group: str) -> dict:
    """The partner choices for a group: {iso3: name}, "all partners" last."""
    imports = r.data["imports"]
    return view.partner_choices(imports[imports["product_group"] == group], r.names)


@shared
def projection_for(r: Run, group: str, partner: str) -> list:
    imports = r.data["imports"]
    groups = groups_of(r)
    partners = partners_of(r, group)
    in_group = imports[imports["product_group"] == group]
    chosen = list(partners)[:-1] if partner == view.ALL else [partner]
    df = view.projection_frame(imports, r.result.path, group, chosen)
    notes = []
    if df["projected_usd"].isna().all():
        notes.append(
            Note(
                f"{partners[partner]} had no US imports of {groups[group].lower()} in "
                f"{r.cfg['base_year']}, so the model projects nothing for it.",
                "info",
                embed=True,
            )
        )
    who = partners[partner] if partner != view.ALL else "all partners in the data"
    fig = charts.projection_chart(
        df,
        colour=view.partner_colour(partner),
        title=f"US imports of {groups[group].lower()} from {who}",
        subtitle=f"{SCENARIOS[r.cfg['level']]} scenario from base year {r.cfg['base_year']}; "
        "counterfactual: "
        + view.counterfactual_words(r.result, r.cfg["counterfactual"], chosen, group, r.names),
        y_title=f"USD, {view.BASIS_WORDS}",
        source=view.chart_source(source_line(in_group["datasets"])),
        events=queries.events(),
    )
    chart = Chart(
        "projection",
        fig,
        df,
        view.projection_summary(df, who, groups[group], r.cfg["base_year"]),
        view.projection_table(df),
    )
    side = beside(
        r.frame,
        view.PROJECTION_ASSUMPTIONS,
        [group],
        r.labels,
        "Assumptions behind this projection",
    )
    return notes + [Row([[chart], side], widths=[3, 2])]


@shared
def at_risk(r: Run) -> list:
    df = view.at_risk_frame(r.result, r.data["imports"], r.labels, r.names)
    fig = charts.at_risk_chart(
        view.at_risk_chart_frame(df),
        title="Trade at risk from the WRO, by product group and partner",
        subtitle=f"Full effect (UFLPA included), {r.result.base_year} import values",
        x_title=f"USD, {view.BASIS_WORDS}",
        source=view.chart_source(r.data["source"]),
    )
    chart = Chart(
        "at_risk", fig, df, view.at_risk_summary(df, r.result.base_year), view.at_risk_table(df)
    )
    side = beside(
        r.frame,
        view.AT_RISK_ASSUMPTIONS,
        PRODUCT_GROUPS,
        r.labels,
        "Assumptions behind trade at risk",
    )
    # Full width: the group names take half of a 3/5 column and were cut off there.
    return [chart, *side]


def backtest(r: Run) -> list:
    scope = filters.select(
        "Partners compared", bt_view.BT_SCOPES, "impact_bt_partners", default=view.CHINA
    )
    return backtest_for(r, scope)


@shared
def backtest_for(r: Run, scope: str) -> list:
    bt, cfg = r.backtest, r.cfg
    order = view.column_map(r.data["imports"], "product_group", "sort_order")
    mape = bt_view.backtest_errors(bt, scope, r.labels, order)
    fig = charts.backtest_chart(
        mape,
        colour=bt_view.scope_colour(scope),
        title=f"Backtest: error of the projection, {min(bt.years)}-{max(bt.years)}",
        subtitle=f"{bt_view.BT_SCOPES[scope]}; {SCENARIOS[cfg['level']].lower()} scenario as set, "
        f"base year {cfg['base_year']}",
        source=view.chart_source(r.data["source"]),
    )
    defaults = default_backtest(cfg["version"], cfg["base_year"], cfg["counterfactual"])
    table = bt_view.backtest_table(mape, defaults.mape, scope)
    chart = Chart("backtest", fig, mape, bt_view.backtest_summary(mape, scope), table)
    source = r.data["source"]
    return [
        Row([[chart], [published(bt.reference_points, r.data["published"])]], widths=[3, 2]),
        Note(
            f"**Backtest table: mean absolute percentage error (MAPE, %) by product group, "
            f"{bt_view.BT_SCOPES[scope]}**",
            "markdown",
        ),
        Table(
            table,
            key="backtest_table",
            title=f"Backtest: MAPE by product group, {bt_view.BT_SCOPES[scope]}",
            source=source,
            units="mean absolute percentage error, %",
        ),
        Prose("impact/backtest_note.md", "caption"),
        Box(
            [
                Table(
                    bt_view.year_by_year(bt.comparison, scope, r.labels),
                    key="backtest_years",
                    title=f"Backtest year by year, {bt_view.BT_SCOPES[scope]}",
                    source=source,
                    units=f"USD, {view.BASIS_WORDS}; errors in USD and %",
                    column_config={
                        c: st.column_config.NumberColumn(format="%,.0f")
                        for c in bt_view.YEAR_BY_YEAR_USD
                    },
                )
            ],
            expander="Year by year: projected, counterfactual and actual, with the error",
        ),
    ]


def published(ref, estimates) -> Box:
    """The published estimates as quotes with their citation, each followed by the numbers
    from this run and from the trade data that stand beside it (never charted)."""
    blocks = [Prose("impact/published.md", "caption")]
    for quote, ids in bt_view.published_quotes(estimates):
        blocks.append(Note(quote, "markdown"))
        lines = bt_view.reference_lines(ref[ref["figure_id"].isin(ids)])
        if lines:
            blocks.append(Note(lines))
    blocks.append(
        Box(
            [
                Table(
                    bt_view.reference_table(ref),
                    key="reference_points",
                    title="Published estimates beside the model and the trade data",
                    source="Reference figures PUB-* (ref_figures, transcribed, quoted on the "
                    "page); the model run; UN Comtrade, CIF value",
                    units="%",
                )
            ],
            expander="Reference points as a table",
        )
    )
    return Box(blocks, heading="Published estimates: reference points, not a series")


@shared
def assumptions(r: Run) -> list:
    return [
        Table(
            view.assumptions_table(r.frame, r.labels),
            key="assumptions",
            title="Every assumption in this run of the WRO exposure model",
            source="Exposure model (docs/methodology.md); cited figures from ref_figures by id",
            units="shares as fractions (0-1) unless the unit column says otherwise",
            column_config={"label": st.column_config.TextColumn(help=view.BASIS_HELP)},
        ),
        Note(
            f"By basis: {view.basis_counts(r.frame)}. Every number the model used is a row "
            "here. Method and sources: docs/methodology.md and the Data and methods page."
        ),
    ]
