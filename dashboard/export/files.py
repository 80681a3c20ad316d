"""Data files that carry their own title, filters, source, vintage and units: CSV with a
metadata header block and XLSX with an "about" sheet, written injection-safe; and the
file names and formats of every download.

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

import csv
import io
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from dashboard import theme

# --------------------------------------------------------------------------- formats

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


def _xlsx_cell(value: Any) -> Any:
    """A value openpyxl can store: text without the control characters it refuses,
    time-zone-aware datetimes as ISO text (Excel has no time zones), other objects that
    are not numbers or dates as neutralised text."""
    if isinstance(value, str):
        return _XLSX_ILLEGAL.sub("", value)
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | date):
        return value
    if pd.api.types.is_scalar(value) and pd.isna(value):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return _XLSX_ILLEGAL.sub("", neutralise(str(value)))


def xlsx_table(df: pd.DataFrame) -> pd.DataFrame:
    """:func:`safe_table` as `to_excel` can write it (see _xlsx_cell); numeric, boolean
    and time-zone-naive date columns are left as they are."""
    table = safe_table(df)
    columns = {}
    for i in range(table.shape[1]):
        col = table.iloc[:, i]
        if _is_text_column(col) or isinstance(col.dtype, pd.DatetimeTZDtype):
            col = col.astype(object).map(_xlsx_cell)
        columns[i] = col
    out = pd.DataFrame(columns)
    out.columns = [_xlsx_cell(c) for c in table.columns]
    return out


def xlsx_bytes(
    df: pd.DataFrame,
    meta: ExportMeta,
    *,
    generated_at: datetime | None = None,
    more_sheets: Mapping[str, pd.DataFrame] | None = None,
) -> bytes:
    """An Excel workbook: sheet "data" (the table, header row frozen), sheet "about" (the
    same key/value metadata as the CSV header block), then `more_sheets` in order."""
    table = xlsx_table(df)
    rows = metadata_rows(meta, generated_at=generated_at, rows=len(table))
    about = xlsx_table(pd.DataFrame(rows, columns=["field", "value"]))
    from openpyxl.styles import Font

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="data", index=False, freeze_panes=(1, 0))
        about.to_excel(writer, sheet_name="about", index=False)
        writer.sheets["about"].column_dimensions["A"].width = 18
        writer.sheets["about"].column_dimensions["B"].width = 100
        for name, frame in (more_sheets or {}).items():
            xlsx_table(frame).to_excel(writer, sheet_name=name, index=False)
        for sheet in writer.sheets.values():
            for cell in next(sheet.iter_rows(max_row=1), ()):
                cell.font = Font(bold=True)  # the header row
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
