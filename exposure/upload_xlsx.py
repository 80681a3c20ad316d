"""Read an uploaded .xlsx workbook (bytes) into a table of text cells, with fastexcel
(calamine, Arrow columns): the sheet asked for, or the first whose header holds the
required columns; the header among the first rows; row numbers as in the sheet.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from exposure.upload_columns import REQUIRED_COLUMNS, known_names, match_columns
from exposure.upload_messages import ERROR, NOTE, UploadMessage
from exposure.upload_read import HEADER_SEARCH_ROWS, RawTable, UnreadableFile, above_header


def read_xlsx(data: bytes, sheet: str | None = None) -> RawTable:
    import fastexcel

    try:
        reader = fastexcel.read_excel(data)
        names = tuple(reader.sheet_names)
    except Exception as exc:  # calamine's zip and XML errors
        raise UnreadableFile(
            UploadMessage(
                None,
                None,
                f"The Excel file can't be opened ({type(exc).__name__}): it may be damaged or "
                "not an .xlsx workbook. Save it again as .xlsx or CSV UTF-8.",
            )
        ) from None
    if not names:
        raise UnreadableFile(UploadMessage(None, None, "The Excel file has no sheets."))
    order = [sheet] if sheet in names else list(names)
    first = None
    for name in order:
        cells = _sheet_text(reader, name)
        at, header = _xlsx_header(cells)
        if first is None:
            first = (name, cells, at, header)
        if set(REQUIRED_COLUMNS) <= set(match_columns(header)):
            break
    else:
        name, cells, at, header = first
    notes = []
    if len(names) > 1:
        why = "chosen" if sheet in names else "the first with the required columns"
        if sheet not in names and name == first[0] and name != names[0]:
            why = "the first sheet"
        notes.append(UploadMessage(None, None, f"Sheet '{name}' read ({why}).", NOTE))
    above = [
        " ".join(str(v) for v in row if v is not None)
        for row in cells.slice(0, at).to_pylist()
        for row in [list(row.values())]
    ]
    notes += above_header(above, at + 1)
    numbers = _sheet_numbers(reader, name, cells.num_columns)
    body = cells.slice(at + 1)
    body = body.rename_columns([f"c{i}" for i in range(body.num_columns)])
    numbers = numbers.slice(at + 1).rename_columns(body.column_names)
    rows = np.arange(at + 2, at + 2 + body.num_rows, dtype=np.int64)
    return RawTable(
        "xlsx", header, at + 1, body, rows, numbers, sheet=name, sheets=names, notes=notes
    )


def _sheet_text(reader, name: str) -> pa.Table:
    """Every cell as text, from row 1 (skip_rows=0 keeps the blank rows on top)."""
    try:
        sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
        return pa.table(sheet.to_arrow())
    except Exception as exc:
        raise UnreadableFile(
            UploadMessage(
                None, None, f"The Excel sheet '{name}' can't be read ({type(exc).__name__})."
            )
        ) from None


def _sheet_numbers(reader, name: str, width: int) -> pa.Table:
    """True where Excel stored the cell as a number (or a boolean): read as booleans, only
    those cells convert, text cells come back empty."""
    sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="boolean")
    batch = pa.table(sheet.to_arrow())
    return pa.table({c: pc.is_valid(batch.column(c)) for c in batch.column_names[:width]})


def _xlsx_header(cells: pa.Table) -> tuple[int, list[str]]:
    """(index, cells) of the header among the first rows: the most known column names."""
    top = cells.slice(0, HEADER_SEARCH_ROWS).to_pylist()
    rows = [["" if v is None else str(v).strip() for v in r.values()] for r in top]
    scores = [known_names(r) for r in rows]
    if not rows:
        raise UnreadableFile(UploadMessage(None, None, "The sheet has no rows.", ERROR))
    best = max(range(len(rows)), key=lambda i: (scores[i], -i))
    if scores[best] == 0:
        best = next((i for i, r in enumerate(rows) if any(r)), 0)
    header = rows[best]
    while header and not header[-1]:
        header.pop()
    return best, header
