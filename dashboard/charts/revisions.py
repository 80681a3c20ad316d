"""The size of revisions by month: bars of the absolute changes in each period revised, one
colour per source (never added across sources: customs value and CIF are different)."""

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.charts.layout import figure_layout

SOURCE_COLOURS = {"census": theme.OKABE_ITO[1], "comtrade": theme.OKABE_ITO[2]}


def revisions_by_month_chart(
    df: pd.DataFrame, *, title: str, subtitle: str, source: str
) -> go.Figure:
    """`df`: source, source_name, period, absolute_change_usd, figures (one row a source
    and period). Bars side by side per period, the count of revised figures in the hover."""
    traces = []
    for key, part in df.groupby("source", sort=True):
        part = part.sort_values("period")
        traces.append(
            dict(
                type="bar",
                x=part["period"].tolist(),
                y=part["absolute_change_usd"].tolist(),
                name=str(part["source_name"].iloc[0]),
                marker=dict(color=SOURCE_COLOURS.get(str(key), theme.OTHER_COLOUR)),
                customdata=part["figures"].tolist(),
                meta=str(key),
                hovertemplate="%{x|%b %Y}: $%{y:,.3s} in absolute changes, "
                "%{customdata} revised figures<extra>%{fullData.name}</extra>",
            )
        )
    layout = figure_layout(
        title,
        subtitle,
        source,
        barmode="group",
        xaxis=dict(title=dict(text="Period revised")),
        yaxis=dict(
            title=dict(text="Absolute change, USD"), rangemode="tozero", exponentformat="B"
        ),  # fmt: skip
    )
    return go.Figure(dict(data=traces, layout=layout))
