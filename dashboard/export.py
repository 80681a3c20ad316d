"""Publication-ready exports: stamped figures (PNG, SVG, PDF) and data files (CSV, XLSX)
that carry their own title, filters, source, vintage and units.

Pure functions plus one small manager for a warm kaleido (headless Chromium) server;
no ``st.*`` calls. Pages call these only when a download button is clicked
(``st.download_button(data=lambda: export_bytes(...))``), never on every rerun.

CSV layout (UTF-8 *with* BOM, CRLF line ends, so Excel on Windows reads accents and
dashes correctly; read it back with ``encoding="utf-8-sig"``)::

    # title: US imports of cotton products from China
    # filter.Partner: China
    ...
    <blank line>
    year,partner,value_usd
    2020,China,123.4

Spreadsheet formula injection: every text cell we write (data cells, column names,
metadata values) that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return gets a leading single quote ``'``. Numeric columns are never touched, so
negative numbers stay numbers; missing values stay empty cells.
"""

from __future__ import annotations

import asyncio
import atexit
import csv
import html
import inspect
import io
import math
import os
import re
import shutil
import textwrap
import threading
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import theme

# --------------------------------------------------------------------------- formats

EXPORT_WIDTH = 1100  # layout px; PNGs are rendered at PNG_SCALE, so 2200 x 1300 px
EXPORT_HEIGHT = 650
PNG_SCALE = 2

FIGURE_FORMATS = ("png", "svg", "pdf")
DATA_FORMATS = ("csv", "xlsx")


class ExportFormat(NamedTuple):
    fmt: str  # also the file extension
    mime: str
    label: str  # download button label
    kind: str  # "figure" or "data"


EXPORT_FORMATS: dict[str, ExportFormat] = {
    "png": ExportFormat("png", "image/png", "PNG image", "figure"),
    "svg": ExportFormat("svg", "image/svg+xml", "SVG (vector)", "figure"),
    "pdf": ExportFormat("pdf", "application/pdf", "PDF (vector)", "figure"),
    "csv": ExportFormat("csv", "text/csv", "CSV data", "data"),
    "xlsx": ExportFormat(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel data",
        "data",
    ),
}


def export_formats(*, figure: bool = True, data: bool = True) -> list[ExportFormat]:
    """The download buttons to show: figure formats if there is a figure, data formats if
    there is a table, in display order."""
    return [
        f
        for f in EXPORT_FORMATS.values()
        if (f.kind == "figure" and figure) or (f.kind == "data" and data)
    ]


# --------------------------------------------------------------------------- metadata


@dataclass(frozen=True)
class ExportMeta:
    title: str
    subtitle: str = ""  # the active filters in words
    source: str = ""  # e.g. "Source: UN Comtrade Database (...), pulled 2026-06-18"
    vintage: str = ""
    units: str = ""
    filters: dict[str, str] = field(default_factory=dict)
    url: str | None = None  # permalink to the view
    project: str = theme.PROJECT_NAME


INJECTION_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
# openpyxl refuses these control characters in cell text (tab, LF and CR are fine).
_XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

INJECTION_NOTE = (
    "Text cells beginning with = + - @ tab or carriage return are prefixed with a "
    "single quote (') so spreadsheets do not run them as formulas."
)


def neutralise(value: Any) -> Any:
    """Prefix a text value that a spreadsheet would treat as a formula with ``'``.

    Only ``str`` values are changed; numbers (including negative ones), NaN and None
    are returned as they are.
    """
    # The XLSX writer drops control characters, so '\x01=...' would become a formula there.
    if isinstance(value, str) and _XLSX_ILLEGAL.sub("", value).startswith(INJECTION_PREFIXES):
        return "'" + value
    return value


def _one_line(value: Any) -> str:
    """Collapse whitespace (incl. newlines) so a metadata value fits on one line."""
    return " ".join(str(value).split())


