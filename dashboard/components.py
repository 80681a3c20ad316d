"""Page building blocks shared by every page: the chart block (chart, summary,
table, downloads), source lines, the missing-database message and the embed view."""

import functools
import re
from urllib.parse import urlencode

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import charts, export, filters, queries, style, text
from dashboard.db import WarehouseMissing
from dashboard.embed import is_embedded, target_chart

PAGES = {
    "app.py": "Overview",
    "pages/cotton_and_textiles.py": "Cotton and textiles",
    "pages/tomatoes.py": "Tomatoes",
    "pages/where_the_trade_went.py": "Where the trade went",
    "pages/tomato_paste_world_trade.py": "Tomato paste world trade",
    "pages/data_and_methods.py": "Data and methods",
    "pages/wro_impact.py": "WRO impact",
    "pages/exposure_modeller.py": "Exposure modeller",
}

CHART_IDS = "_chart_ids"  # the charts drawn on this run, for the embed hint

BASIS_WORDS = {
    "CIF": "CIF value (incl. freight and insurance)",
    "customs": "customs value (excl. freight and insurance)",
    "FOB": "FOB value",
}


def source_line(datasets) -> str:
    """'Source: <agency> (<basis>, current USD); <vintage>; our copy <date>.' for each dataset."""
    names = sorted({d for ds in datasets for d in str(ds).split(",") if d})
    info = queries.source_info(tuple(names))
    if info.empty:
        return "Source: unknown (no provenance recorded for this data)"
    parts = []
    for row in info.itertuples():
        agency = row.upstream_agency
        if agency.startswith("UN Comtrade"):
            agency = "UN Comtrade Database"
        basis = BASIS_WORDS.get(row.value_basis, "")
        basis_text = f", {basis}" if basis else ""
        parts.append(f"{agency}{basis_text}; {row.upstream_vintage}")
    unique = list(dict.fromkeys(parts))
    return "Source: " + " | ".join(unique)


def page_nav() -> None:
    """Page setup and the sidebar navigation, with readable page titles (hidden when embedded)."""
    embedded = target_chart() is not None
    st.set_page_config(
        page_title="WRO Trade Monitor",
        page_icon="🧵",
        layout="wide",
        # An embed shows the chart alone: its selectors wait in a closed sidebar.
        initial_sidebar_state="collapsed" if embedded else "auto",
    )
    style.accessibility()
    filters.start_page()
    st.session_state[CHART_IDS] = []
    if embedded:
        return
    with st.sidebar:
        st.markdown("**WRO Trade Monitor**")
        for path, title in PAGES.items():
            st.page_link(path, label=title)
        st.divider()


def page_header(title: str, caption: str) -> None:
    """Page title and intro; left out of the embed view, which shows a chart alone."""
    if not is_embedded():
        st.title(title)
        st.caption(caption)


def section(title: str) -> None:
    if not is_embedded():
        st.subheader(title)


def visible(chart_id: str | None = None) -> bool:
    """Whether to draw non-chart content: always on the page; in the embed view only the
    notes that stand in for the embedded chart."""
    target = target_chart()
    return target is None or (chart_id is not None and target in ("", chart_id))


def section_for(title: str, chart_ids: tuple[str, ...]) -> bool:
    """Start a section holding the charts `chart_ids`. False in an embed of another chart:
    then draw nothing of it (no notes, no widgets); its ids still count for the note on
    an unknown chart id."""
    if not any(visible(c) for c in chart_ids):
        st.session_state.setdefault(CHART_IDS, []).extend(chart_ids)
        return False
    section(title)
    return True


def current_link() -> str:
    """The permalink of the current view, as far as the page has drawn its filters."""
    base = str(st.context.url or "").split("?")[0]
    pairs = filters.link_params()
    return base + ("?" + urlencode(pairs) if pairs else "")


def not_found_note() -> None:
    """In an embed, say so when the link names a chart this page does not have (the
    page would otherwise be blank)."""
    target = target_chart()
    ids = st.session_state.get(CHART_IDS, [])
    if not target or target in ids:
        return
    where = f"its charts are {', '.join(ids)}" if ids else "it has no charts"
    st.info(
        f"This link asks for the chart '{text.md(target[:40])}', which this page does not "
        f"have ({where}). Remove `chart=` from the link to see the whole page."
    )


def share_link() -> None:
    """The permalink of the current view: every filter is in the URL."""
    if is_embedded():
        not_found_note()
        return
    link = current_link()
    with st.sidebar:
        st.markdown("**Link to this view**")
        st.code(link, language=None, wrap_lines=True)
        ids = st.session_state.get(CHART_IDS, [])
        embed = (
            " Add `embed=true&chart=<id>` to show one chart alone, e.g. for an iframe (ids: "
            + ", ".join(ids)
            + ")."
            if ids
            else ""
        )
        st.caption("Opens this page with the same filters." + embed)


def _plain(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html or "").replace("  ", " ").strip()


