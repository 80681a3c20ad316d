"""The WRO impact page's charts: the projection against the counterfactual, trade at risk by
product group and partner, and the backtest's errors."""

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.charts.layout import distinct_colours, figure_layout, year_axis

PROJECTION_LINES = {
    # column: (legend name, dash, use the partner colour)
    "actual_usd": ("Actual imports", "solid", True),
    "projected_usd": ("Model projection", "dash", True),
    "counterfactual_usd": ("No-WRO counterfactual", "dot", False),
}


def projection_chart(
    df: pd.DataFrame,
    *,
    colour: str,
    title: str,
    subtitle: str,
    y_title: str,
    source: str,
    events: pd.DataFrame | None = None,
) -> go.Figure:
    """Actual imports, the model's projection and the no-WRO counterfactual by year.

    `df` has one row per year and the columns of PROJECTION_LINES (NaN where a series
    has no value). The partner's colour draws the actual and projected lines; the
    counterfactual is grey and dotted.
    """
    traces = []
    part = df.sort_values("year")
    for column, (name, dash, own_colour) in PROJECTION_LINES.items():
        if column not in part or part[column].isna().all():
            continue
        rows = part.dropna(subset=[column])
        traces.append(
            dict(
                type="scatter",
                x=rows["year"].astype(int).tolist(),
                y=rows[column].astype(float).tolist(),
                name=name,
                meta=column,
                mode="lines+markers",
                line=dict(color=colour if own_colour else theme.OTHER_COLOUR, width=2.5, dash=dash),
                marker=dict(size=6),
                hovertemplate="%{x}: $%{y:,.4s}<extra>%{fullData.name}</extra>",
            )
        )
    xaxis, shapes, labels = {}, [], []
    if not part.empty:
        xaxis, shapes, labels = year_axis(part["year"], events)
    layout = figure_layout(
        title,
        subtitle,
        source,
        labels,
        shapes=shapes,
        xaxis=xaxis,
        yaxis=dict(title=dict(text=y_title), rangemode="tozero", exponentformat="B"),
    )
    return go.Figure(dict(data=traces, layout=layout))


def _group_rows(order: list[str]) -> dict:
    """One row per product group, top to bottom in `order`, each row 40 px high."""
    return dict(
        yaxis=dict(
            autorange="reversed",
            type="category",
            categoryorder="array",
            categoryarray=order,
            automargin=True,  # room for the longest group name beyond the 70 px margin
        ),
        height=max(380, 200 + 40 * len(order)),
        margin=dict(l=70, r=30, t=90, b=150),  # room for a source line of three lines
    )


def at_risk_chart(
    df: pd.DataFrame, *, title: str, subtitle: str, x_title: str, source: str
) -> go.Figure:
    """Trade at risk by product group, stacked by partner: China first in its colour, each
    other partner in a colour of its own, and a code that is not a country (a sum of other
    partners) last, in grey.

    `df`: product_group_label, sort_order, partner_iso3, partner, at_risk_value_usd.
    """
    part = df.sort_values(["sort_order", "partner_iso3"])
    order = list(dict.fromkeys(part["product_group_label"]))
    partners = sorted(set(part["partner_iso3"]), key=lambda p: (p != "CHN", len(p) != 3, p))
    colours = distinct_colours([p for p in partners if len(p) == 3])
    rows_of = dict(tuple(part.groupby("partner_iso3", sort=False)))
    traces = []
    for iso3 in partners:
        rows = rows_of[iso3]
        traces.append(
            dict(
                type="bar",
                orientation="h",
                x=rows["at_risk_value_usd"].astype(float).tolist(),
                y=rows["product_group_label"].tolist(),
                name=str(rows["partner"].iloc[0]),
                meta=iso3,
                marker=dict(color=colours.get(iso3, theme.OTHER_COLOUR)),
                hovertemplate="%{y}: $%{x:,.4s}<extra>%{fullData.name}</extra>",
            )
        )
    layout = figure_layout(
        title,
        subtitle,
        source,
        barmode="stack",
        xaxis=dict(title=dict(text=x_title), exponentformat="B", rangemode="tozero"),
        **_group_rows(order),
    )
    return go.Figure(dict(data=traces, layout=layout))


def backtest_chart(
    df: pd.DataFrame, *, colour: str, title: str, subtitle: str, source: str
) -> go.Figure:
    """Mean absolute percentage error by product group: the model against the no-WRO
    counterfactual, as dots on a log axis (errors run from a few % to several hundred).

    `df`: product_group_label, sort_order, mape_pct, counterfactual_mape_pct.
    """
    part = df.dropna(subset=["mape_pct"]).sort_values("sort_order")
    order = list(part["product_group_label"])
    traces = []
    for column, name, trace_colour, symbol in (
        ("counterfactual_mape_pct", "No-WRO counterfactual", theme.OTHER_COLOUR, "circle-open"),
        ("mape_pct", "Model projection", colour, "circle"),
    ):
        traces.append(
            dict(
                type="scatter",
                mode="markers",
                x=part[column].astype(float).tolist(),
                y=part["product_group_label"].tolist(),
                name=name,
                meta=column,
                marker=dict(color=trace_colour, size=13, symbol=symbol, line=dict(width=2)),
                hovertemplate="%{y}: %{x:.1f}%<extra>%{fullData.name}</extra>",
            )
        )
    layout = figure_layout(
        title,
        subtitle,
        source,
        xaxis=dict(
            title=dict(text="Mean absolute percentage error, % (log scale)"),
            type="log",
            tickvals=[1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000],
            showgrid=True,
            gridcolor="#E5E5E5",
        ),
        **_group_rows(order),
    )
    return go.Figure(dict(data=traces, layout=layout))
