"""Pure chart functions: a DataFrame in, a plotly Figure out. No st.* calls.

Every figure carries its title, axis units, the WRO and UFLPA marks on time
axes, and a source line (an annotation named "source") with the data vintage.
"""

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import text, theme

SOURCE_ANNOTATION = "source"


def _year_fraction(d: date) -> float:
    return d.year + (d.timetuple().tm_yday - 1) / 365.0


def _title_text(title: str, subtitle: str) -> str:
    text = f"<b>{title}</b>"
    if subtitle:
        text += f"<br><span style='font-size:13px;color:#555555'>{subtitle}</span>"
    return text


def source_text(fig: go.Figure) -> str:
    """A chart's source line as its exports give it: not wrapped for the screen (" | "
    still separates sources). Every chart here gets it from _layout."""
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    return meta.get("source", "")


def _source_annotation(source: str) -> dict:
    return dict(
        name=SOURCE_ANNOTATION,
        text=source.replace(" | ", "<br>"),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.22,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font=dict(size=11, color="#555555"),
    )


def _layout(title: str, subtitle: str, source: str, labels=(), **rest) -> dict:
    """What every chart's layout has: the theme, title and subtitle, and the source line
    (then any event labels); `rest` is the chart's own layout."""
    return dict(
        template=theme.TEMPLATE_NAME,
        title=dict(text=_title_text(title, subtitle)),
        annotations=[_source_annotation(source), *labels],
        meta={"source": source.replace("<br>", " ")},  # unwrapped, for exports
        **rest,
    )


def _base_figure(title: str, subtitle: str, source: str) -> go.Figure:
    return go.Figure(layout=_layout(title, subtitle, source))


def _event_marks(events: pd.DataFrame | None, *, axis: str, x_range) -> tuple[list, list]:
    """Dashed vertical lines and labels for the WRO, UFLPA and related events in range."""
    shapes, labels = [], []
    if events is None or events.empty:
        return shapes, labels
    lo, hi = x_range
    for i, ev in enumerate(events.itertuples()):
        when = pd.Timestamp(ev.event_date).date()
        x = _year_fraction(when) if axis == "year" else pd.Timestamp(when)
        if not (lo <= x <= hi):
            continue
        shapes.append(
            dict(
                type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="paper",
                line=dict(color="#444444", width=1, dash="dash"),
            )
        )  # fmt: skip
        # a label near the right edge runs leftwards from its line, or it is cut off
        near_end = (x - lo) / (hi - lo) > 0.8
        labels.append(
            dict(
                x=x, y=1.0 - 0.065 * (i % 4), xref="x", yref="paper", text=ev.label,
                showarrow=False, xanchor="right" if near_end else "left", yanchor="top",
                font=dict(size=11, color="#444444"), bgcolor="rgba(255,255,255,0.7)",
            )
        )  # fmt: skip
    return shapes, labels


def _headroom(values: pd.Series, labels: list) -> list | None:
    """A y range from 0 that keeps the data below the band of event labels at the top of
    the plot (else the labels sit on the highest lines); None (autorange) for data
    below 0 or with nothing to show."""
    top, bottom = values.max(), values.min()
    if pd.isna(top) or top <= 0 or bottom < 0:
        return None
    band = 1.0 - min(label["y"] for label in labels) + 0.09  # a label's height, with room
    return [0, float(top) / (1.0 - band)]


def _year_axis(years: pd.Series, events: pd.DataFrame | None) -> tuple[dict, list, list]:
    """A year axis with a tick a year (every five years over decades, where one a year is
    unreadable), half a year of room at each end, and the event marks (shapes, labels)
    that fall in it."""
    x_range = (float(years.min()) - 0.5, float(years.max()) + 0.5)
    shapes, labels = _event_marks(events, axis="year", x_range=x_range)
    dtick = 1 if years.max() - years.min() <= 15 else 5
    return dict(range=list(x_range), dtick=dtick, title=dict(text="Year")), shapes, labels


