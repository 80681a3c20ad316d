"""The publication stamp: a copy of a chart with its title, the page's filters, the
source line, the data vintage, the project name and the permalink, at a fixed size.
Pure plotly; the pixel arithmetic below places the blocks around the plot."""

from __future__ import annotations

import html
import re
import textwrap

import plotly.graph_objects as go

from dashboard import theme
from dashboard.export.files import ExportMeta

EXPORT_WIDTH = 1100  # layout px; PNGs are rendered at scale 2, so 2200 x 1300 px
EXPORT_HEIGHT = 650

SOURCE_NAME = "source"  # the lead's charts name their source annotation this way
STAMP_PREFIX = "export_"  # our own annotations; removed and redrawn on every stamp
_PAD_TOP = 14  # px above the title
_TITLE_LINE = 18  # px, first title line (18 px bold)
_SUB_LINE = 24  # px, each further title line (plotly spaces lines 1.3em of the title font)
_NOTE_LINE = 16  # px per line of 11-12 px annotation text
_LEGEND_ROW = 30  # px per row of the horizontal legend above the plot
_WRAP = 150  # characters per line for plain text we wrap


def _lines(text: str) -> int:
    return 1 + len(re.findall(r"<br\s*/?>", text or "", flags=re.IGNORECASE)) if text else 0


def _wrap(text: str, width: int = _WRAP) -> str:
    """Escape plain text (ours, from ExportMeta) and wrap it for a plotly text field."""
    lines = textwrap.wrap(" ".join(text.split()), width)
    return "<br>".join(html.escape(line, quote=False) for line in lines)


# A link's characters are wider than prose (capitals, %, digits): at the footer's size
# about 140 fit across a 1100 px image.
URL_LINE_CHARS = 140


def _wrap_url(url: str, width: int) -> str:
    """A link broken after '&' so it fits the image (it has no spaces to wrap at); a
    parameter longer than a line is cut into line-long pieces, so none runs off the
    image. Every character stays: the lines joined give the link back."""
    pieces = []
    for i, piece in enumerate(url.split("&")):
        piece = piece if i == 0 else "&" + piece
        pieces += [piece[j : j + width] for j in range(0, len(piece), width)] or [piece]
    lines, line = [], ""
    for piece in pieces:
        if line and len(line) + len(piece) > width:
            lines.append(line)
            line = ""
        line += piece
    lines.append(line)
    return "<br>".join(html.escape(part, quote=False) for part in lines)


def _legend_height(fig: go.Figure, plot_width: float) -> int:
    """Rough height of the horizontal legend above the plot (plotly wraps long ones)."""
    shown = [t for t in fig.data if t.showlegend is not False]
    if fig.layout.showlegend is False or (fig.layout.showlegend is None and len(shown) < 2):
        return 0
    rows, used = 1, 0.0
    for i, t in enumerate(shown):
        w = 44 + 8 * len(str(t.name if t.name is not None else f"trace {i}"))
        if used and used + w > plot_width:
            rows, used = rows + 1, 0.0
        used += w
    return _LEGEND_ROW * rows


def _axis_block(fig: go.Figure) -> int:
    """Px below the plot taken by the x axis tick labels and title."""
    xaxis = fig.layout.xaxis
    if xaxis.visible is False:
        return 12
    return 72 if xaxis.title.text else 42


def _annotation(name: str, text: str, *, y: float, yanchor: str, yshift: int, size: int):
    return go.layout.Annotation(
        name=name,
        text=text,
        xref="paper",
        yref="paper",
        x=0,
        y=y,
        xanchor="left",
        yanchor=yanchor,
        yshift=yshift,
        showarrow=False,
        align="left",
        font=dict(size=size, color="#555555"),
    )


