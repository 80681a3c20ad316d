"""A trade association's own import file, read and checked: the entry points.

`check_upload(data, filename, countries)` reads CSV or XLSX bytes (exposure.upload_read),
checks every row (exposure.upload_validate) and returns an `Upload`: the valid lines, one
message per problem with the row number as in the file, and what was read from where.
`parse_upload` returns just `(valid_lines, messages)`. Nothing here reads or writes the
disk, and nothing is logged: the bytes stay in the caller's memory.
"""

from __future__ import annotations

import csv
import io

import pandas as pd

from exposure.upload_columns import OPTIONAL_COLUMNS, REQUIRED_COLUMNS
from exposure.upload_messages import ERROR, NOTE, WARNING, UploadMessage, messages_frame
from exposure.upload_read import Limits, UnreadableFile, read_raw
from exposure.upload_rules import EXAMPLE_MARKER
from exposure.upload_validate import OUTPUT_COLUMNS, Upload, empty_lines, validate

MAX_UPLOAD_BYTES = Limits().max_bytes
MAX_ROWS = Limits().max_rows

__all__ = [
    "ERROR",
    "MAX_ROWS",
    "MAX_UPLOAD_BYTES",
    "NOTE",
    "OPTIONAL_COLUMNS",
    "OUTPUT_COLUMNS",
    "REQUIRED_COLUMNS",
    "WARNING",
    "Limits",
    "Upload",
    "UploadMessage",
    "check_upload",
    "messages_frame",
    "parse_upload",
    "template_csv",
]


def check_upload(
    data: bytes,
    filename: str,
    countries,
    *,
    sheet: str | None = None,
    columns: dict[str, int] | None = None,
    limits: Limits | None = None,
) -> Upload:
    """Read and check an uploaded file. `sheet` picks an XLSX sheet, `columns` (model
    column -> header index) replaces the header matching."""
    try:
        raw = read_raw(data, filename, sheet, limits)
    except UnreadableFile as exc:
        return Upload(empty_lines(), exc.messages)
    return validate(raw, countries, columns)


def parse_upload(
    data: bytes, filename: str, countries, **options
) -> tuple[pd.DataFrame, list[UploadMessage]]:
    """(valid lines, messages): see check_upload. Valid lines have OUTPUT_COLUMNS: row (as
    numbered in the file), hs_code (text), origin_iso3, annual_value_usd (>= 0), quantity
    (>= 0 or NaN), quantity_unit, supplier."""
    upload = check_upload(data, filename, countries, **options)
    return upload.lines, upload.messages


def template_csv() -> bytes:
    """A CSV template. Its rows are examples (supplier EXAMPLE) and are skipped on upload."""
    rows = [
        ["hs_code", "origin", "annual_value_usd", "quantity", "quantity_unit", "supplier"],
        ["610910", "CHN", "0", "", "", f"{EXAMPLE_MARKER} - replace with your own lines"],
        ["0702", "MEX", "0", "", "kg", f"{EXAMPLE_MARKER} - keep leading zeros (text)"],
        ["200290", "Vietnam", "0", "", "", f"{EXAMPLE_MARKER} - origin as ISO3 code or name"],
    ]
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8")