def events_to_mark(events: pd.DataFrame, span_years: int) -> pd.DataFrame:
    """The events to mark on a time axis: on an axis of decades, only the region-wide WRO
    and the UFLPA (four labels crowd each other there)."""
    if span_years > 25:
        return events[events["event_id"].isin(["region_wro", "uflpa"])]
    return events


def distinct_colours(codes) -> dict[str, str]:
    """The theme's colour for known partners (China always the same), and unused
    colour-blind-safe colours for the rest, so no two chosen countries share one."""
    fixed = {c: theme.PARTNER_COLOURS[c] for c in codes if c in theme.PARTNER_COLOURS}
    spare = [c for c in theme.OKABE_ITO if c not in fixed.values() and c != theme.CHINA_COLOUR]
    return {c: fixed.get(c) or (spare.pop(0) if spare else theme.OTHER_COLOUR) for c in codes}


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
        xaxis, shapes, labels = _year_axis(df[x], events)
    elif not df.empty:
        lo, hi = pd.Timestamp(df[x].min()), pd.Timestamp(df[x].max())
        x_range = (lo - pd.Timedelta(days=15), hi + pd.Timedelta(days=15))
        xaxis = dict(title=dict(text="Month"))
        shapes, labels = _event_marks(events, axis="date", x_range=x_range)
    # Percentages as 12%; money as 12B, not plotly's SI 12G.
    yaxis = dict(title=dict(text=y_title), rangemode="tozero")
    yaxis.update(tickformat=".0%" if percent else None, exponentformat=None if percent else "B")
    yaxis.update(range=_headroom(df[y], labels) if labels and not df.empty else None)
    layout = _layout(
        title,
        subtitle,
        source,
        labels,
        shapes=shapes,
        xaxis=xaxis,
        yaxis={k: v for k, v in yaxis.items() if v is not None},
    )
    return go.Figure(dict(data=traces, layout=layout))


def group_change_chart(
    df: pd.DataFrame, *, base_year: int, latest_year: int, title: str, subtitle: str, source: str
) -> go.Figure:
    """Paired bars: each product group's value in the base year and the latest year, each
    labelled with its value (a group of thousands of dollars beside one of billions has
    no visible bar)."""
    fig = _base_figure(title, subtitle, source)
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


def events_timeline_chart(events: pd.DataFrame, *, title: str, source: str) -> go.Figure:
    """The dated events on one axis, labels alternating above and below."""
    fig = _base_figure(title, "", source)
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
    fig = _base_figure(title, subtitle, source)
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
    layout = _layout(
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


# --- WRO impact page ---------------------------------------------------------------------

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
        xaxis, shapes, labels = _year_axis(part["year"], events)
    layout = _layout(
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
            autorange="reversed", type="category", categoryorder="array", categoryarray=order
        ),
        height=max(380, 200 + 40 * len(order)),
        margin=dict(l=70, r=30, t=90, b=150),  # room for a source line of three lines
    )


def at_risk_chart(
    df: pd.DataFrame, *, title: str, subtitle: str, x_title: str, source: str
) -> go.Figure:
    """Trade at risk by product group, stacked by partner (China in its colour).

    `df`: product_group_label, sort_order, partner_iso3, partner, at_risk_value_usd.
    """
    part = df.sort_values(["sort_order", "partner_iso3"])
    order = list(dict.fromkeys(part["product_group_label"]))
    partners = sorted(set(part["partner_iso3"]), key=lambda p: (p != "CHN", p))
    traces = []
    for iso3 in partners:
        rows = part[part["partner_iso3"] == iso3]
        traces.append(
            dict(
                type="bar",
                orientation="h",
                x=rows["at_risk_value_usd"].astype(float).tolist(),
                y=rows["product_group_label"].tolist(),
                name=str(rows["partner"].iloc[0]),
                meta=iso3,
                marker=dict(color=theme.partner_colour(iso3)),
                hovertemplate="%{y}: $%{x:,.4s}<extra>%{fullData.name}</extra>",
            )
        )
    layout = _layout(
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
    layout = _layout(
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