def metadata_rows(
    meta: ExportMeta, *, generated_at: datetime | None = None, rows: int | None = None
) -> list[tuple[str, str]]:
    """The (key, value) pairs written to the CSV header block and the XLSX "about" sheet.

    Keys and values are single-line and already neutralised.
    """
    when = generated_at or datetime.now(UTC)
    if when.tzinfo is not None:
        when = when.astimezone(UTC)
    pairs: list[tuple[str, str]] = [("title", meta.title)]
    if meta.subtitle:
        pairs.append(("subtitle", meta.subtitle))
    for name, value in meta.filters.items():
        pairs.append((f"filter.{name}", value))
    pairs += [
        ("units", meta.units),
        ("source", meta.source),
        ("vintage", meta.vintage),
    ]
    if meta.url:
        pairs.append(("url", meta.url))
    pairs += [
        ("project", meta.project),
        ("exported", when.strftime("%Y-%m-%dT%H:%M:%SZ")),
    ]
    if rows is not None:
        pairs.append(("rows", str(rows)))
    pairs.append(("note", INJECTION_NOTE))
    return [(neutralise(_one_line(k)), neutralise(_one_line(v))) for k, v in pairs]


# --------------------------------------------------------------------------- tables


def _flat_name(name: Any) -> str:
    if isinstance(name, tuple):
        return " / ".join(str(p) for p in name if str(p) != "")
    return str(name)


def _is_text_column(col: pd.Series) -> bool:
    t = col.dtype
    return not (
        pd.api.types.is_numeric_dtype(t)
        or pd.api.types.is_bool_dtype(t)
        or pd.api.types.is_datetime64_any_dtype(t)
        or pd.api.types.is_timedelta64_dtype(t)
    )


def _neutralised(col: pd.Series) -> pd.Series:
    """neutralise() on every cell, worked out once per distinct value (a column of a
    million cells often holds a few thousand values). Missing cells become None."""
    codes, distinct = pd.factorize(col)  # missing -> -1, the None at the end
    safe = np.array([neutralise(v) for v in distinct] + [None], dtype=object)
    return pd.Series(safe[codes], dtype=object)