def publication_figure(
    fig: go.Figure,
    meta: ExportMeta,
    *,
    width: int = EXPORT_WIDTH,
    height: int = EXPORT_HEIGHT,
) -> go.Figure:
    """A copy of ``fig`` stamped for print: title, a filters line, the source line, the
    data vintage, the project name and permalink, explicit template "wro" and a fixed
    size (EXPORT_WIDTH x EXPORT_HEIGHT unless given; a short chart such as a timeline
    may ask for less height). Y axes get automargin so long category labels fit. The
    input figure is not changed.

    Idempotent: a title or a "source" annotation the figure already has is kept (the
    source is only repositioned), and our own annotations are replaced, not added again.
    """
    out = go.Figure(fig)
    kept = [a for a in out.layout.annotations if not str(a.name or "").startswith(STAMP_PREFIX)]
    source = next((a for a in kept if a.name == SOURCE_NAME), None)
    others = [a for a in kept if a is not source]

    title_text = out.layout.title.text or ""
    if not title_text:
        title_text = f"<b>{_wrap(meta.title, 90)}</b>" if meta.title else ""

    # The chart's own subtitle (what it shows) is in its title already; the stamp adds the
    # page's filters, labelled as such (a chart may use only some of them).
    in_title = meta.subtitle and html.escape(meta.subtitle, quote=False) in title_text
    stamp = [meta.subtitle] if meta.subtitle and not in_title else []
    if meta.filters:
        stamp.append("Page filters: " + "; ".join(f"{k}: {v}" for k, v in meta.filters.items()))
    filters_text = _wrap(" · ".join(stamp)) if stamp else ""

    source_text = (source.text or "") if source is not None else _wrap(meta.source)
    footer_parts = []
    plain_existing = " ".join([source_text, *(str(a.text or "") for a in others)])
    if meta.vintage and meta.vintage not in plain_existing:
        footer_parts.append(f"Data vintage: {meta.vintage}")
    if meta.project and meta.project not in plain_existing:
        footer_parts.append(meta.project)
    footer_text = _wrap(" · ".join(footer_parts), 170) if footer_parts else ""
    if meta.url:
        link = _wrap_url(meta.url, URL_LINE_CHARS)
        footer_text = "<br>".join(t for t in (footer_text, link) if t)

    margin = out.layout.margin
    left = margin.l if margin.l is not None else 70
    right = margin.r if margin.r is not None else 30
    plot_width = width - left - right

    # Top, from the image edge down: title, filters line, legend, plot.
    legend_h = _legend_height(out, plot_width)
    title_lines = _lines(title_text)
    title_h = _TITLE_LINE + _SUB_LINE * (title_lines - 1) if title_text else 0
    filters_h = _NOTE_LINE * _lines(filters_text)
    top = _PAD_TOP + title_h + (10 + filters_h if filters_h else 0) + 10 + legend_h + 4
    # Bottom, from the plot down: axis block, source, footer.
    axis_h = _axis_block(out)
    source_h = _NOTE_LINE * _lines(source_text)
    footer_h = _NOTE_LINE * _lines(footer_text)
    bottom = axis_h + source_h + (4 + footer_h if footer_h else 0) + 14
    # plotly.js anchors only a one-line title by its top; with more lines it puts the
    # first baseline at y. Either way the title's first line starts _PAD_TOP px down.
    title_y = _PAD_TOP if title_lines <= 1 else _PAD_TOP + 14

    annotations = list(others)
    if filters_text:
        annotations.append(
            _annotation(
                STAMP_PREFIX + "filters",
                filters_text,
                y=1,
                yanchor="bottom",
                yshift=legend_h + 6,
                size=12,
            )
        )
    if source_text:
        stamped_source = _annotation(
            SOURCE_NAME, source_text, y=0, yanchor="bottom", yshift=0, size=11
        )
        if source is not None:  # keep the chart's own styling, move it under the axis
            stamped_source = go.layout.Annotation(source)
            stamped_source.update(x=0, xref="paper", xanchor="left", xshift=0)
        stamped_source.update(y=0, yref="paper", yanchor="top", yshift=-axis_h)
        annotations.append(stamped_source)
    if footer_text:
        annotations.append(
            _annotation(
                STAMP_PREFIX + "footer",
                footer_text,
                y=0,
                yanchor="top",
                yshift=-(axis_h + source_h + 4),
                size=11,
            )
        )

    out.update_layout(
        template=theme.TEMPLATE_NAME,
        width=width,
        height=height,
        autosize=False,
        margin=dict(l=left, r=right, t=top, b=bottom),
    )
    out.update_yaxes(automargin=True)  # category labels (bar charts) are never cut off
    # Assigned, not passed to update_layout: that would merge into the old list by index.
    out.layout.annotations = annotations
    out.update_layout(
        title=dict(
            text=title_text,
            xref="paper",
            x=0,
            xanchor="left",
            yref="container",
            y=1 - title_y / height,
            yanchor="top",
        )
    )
    return out
