"""The one place that turns a section's blocks (dashboard.blocks) into Streamlit calls:
charts with their summary, table and downloads; tables with their downloads; notes,
prose, metrics, rows and boxes."""

import functools
import re
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, export, filters, queries, text
from dashboard.blocks import Box, Chart, Downloads, Links, Metric, Note, Prose, Row, Table
from dashboard.text import md_without_maths

TEXT_DIR = Path(__file__).resolve().parent.parent / "pages" / "text"
# Shown in a table cell that has no value. Streamlit's default, "None", reads like a word
# in the data; a dash is the usual sign for "nothing reported" in statistical tables.
MISSING_CELL = "–"


def blocks(items: Sequence, *, embed: bool = False) -> None:
    """Draw blocks in order. In the embed view only charts are drawn, bare."""
    for block in items:
        draw(block, embed=embed)


def draw(block, *, embed: bool = False) -> None:
    if isinstance(block, Chart):
        chart(block, bare=embed)
    elif embed:
        return
    elif isinstance(block, Table):
        table(block)
    elif isinstance(block, Note):
        note(block)
    elif isinstance(block, Prose):
        prose = prose_text(block.path)
        st.caption(prose) if block.kind == "caption" else st.markdown(md_without_maths(prose))
    elif isinstance(block, Metric):
        st.metric(block.label, block.value, delta=block.delta, delta_color="off")
    elif isinstance(block, Row):
        for column, items in zip(
            st.columns(block.widths or len(block.columns)), block.columns, strict=True
        ):
            with column:
                blocks(items)
    elif isinstance(block, Box):
        box(block)
    elif isinstance(block, Links):
        for path, title in block.pages:
            st.page_link(path, label=title)
    elif isinstance(block, Downloads):
        downloads(block)
    else:
        raise TypeError(f"not a block: {block!r}")


def downloads(block: Downloads) -> None:
    cols = st.columns([4] + [1] * len(block.files))
    cols[0].markdown(block.text)
    for col, f in zip(cols[1:], block.files, strict=True):
        col.download_button(
            f.label,
            data=f.build,
            file_name=f.file_name,
            mime=f.mime,
            key=f.key,
            on_click="ignore",
            icon=":material/download:",
            disabled=f.disabled,
        )


def note(block: Note) -> None:
    if block.kind == "info":
        st.info(block.text)
    elif block.kind == "warning":
        st.warning(block.text, icon="⚠️")
    elif block.kind == "success":
        st.success(block.text)
    elif block.kind == "error":
        st.error(block.text)
    elif block.kind == "markdown":
        st.markdown(block.text)
    elif block.kind == "subheader":
        st.subheader(block.text)
    else:
        st.caption(block.text)


def box(block: Box) -> None:
    """A bordered box, or an expander whose content is drawn only when opened (a whole
    provenance file or a long table that few visitors open)."""
    if block.expander:
        holder = st.expander(block.expander, key=box_key(block.expander), on_change="rerun")
        if not holder.open:
            return
    else:
        holder = st.container(border=True)
    with holder:
        if block.heading:
            st.markdown(f"##### {block.heading}")
        blocks(block.blocks)


def box_key(label: str) -> str:
    """A widget key from an expander's label (labels are unique on a page)."""
    return "open_box_" + re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_")[:80]


@functools.cache
def prose_text(path: str) -> str:
    """A prose file's Markdown (pages/text/<path>); read once per process."""
    return (TEXT_DIR / path).read_text(encoding="utf-8").strip()


# --- charts --------------------------------------------------------------------------------


def chart(block: Chart, *, bare: bool = False) -> None:
    """A chart with its summary; unless bare (the embed view), the table behind it in an
    expander and its PNG/SVG/PDF/CSV/XLSX downloads in a popover. Both are drawn only when
    opened: a page of five charts drew five tables and 25 download buttons that few
    visitors open, and that doubled the time to a usable page in the browser
    (docs/benchmarks.md)."""
    # theme=None: the figure's own template, as exported; Streamlit's would grey the axis
    # text to 3.7:1 (docs/accessibility.md). On screen the legend needs 30 px more above
    # the plot, or it runs into the subtitle; the figure grows by as much.
    fig = block.fig
    shown = go.Figure(fig).update_layout(
        margin_t=(fig.layout.margin.t or 90) + 30, height=(fig.layout.height or 450) + 30
    )
    st.plotly_chart(shown, key=f"chart_{block.id}", config={"displaylogo": False}, theme=None)
    st.caption(block.summary)
    if bare:
        return
    data = block.table if block.table is not None else block.data
    behind = st.expander("Table behind this chart", key=f"open_table_{block.id}", on_change="rerun")
    if behind.open:
        with behind:
            data_table(data)
    files = st.popover(
        "Download this chart or its data",
        icon=":material/download:",
        key=f"open_downloads_{block.id}",
        on_change="rerun",
    )
    if files.open:
        with files:
            chart_downloads(block.fig, data, chart_id=block.id)


