"""Lines over time: one series a partner, country or code; and the events timeline."""

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.charts.layout import base_figure, event_marks, figure_layout, headroom, year_axis


def series_over_time_chart(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    series_label: str,
    title: str,
    subtitle: str,
    y_title: str,
    source: str,
    events: pd.DataFrame | None = None,
    y_format: str = ",.3s",
    percent: bool = False,
    colours: dict[str, str] | None = None,
    dashes: dict[str, str] | None = None,
) -> go.Figure:
    """One line per series (e.g. per partner), colours fixed per partner code (or as
    `colours` says), solid unless `dashes` names a dash style for the series.

    Built as one spec and validated once: plotly validates and copies the whole
    figure on every add_trace/update call, which made pages slow.
    """
    traces = []
    for n, (key, part) in enumerate(df.groupby(series, sort=False)):
        colour = (colours or {}).get(str(key)) or theme.PARTNER_COLOURS.get(str(key))
        colour = colour or theme.OKABE_ITO[1 + n % (len(theme.OKABE_ITO) - 1)]
        part = part.sort_values(x)
        name = str(part[series_label].iloc[0])
        xs, ys = part[x].tolist(), part[y].tolist()
        if x == "year" and xs:
            # A year with no row is a gap in the line, never a straight line across it.
            got = dict(zip(xs, ys, strict=True))
            xs = list(range(int(min(xs)), int(max(xs)) + 1))
            ys = [got.get(year) for year in xs]
        traces.append(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                name=name,
                mode="lines+markers",
                line=dict(color=colour, width=2.5, dash=(dashes or {}).get(str(key), "solid")),
                marker=dict(size=6),
                meta=str(key),
                hovertemplate="%{x}: %{y:"
                + (".1%" if percent else y_format)
                + "}<extra>%{fullData.name}</extra>",
            )
        )
    xaxis, shapes, labels = {}, [], []
    if not df.empty and x == "year":
        xaxis, shapes, labels = year_axis(df[x], events)
    elif not df.empty:
        lo, hi = pd.Timestamp(df[x].min()), pd.Timestamp(df[x].max())
        x_range = (lo - pd.Timedelta(days=15), hi + pd.Timedelta(days=15))
        xaxis = dict(title=dict(text="Month"))
        shapes, labels = event_marks(events, axis="date", x_range=x_range)
    # Percentages as 12%; money as 12B, not plotly's SI 12G.
    yaxis = dict(title=dict(text=y_title), rangemode="tozero")
    yaxis.update(tickformat=".0%" if percent else None, exponentformat=None if percent else "B")
    yaxis.update(range=headroom(df[y], labels) if labels and not df.empty else None)
    layout = figure_layout(
        title,
        subtitle,
        source,
        labels,
        shapes=shapes,
        xaxis=xaxis,
        yaxis={k: v for k, v in yaxis.items() if v is not None},
    )
    return go.Figure(dict(data=traces, layout=layout))


def events_timeline_chart(events: pd.DataFrame, *, title: str, source: str) -> go.Figure:
    """The dated events on one axis, labels alternating above and below."""
    fig = base_figure(title, "", source)
    dates = pd.to_datetime(events["event_date"])
    ys = [1 if i % 2 == 0 else -1 for i in range(len(events))]
    fig.add_trace(
        go.Scatter(
            x=dates,
            y=[0] * len(events),
            mode="markers",
            marker=dict(size=14, color=theme.CHINA_COLOUR),
            text=events["description"],
            hovertemplate="%{x|%d %b %Y}<br>%{text}<extra></extra>",
            showlegend=False,
        )
    )
    for d, label, yy in zip(dates, events["label"], ys, strict=True):
        fig.add_annotation(
            x=d,
            y=0,
            ax=0,
            ay=-40 * yy,
            text=f"<b>{d:%d %b %Y}</b><br>{label}",
            showarrow=True,
            arrowhead=0,
            font=dict(size=12),
        )
    fig.update_yaxes(visible=False, range=[-2, 2])
    fig.update_xaxes(title_text="", showgrid=False)
    fig.update_layout(height=300, margin=dict(t=60, b=90))
    return fig