def safe_table(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` ready to write: named index levels become columns, column names
    are flat neutralised strings, and text cells are neutralised. Numeric, boolean and
    date columns are left as they are."""
    if any(n is not None for n in df.index.names):
        df = df.reset_index()
    out = {}
    names = []
    for i in range(df.shape[1]):
        col = df.iloc[:, i]
        if _is_text_column(col):
            col = _neutralised(col)
        out[i] = col.reset_index(drop=True)
        names.append(neutralise(_flat_name(df.columns[i])))
    table = pd.DataFrame(out)
    table.columns = names
    return table


def csv_bytes(df: pd.DataFrame, meta: ExportMeta, *, generated_at: datetime | None = None) -> bytes:
    """UTF-8 (with BOM) CSV: ``# key: value`` lines, one blank line, then the table.

    Each metadata line is one CSV field (quoted only if it holds a comma or a quote), so
    spreadsheets show it in column A and pandas can skip it: the table starts after the
    first empty line.
    """
    table = safe_table(df)
    head = io.StringIO()
    writer = csv.writer(head, lineterminator="\r\n")
    for key, value in metadata_rows(meta, generated_at=generated_at, rows=len(table)):
        writer.writerow([f"# {key}: {value}"])
    head.write("\r\n")
    buf = io.BytesIO()
    buf.write(("\ufeff" + head.getvalue()).encode("utf-8"))
    # Written straight to bytes: a million-line table is not held as text first.
    table.to_csv(buf, index=False, lineterminator="\r\n", encoding="utf-8")
    return buf.getvalue()


def read_export_csv(data: bytes | str) -> tuple[dict[str, str], pd.DataFrame]:
    """Read a file written by :func:`csv_bytes` back: (metadata, table). Neutralising
    quotes are left in place (see :func:`unneutralise`)."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    lines = text.splitlines(keepends=True)
    meta: dict[str, str] = {}
    n = 0
    while n < len(lines) and lines[n].strip():
        (cell,) = next(csv.reader([lines[n]]))
        key, _, value = cell.removeprefix("# ").partition(": ")
        meta[key] = value
        n += 1
    table = pd.read_csv(io.StringIO("".join(lines[n + 1 :])), keep_default_na=False, na_values=[""])
    return meta, table


def unneutralise(value: Any) -> Any:
    """Undo :func:`neutralise` (for tests and for readers who want the raw text)."""
    if (
        isinstance(value, str)
        and value.startswith("'")
        and value[1:].startswith(INJECTION_PREFIXES)
    ):
        return value[1:]
    return value


def _xlsx_value(v: Any) -> Any:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, str):
        return _XLSX_ILLEGAL.sub("", v)
    if isinstance(v, bool | int | float | date):
        if isinstance(v, datetime) and v.tzinfo is not None:
            return v.isoformat()  # openpyxl cannot store time zones
        return v
    if hasattr(v, "item"):  # numpy scalars
        return _xlsx_value(v.item())
    return _XLSX_ILLEGAL.sub("", neutralise(str(v)))


def _column_values(col: pd.Series) -> list:
    if pd.api.types.is_datetime64_any_dtype(col.dtype):
        return [None if pd.isna(v) else v.to_pydatetime() for v in col]
    return [_xlsx_value(v) for v in col.tolist()]


def xlsx_bytes(
    df: pd.DataFrame, meta: ExportMeta, *, generated_at: datetime | None = None
) -> bytes:
    """An Excel workbook: sheet "data" (the table, header row frozen) and sheet "about"
    (the same key/value metadata as the CSV header block)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    table = safe_table(df)
    wb = Workbook(write_only=True)
    bold = Font(bold=True)

    ws = wb.create_sheet("data")
    ws.freeze_panes = "A2"
    header = []
    for name in table.columns:
        cell = WriteOnlyCell(ws, value=_xlsx_value(name))
        cell.font = bold
        header.append(cell)
    ws.append(header)
    columns = [_column_values(table.iloc[:, i]) for i in range(table.shape[1])]
    for row in zip(*columns, strict=True):
        ws.append(row)

    about = wb.create_sheet("about")
    about.column_dimensions["A"].width = 18
    about.column_dimensions["B"].width = 100
    head = []
    for text in ("field", "value"):
        cell = WriteOnlyCell(about, value=text)
        cell.font = bold
        head.append(cell)
    about.append(head)
    for key, value in metadata_rows(meta, generated_at=generated_at, rows=len(table)):
        about.append([_xlsx_value(key), _xlsx_value(value)])

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --------------------------------------------------------------------------- file names

_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10))} | {
    f"lpt{i}" for i in range(10)
}


def file_stem(meta: ExportMeta, *, max_length: int = 80) -> str:
    """A safe, lower-case ASCII file name stem from the title: ``us-imports-of-cotton``."""
    # Accents come off (é -> e); any other non-ASCII character (dashes, arrows) separates.
    chars = unicodedata.normalize("NFKD", meta.title.lower())
    text = "".join(c for c in chars if unicodedata.category(c) != "Mn")
    stem = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    stem = stem[:max_length].rstrip("-")
    if not stem:
        stem = re.sub(r"[^a-z0-9]+", "-", theme.PROJECT_NAME.lower()).strip("-") + "-export"
    if stem in _WINDOWS_RESERVED:
        stem += "-export"
    return stem


def file_name(meta: ExportMeta, fmt: str) -> str:
    return f"{file_stem(meta)}.{EXPORT_FORMATS[fmt].fmt}"


# --------------------------------------------------------------------------- figures

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


# --------------------------------------------------------------------------- kaleido


def browser_path() -> str | None:
    """The Chromium that kaleido drives: $BROWSER_PATH, else Debian's /usr/bin/chromium,
    else a chromium/chrome on PATH; None lets kaleido/choreographer search."""
    env = os.environ.get("BROWSER_PATH")
    if env:
        return env
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _kaleido_class(defer_tab_reload: bool):
    """kaleido.Kaleido, or a subclass that reloads the used tab after handing back the
    bytes instead of before (kaleido 1.5 reloads inside the render call, ~0.2 s). The next
    render still waits for the reloaded tab, so nothing overlaps inside the browser."""
    import kaleido  # imported lazily: only exports need it

    base = kaleido.Kaleido
    original = getattr(base, "_return_kaleido_tab", None)
    if not defer_tab_reload or not inspect.iscoroutinefunction(original):
        return base

    class DeferredReloadKaleido(base):
        async def _return_kaleido_tab(self, tab) -> None:
            async def reload_and_return() -> None:
                try:
                    await original(self, tab)
                except Exception:  # noqa: BLE001 the tab is lost; a timeout restarts us
                    pass

            task = asyncio.create_task(reload_and_return())
            self._reloads = getattr(self, "_reloads", set())
            self._reloads.add(task)  # keep a reference until done
            task.add_done_callback(self._reloads.discard)

    return DeferredReloadKaleido


class KaleidoServer:
    """One warm kaleido (headless Chromium) for the whole process.

    kaleido 1.x renders through a Chromium driven over a pipe; starting it takes ~2-3 s,
    a render on a warm one a fraction of a second. The server lives on a private
    asyncio event loop in a daemon thread (so it never clashes with the caller's loop,
    e.g. Streamlit's) and is started lazily by the first render. A lock serialises
    start/restart and renders (one tab). If the browser process has died, or a render
    failed because it died, it is restarted once and the render retried.

    With ``defer_tab_reload`` (default) the tab kaleido reloads after every render is
    reloaded after the bytes are returned, not before: a click gets its file ~0.2 s
    sooner (see _kaleido_class; relies on kaleido 1.5's ``_return_kaleido_tab``, and
    falls back to plain kaleido if that method is gone).

    kaleido's own ``start_sync_server`` is not used: it has no liveness check, blocks
    forever if the browser fails to start, and is not safe to call from several
    threads at once (results are matched to callers by queue order).
    """

    def __init__(
        self,
        *,
        path: str | None = None,
        render_timeout: float = 30.0,
        start_timeout: float = 60.0,
        defer_tab_reload: bool = True,
    ) -> None:
        self._path = path
        self._defer_tab_reload = defer_tab_reload
        self._render_timeout = render_timeout
        self._start_timeout = start_timeout
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._atexit = False
        self.starts = 0  # browsers started by this manager
        self.renders = 0  # successful renders

    # ---- state
    def is_alive(self) -> bool:
        k = self._kaleido
        return (
            k is not None
            and self._thread is not None
            and self._thread.is_alive()
            and getattr(k, "subprocess", None) is not None
            and k.subprocess.poll() is None
        )

    @property
    def pid(self) -> int | None:
        """Process id of the browser wrapper process, while running."""
        return self._kaleido.subprocess.pid if self.is_alive() else None

    # ---- lifecycle (call with the lock held)
    def _start(self) -> None:
        kaleido_class = _kaleido_class(self._defer_tab_reload)
        path = self._path or browser_path()
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="kaleido-server", daemon=True)
        thread.start()

        async def open_browser():
            # mathjax=False: kaleido would otherwise load MathJax from a CDN; plotly.js
            # comes from the installed plotly package either way (no network needed).
            k = kaleido_class(n=1, timeout=self._render_timeout, mathjax=False, path=path)
            await k.open()
            return k

        fut = asyncio.run_coroutine_threadsafe(open_browser(), loop)
        try:
            k = fut.result(timeout=self._start_timeout)
        except BaseException:
            fut.cancel()
            self._stop_loop(loop, thread)
            raise
        self._loop, self._thread, self._kaleido = loop, thread, k
        self.starts += 1
        if not self._atexit:
            atexit.register(self.shutdown)
            self._atexit = True

    @staticmethod
    def _stop_loop(loop: asyncio.AbstractEventLoop, thread: threading.Thread) -> None:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        if not thread.is_alive():
            loop.close()

    def _stop(self) -> None:
        k, loop, thread = self._kaleido, self._loop, self._thread
        self._kaleido = self._loop = self._thread = None
        if loop is None or thread is None:
            return
        if k is not None and thread.is_alive():
            try:
                asyncio.run_coroutine_threadsafe(k.close(), loop).result(timeout=15)
            except Exception:  # noqa: BLE001 best effort: kill what is left below
                pass
        if k is not None and getattr(k, "subprocess", None) is not None:
            if k.subprocess.poll() is None:
                k.subprocess.kill()
        self._stop_loop(loop, thread)

    def shutdown(self) -> None:
        """Close the browser (also registered with atexit)."""
        with self._lock:
            self._stop()

    def ensure_started(self) -> None:
        with self._lock:
            if not self.is_alive():
                self._stop()
                self._start()

    # ---- rendering
    def _render_once(self, fig_dict: dict, opts: dict) -> bytes:
        fut = asyncio.run_coroutine_threadsafe(
            self._kaleido.calc_fig(fig_dict, opts=opts), self._loop
        )
        try:
            return fut.result(timeout=self._render_timeout + 5)
        except TimeoutError:
            fut.cancel()
            self._stop()  # a hung browser: start afresh on the next export
            raise

    def render(self, fig_dict: dict, opts: dict) -> bytes:
        with self._lock:
            if not self.is_alive():
                self._stop()
                self._start()
            try:
                data = self._render_once(fig_dict, opts)
            except TimeoutError:
                raise
            except Exception:
                if self.is_alive():
                    raise
                self._stop()  # the browser died under us: one fresh start, one retry
                self._start()
                data = self._render_once(fig_dict, opts)
            self.renders += 1
            return data


_SERVER = KaleidoServer()


def kaleido_server() -> KaleidoServer:
    """The process-wide server that :func:`figure_bytes` uses by default."""
    return _SERVER


def figure_bytes(fig: go.Figure | dict, fmt: str, *, server: KaleidoServer | None = None) -> bytes:
    """Render a figure (usually from :func:`publication_figure`) to PNG (scale 2), SVG or
    PDF bytes on the warm kaleido server. Size: the figure's width/height, else
    EXPORT_WIDTH x EXPORT_HEIGHT."""
    if fmt not in FIGURE_FORMATS:
        raise ValueError(f"figure format must be one of {FIGURE_FORMATS}, not {fmt!r}")
    fig_dict = fig.to_dict() if hasattr(fig, "to_dict") else dict(fig)
    layout = fig_dict.get("layout", {})
    opts = {
        "format": fmt,
        "width": layout.get("width") or EXPORT_WIDTH,
        "height": layout.get("height") or EXPORT_HEIGHT,
        "scale": PNG_SCALE if fmt == "png" else 1,
    }
    data = (server or _SERVER).render(fig_dict, opts)
    return data.encode("utf-8") if isinstance(data, str) else data


def export_bytes(
    fmt: str,
    meta: ExportMeta,
    *,
    fig: go.Figure | None = None,
    df: pd.DataFrame | None = None,
) -> bytes:
    """One entry point for download buttons: the stamped figure or the data file."""
    kind = EXPORT_FORMATS[fmt].kind
    if kind == "figure":
        if fig is None:
            raise ValueError(f"{fmt} export needs a figure")
        return figure_bytes(publication_figure(fig, meta), fmt)
    if df is None:
        raise ValueError(f"{fmt} export needs a table")
    return csv_bytes(df, meta) if fmt == "csv" else xlsx_bytes(df, meta)