def chart_downloads(fig, data: pd.DataFrame, *, chart_id: str) -> None:
    """PNG/SVG/PDF of the chart and CSV/XLSX of its data, one under the other. Files are
    made only on click."""
    meta = export_meta(fig, chart_id=chart_id)
    for fmt in export.EXPORT_FORMATS.values():
        st.download_button(
            fmt.label,
            data=functools.partial(export.export_bytes, fmt.fmt, meta, fig=fig, df=data),
            file_name=export.file_name(meta, fmt.fmt),
            mime=fmt.mime,
            key=f"download_{chart_id}_{fmt.fmt}",
            on_click="ignore",
            width="stretch",
        )


def export_meta(fig, *, chart_id: str) -> export.ExportMeta:
    """What an exported file says about itself: title, filters, source, vintage, units, link."""
    title_html = fig.layout.title.text or ""
    title, _, subtitle = title_html.partition("<br>")
    source = _plain(charts.source_text(fig))
    link = filters.current_link()
    return export.ExportMeta(
        title=_plain(title),
        subtitle=_plain(subtitle),
        source=source,
        vintage="; ".join(vintages_in(source)),
        units=_plain(fig.layout.yaxis.title.text or fig.layout.xaxis.title.text or ""),
        filters=filters.filters_shown(),
        url=link + ("&" if "?" in link else "?") + f"chart={chart_id}",
    )


# --- tables --------------------------------------------------------------------------------


def data_table(df: pd.DataFrame, **options):
    """A table on the page: st.dataframe without the index, missing cells as MISSING_CELL."""
    return st.dataframe(df, hide_index=True, placeholder=MISSING_CELL, **options)


def table(block: Table) -> None:
    shown = block.df if block.shown is None else block.shown
    if block.static:
        st.table(shown, hide_index=True, border="horizontal")
        return
    data_table(shown, column_config=block.column_config, key=f"table_{block.key}")
    if block.downloads:
        table_downloads(block)


def table_downloads(block: Table) -> None:
    """CSV and XLSX of a table, with its source, vintage (by default, the vintages its
    source names), filters and link, in a popover drawn when opened (as a chart's). Made
    only on click."""
    files = st.popover(
        "Download this table",
        icon=":material/download:",
        key=f"open_table_downloads_{block.key}",
        on_change="rerun",
    )
    if not files.open:
        return
    meta = export.ExportMeta(
        title=block.title,
        subtitle=block.subtitle,
        source=block.source,
        vintage=block.vintage
        if block.vintage is not None
        else "; ".join(vintages_in(block.source)),
        units=block.units,
        filters=filters.filters_shown(),
        url=filters.current_link(),
    )
    for fmt in export.export_formats(figure=False):
        files.download_button(
            fmt.label,
            data=functools.partial(export.export_bytes, fmt.fmt, meta, df=block.df),
            file_name=export.file_name(meta, fmt.fmt),
            mime=fmt.mime,
            key=f"download_{block.key}_{fmt.fmt}",
            on_click="ignore",
            width="stretch",
        )


# --- source lines ---------------------------------------------------------------------------


def source_line(datasets) -> str:
    """'Source: <agency> (<basis>); <vintage>' for each dataset, ' | ' between them."""
    names = sorted({d for ds in datasets for d in str(ds).split(",") if d})
    info = queries.source_info(tuple(names))
    if info.empty:
        return "Source: unknown (no provenance recorded for this data)"
    parts = []
    for row in info.itertuples():
        agency = row.upstream_agency
        if agency.startswith("UN Comtrade"):
            agency = "UN Comtrade Database"
        basis = text.basis_words(row.value_basis, gloss=True)
        basis_text = f", {basis}" if basis else ""
        parts.append(f"{agency}{basis_text}; {row.upstream_vintage}")
    return "Source: " + " | ".join(dict.fromkeys(parts))


def vintages_in(source: str) -> list[str]:
    """The data vintages a source line names (it may be wrapped with " | " or <br>)."""

    def flat(text: str) -> str:
        return "".join(text.replace(" | ", " ").replace("<br>", " ").split())

    line = flat(source)
    return [v for v in queries.source_vintages()["upstream_vintage"] if flat(v) in line]


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html or "").replace("  ", " ").strip()
