"""What every chart has: the theme, a title and subtitle, the source line (an annotation
named "source", unwrapped in layout.meta for exports), and the WRO and UFLPA marks on time
axes."""

import textwrap
from datetime import date

import pandas as pd
import plotly.graph_objects as go

from dashboard import theme

SOURCE_ANNOTATION = "source"


def _year_fraction(d: date) -> float:
    return d.year + (d.timetuple().tm_yday - 1) / 365.0


def wrap_for_screen(text: str, width: int) -> str:
    """`text` with a <br> every `width` characters or so (plotly does not wrap titles or
    annotations: a long line runs off the chart)."""
    return "<br>".join(
        "<br>".join(textwrap.wrap(line, width)) or line for line in text.split("<br>")
    )


def _title_text(title: str, subtitle: str) -> str:
    text = f"<b>{title}</b>"
    if subtitle:
        text += f"<br><span style='font-size:13px;color:#555555'>{subtitle}</span>"
    return text


def source_text(fig: go.Figure) -> str:
    """A chart's source line as its exports give it: not wrapped for the screen (" | "
    still separates sources). Every chart here gets it from figure_layout."""
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


def figure_layout(title: str, subtitle: str, source: str, labels=(), **rest) -> dict:
    """What every chart's layout has: the theme, title and subtitle, and the source line
    (then any event labels); `rest` is the chart's own layout."""
    return dict(
        template=theme.TEMPLATE_NAME,
        title=dict(text=_title_text(title, subtitle)),
        annotations=[_source_annotation(source), *labels],
        meta={"source": source.replace("<br>", " ")},  # unwrapped, for exports
        **rest,
    )


def base_figure(title: str, subtitle: str, source: str) -> go.Figure:
    return go.Figure(layout=figure_layout(title, subtitle, source))


def event_marks(events: pd.DataFrame | None, *, axis: str, x_range) -> tuple[list, list]:
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


def headroom(values: pd.Series, labels: list) -> list | None:
    """A y range from 0 that keeps the data below the band of event labels at the top of
    the plot (else the labels sit on the highest lines); None (autorange) for data
    below 0 or with nothing to show."""
    top, bottom = values.max(), values.min()
    if pd.isna(top) or top <= 0 or bottom < 0:
        return None
    band = 1.0 - min(label["y"] for label in labels) + 0.09  # a label's height, with room
    return [0, float(top) / (1.0 - band)]


def year_axis(years: pd.Series, events: pd.DataFrame | None) -> tuple[dict, list, list]:
    """A year axis with a tick a year (every five years over decades, where one a year is
    unreadable), half a year of room at each end, and the event marks (shapes, labels)
    that fall in it."""
    x_range = (float(years.min()) - 0.5, float(years.max()) + 0.5)
    shapes, labels = event_marks(events, axis="year", x_range=x_range)
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
