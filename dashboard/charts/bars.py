"""Bars: product groups in two years, rankings, and changes with their labels."""

import pandas as pd
import plotly.graph_objects as go

from dashboard import text, theme
from dashboard.charts.layout import base_figure, figure_layout


def group_change_chart(
    df: pd.DataFrame, *, base_year: int, latest_year: int, title: str, subtitle: str, source: str
) -> go.Figure:
    """Paired bars: each product group's value in the base year and the latest year, each
    labelled with its value (a group of thousands of dollars beside one of billions has
    no visible bar)."""
    fig = base_figure(title, subtitle, source)
    for year, colour in ((base_year, "#999999"), (latest_year, theme.CHINA_COLOUR)):
        part = df[df["year"] == year].sort_values("sort_order")
        fig.add_trace(
            go.Bar(
                x=part["value_usd"],
                y=part["product_group_label"],
                name=str(year),
                orientation="h",
                marker_color=colour,
                text=[text.usd(v) for v in part["value_usd"]],
                textposition="outside",
                textfont=dict(size=10),
                cliponaxis=False,
                hovertemplate="%{y}: $%{x:,.3s}<extra>" + str(year) + "</extra>",
            )
        )
    fig.update_layout(barmode="group", uniformtext=dict(minsize=9, mode="show"))
    fig.update_yaxes(autorange="reversed", title_text="")
    top = float(df["value_usd"].max()) if not df.empty else 0.0
    fig.update_xaxes(
        title_text="US imports from China, USD (CIF)",
        exponentformat="B",
        range=[0, top * 1.18] if top > 0 else None,  # room for the labels
    )
    return fig


def ranking_bar_chart(
    df: pd.DataFrame,
    *,
    key: str,
    label: str,
    value: str,
    title: str,
    subtitle: str,
    x_title: str,
    source: str,
    text: str | None = None,
    highlight: str = "CHN",
    percent: bool = False,
    value_format: str = ",.3s",
) -> go.Figure:
    """Horizontal bars, biggest on top: China (or `highlight`) in its colour, the rest grey.
    `text` names an optional column of ready-made labels drawn beside each bar."""
    fig = base_figure(title, subtitle, source)
    part = df.dropna(subset=[value]).sort_values(value, ascending=False)
    colours = [theme.CHINA_COLOUR if str(k) == highlight else theme.OTHER_COLOUR for k in part[key]]
    fig.add_trace(
        go.Bar(
            x=part[value],
            y=part[label],
            orientation="h",
            name=x_title,
            marker_color=colours,
            meta=[str(k) for k in part[key]],
            text=part[text] if text else None,
            textposition="outside" if text else None,
            cliponaxis=False,
            hovertemplate="%{y}: %{x:" + (".1%" if percent else value_format) + "}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", title_text="", type="category")
    fig.update_xaxes(title_text=x_title, tickformat=".0%" if percent else "~s", rangemode="tozero")
    if text and not part.empty:
        fig.update_xaxes(range=[0, float(part[value].max()) * 1.2])  # room for the labels
    fig.update_layout(showlegend=False, height=max(380, 170 + 30 * len(part)))
    return fig


def change_bar_chart(
    df: pd.DataFrame,
    *,
    key: str,
    label: str,
    value: str,
    text: str,
    title: str,
    subtitle: str,
    x_title: str,
    source: str,
    highlight: str = "CHN",
    other: str = "",
) -> go.Figure:
    """Horizontal bars of a change, in the frame's order from the bottom up: China (or
    `highlight`) in its colour, gains and falls each in one colour, the `other` key (the
    bar for everyone else) in grey; `text` names a column of labels beside each bar."""
    keys = [str(k) for k in df[key]]
    colours = [
        theme.CHINA_COLOUR if k == highlight
        else theme.OTHER_COLOUR if k == other
        else theme.GAIN_COLOUR if v >= 0 else theme.FALL_COLOUR
        for k, v in zip(keys, df[value], strict=True)
    ]  # fmt: skip
    trace = dict(
        type="bar",
        orientation="h",
        x=df[value].astype(float).tolist(),
        y=df[label].tolist(),
        meta=keys,
        marker=dict(color=colours),
        text=df[text].tolist(),
        textposition="outside",
        cliponaxis=False,
        hovertemplate="%{y}: %{text}<extra></extra>",
    )
    lo = min(0.0, float(df[value].min())) if not df.empty else 0.0
    hi = max(0.0, float(df[value].max())) if not df.empty else 0.0
    pad = 0.45 * (hi - lo)  # room beside the bars for their labels
    height = max(380, 170 + 30 * len(df))
    margin = dict(l=200, r=30, t=90, b=130)
    layout = figure_layout(
        title,
        subtitle,
        source,
        showlegend=False,
        height=height,
        xaxis=dict(
            title=dict(text=x_title),
            exponentformat="B",
            zeroline=True,
            zerolinecolor="#444444",
            range=[lo - pad, hi + pad] if hi > lo else None,
        ),
        yaxis=dict(type="category", title=dict(text="")),
        margin=margin,
    )
    # the source line a fixed 75 px below the plot, whatever the chart's height
    layout["annotations"][0]["y"] = -75 / (height - margin["t"] - margin["b"])
    return go.Figure(dict(data=[trace], layout=layout))