def vintages_in(source: str) -> list[str]:
    """The data vintages a source line names (it may be wrapped with " | " or <br>)."""

    def flat(text: str) -> str:
        return "".join(text.replace(" | ", " ").replace("<br>", " ").split())

    line = flat(source)
    return [v for v in queries.source_vintages()["upstream_vintage"] if flat(v) in line]


def export_meta(fig, *, chart_id: str) -> export.ExportMeta:
    """What an exported file says about itself: title, filters, source, vintage, units, link."""
    title_html = fig.layout.title.text or ""
    title, _, subtitle = title_html.partition("<br>")
    chosen = filters.filters_shown()
    source = _plain(charts.source_text(fig))
    return export.ExportMeta(
        title=_plain(title),
        subtitle=_plain(subtitle),
        source=source,
        vintage="; ".join(vintages_in(source)),
        units=_plain(fig.layout.yaxis.title.text or fig.layout.xaxis.title.text or ""),
        filters=chosen,
        url=current_link() + ("&" if "?" in current_link() else "?") + f"chart={chart_id}",
    )


def downloads(fig, table: pd.DataFrame, *, chart_id: str) -> None:
    """PNG/SVG/PDF of the chart and CSV/XLSX of its data. Files are made only on click."""
    meta = export_meta(fig, chart_id=chart_id)
    cols = st.columns(len(export.EXPORT_FORMATS))
    for col, fmt in zip(cols, export.EXPORT_FORMATS.values(), strict=True):
        make = functools.partial(export.export_bytes, fmt.fmt, meta, fig=fig, df=table)
        col.download_button(
            fmt.label,
            data=make,
            file_name=export.file_name(meta, fmt.fmt),
            mime=fmt.mime,
            key=f"download_{chart_id}_{fmt.fmt}",
            on_click="ignore",
            width="stretch",
        )


def table_downloads(
    df: pd.DataFrame,
    *,
    key: str,
    title: str,
    source: str = "",
    units: str = "",
    vintage: str | None = None,
    subtitle: str = "",
) -> None:
    """CSV and XLSX of a table, with its source, vintage (by default, the vintages its
    source names), filters and link. Made only on click."""
    chosen = filters.filters_shown()
    meta = export.ExportMeta(
        title=title,
        subtitle=subtitle,
        source=source,
        vintage=vintage if vintage is not None else "; ".join(vintages_in(source)),
        units=units,
        filters=chosen,
        url=current_link(),
    )
    cols = st.columns(4)
    for col, fmt in zip(cols, export.export_formats(figure=False), strict=False):
        col.download_button(
            fmt.label,
            data=functools.partial(export.export_bytes, fmt.fmt, meta, df=df),
            file_name=export.file_name(meta, fmt.fmt),
            mime=fmt.mime,
            key=f"download_{key}_{fmt.fmt}",
            on_click="ignore",
            width="stretch",
        )


# Shown in a table cell that has no value. Streamlit's default, "None", reads like a word
# in the data; a dash is the usual sign for "nothing reported" in statistical tables.
MISSING_CELL = "–"


def data_table(df: pd.DataFrame, **options):
    """A table on the page: st.dataframe without the index, missing cells as MISSING_CELL."""
    return st.dataframe(df, hide_index=True, placeholder=MISSING_CELL, **options)


def table_block(
    df: pd.DataFrame,
    *,
    shown: pd.DataFrame | None = None,
    column_config: dict | None = None,
    **about,
) -> None:
    """A table on the page (`shown`, e.g. with formatted values, defaults to `df`) and its
    CSV and XLSX downloads of `df`; `about` is what table_downloads says of it (key,
    title, source, units, ...)."""
    data_table(df if shown is None else shown, column_config=column_config)
    table_downloads(df, **about)


def chart_block(fig, df: pd.DataFrame, *, chart_id: str, summary: str, table: pd.DataFrame = None):
    """Render one chart with its text alternative (summary + table) and its downloads."""
    st.session_state.setdefault(CHART_IDS, []).append(chart_id)
    target = target_chart()
    if target is not None and target not in ("", chart_id):
        return
    # theme=None: the figure's own template, as exported; Streamlit's would grey the axis
    # text to 3.7:1 (docs/accessibility.md). The template's fonts need a taller top margin on
    # screen, or the legend runs into the subtitle (exports set their own margins); the figure
    # grows by as much, so the plot and the source line below it keep their places.
    shown = go.Figure(fig).update_layout(
        margin_t=(fig.layout.margin.t or 90) + 30, height=(fig.layout.height or 450) + 30
    )
    st.plotly_chart(shown, key=f"chart_{chart_id}", config={"displaylogo": False}, theme=None)
    st.caption(summary)
    if target is not None:
        return
    table = table if table is not None else df
    with st.expander("Table behind this chart"):
        data_table(table)
    downloads(fig, table, chart_id=chart_id)


def require_warehouse() -> bool:
    """Show a plain message instead of a traceback when the database is missing."""
    try:
        queries.events()
    except WarehouseMissing as exc:
        st.error(str(exc))
        return False
    return True
