"""Published figures drawn as points: each a dated snapshot or a stated figure, never a
line through them. A point's marker says how its source worded it (filled: exact; open: a
rounded or approximate figure; an open triangle: a lower bound such as "more than"), and a
qualified point carries those words as its label, so an exported image keeps them too."""

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme
from dashboard.charts.layout import figure_layout, wrap_for_screen

SYMBOLS = {
    "exact": "circle",
    "as printed": "circle-open",
    "approximate": "circle-open",
    "lower bound": "triangle-up-open",
    "upper bound": "triangle-down-open",
}
MARKER_KEY = "● exact · ○ rounded or approximate · △ lower bound (“more than”)"


def padded(values: pd.Series) -> list | None:
    """An axis range with a tenth of the span as room at each end, for the labels of the
    first and last points (None for text or empty data)."""
    if values.empty:
        return None
    lo, hi = values.min(), values.max()
    if isinstance(lo, str):
        return None
    room = (hi - lo) * 0.1 if hi != lo else (abs(lo) * 0.1 or 1)
    if isinstance(room, pd.Timedelta) and room < pd.Timedelta(days=30):
        room = pd.Timedelta(days=30)
    return [lo - room, hi + room]


def points_chart(
    df: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    kind: str,
    label: str,
    hover: str,
    title: str,
    subtitle: str,
    x_title: str,
    y_title: str,
    source: str,
    colours: dict[str, str] | None = None,
    category_order: list | None = None,
    categories_on: str = "",
    height: int | None = None,
) -> go.Figure:
    """One trace of points per `series` value (in order of appearance): marker symbol from
    `kind` (a qualifier kind), text from `label` (blank for none), hover text from `hover`.
    `categories_on` ('x' or 'y') names a category axis, ordered as `category_order`."""
    traces = []
    for n, (name, part) in enumerate(df.groupby(series, sort=False)):
        colour = (colours or {}).get(str(name)) or theme.OKABE_ITO[n % len(theme.OKABE_ITO)]
        traces.append(
            dict(
                type="scatter",
                x=part[x].tolist(),
                y=part[y].tolist(),
                name=str(name),
                mode="markers+text",
                marker=dict(
                    size=11,
                    color=colour,
                    symbol=[SYMBOLS.get(k, "circle") for k in part[kind]],
                    line=dict(width=2, color=colour),
                ),
                text=part[label].fillna("").tolist(),
                # neighbouring labels apart: on a date axis alternately above and below; by
                # category, one series above its points and the next below
                textposition=(
                    ("top center", "bottom center")[n % 2]
                    if categories_on
                    else [("top center", "bottom center")[i % 2] for i in range(len(part))]
                ),
                textfont=dict(size=11, color=theme.text_colour(colour)),
                cliponaxis=False,
                hovertext=part[hover].tolist(),
                hovertemplate="%{hovertext}<extra>%{fullData.name}</extra>",
            )
        )
    x_range = padded(df[x]) if not categories_on else None
    if categories_on == "y" and not df.empty:
        x_range = [0, float(df[x].max()) * 1.15]  # from zero, room for the last label
    axes = {
        "x": dict(title=dict(text=x_title), range=x_range),
        "y": dict(title=dict(text=y_title), rangemode="tozero", exponentformat="B"),
    }
    if categories_on:
        axes[categories_on].update(type="category")
        if category_order:
            axes[categories_on].update(categoryorder="array", categoryarray=category_order)
        if categories_on == "y":
            axes["y"].pop("rangemode")
            axes["y"]["autorange"] = "reversed"
            axes["x"].update(exponentformat="B")
    subtitle = wrap_for_screen(subtitle, 115)  # the qualifier key runs long
    layout = figure_layout(
        title,
        subtitle,
        source,
        xaxis={k: v for k, v in axes["x"].items() if v is not None},
        yaxis=axes["y"],
        legend=dict(orientation="h", y=1.04, yanchor="bottom", x=0, xanchor="left"),
        margin=dict(t=134 + 30 * subtitle.count("<br>"), b=150, r=60),  # a line a <br>
        **({"height": height} if height else {}),
    )
    layout["annotations"][0]["yshift"] = -34  # the source line below the axis title
    layout["annotations"][0]["text"] = wrap_for_screen(layout["annotations"][0]["text"], 140)
    return go.Figure(dict(data=traces, layout=layout))
