"""Read an uploaded import file (bytes, never a path) into a table of text cells.

CSV: UTF-8 (with or without BOM), UTF-16 with BOM (Excel's 'Unicode Text'), else
Windows-1252 with a warning; ',', ';' or tab separators, found from the header. XLSX: the
sheet asked for, or the first whose header holds the required columns. In both, the
header is the row (among the first few) with the most known column names: rows above it
are left out with a note. Parsing is columnar (pyarrow.csv, fastexcel); nothing loops over
rows in Python. Every record keeps its row number as in the file (the header is row 1
when it is the first line), quoted line breaks and blank lines included.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from exposure.upload_columns import known_names
from exposure.upload_messages import NOTE, WARNING, UploadMessage

HEADER_SEARCH_ROWS = 30  # the header is looked for among this many first rows
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}
ENCODINGS_TRIED = ("UTF-8", "UTF-8 with BOM", "UTF-16 with BOM", "Windows-1252")
CHUNK = 1 << 25  # bytes scanned at a time (bounds the scan's temporary arrays)


@dataclass(frozen=True)
class Limits:
    """How large an upload may be. MODELLER_MAX_UPLOAD_MB and MODELLER_MAX_ROWS in the
    environment change the defaults (a megabyte is 10^6 bytes, as Streamlit counts)."""

    max_bytes: int = 200_000_000
    max_rows: int = 1_000_000

    @classmethod
    def from_env(cls) -> Limits:
        mb = os.environ.get("MODELLER_MAX_UPLOAD_MB")
        rows = os.environ.get("MODELLER_MAX_ROWS")
        return cls(
            max_bytes=int(float(mb) * 1_000_000) if mb else cls.max_bytes,
            max_rows=int(rows) if rows else cls.max_rows,
        )

    @property
    def megabytes(self) -> float:
        return self.max_bytes / 1e6

    @property
    def size(self) -> str:
        """The byte limit in words ('200 MB')."""
        mb = self.megabytes
        return f"{mb:,.0f} MB" if mb >= 1 else f"{mb:g} MB"


class UnreadableFile(Exception):
    """The file can't be read at all; `messages` say why."""

    def __init__(self, *messages: UploadMessage):
        super().__init__(messages[0].problem if messages else "unreadable")
        self.messages = list(messages)


@dataclass
class RawTable:
    """An uploaded table as text: one column per header cell, None for a blank cell."""

    kind: str  # "csv" or "xlsx"
    header: list[str]
    header_row: int
    cells: pa.Table  # columns c0, c1, ... (strings)
    rows: np.ndarray  # each record's row number in the file
    numbers: pa.Table | None = None  # xlsx: True where Excel stored the cell as a number
    delimiter: str | None = None
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    notes: list[UploadMessage] = field(default_factory=list)


def file_kind(data: bytes, filename: str) -> str:
    name = (filename or "").lower()
    if name.endswith(".xls"):
        return "xls"
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    return "csv"


def read_raw(
    data: bytes, filename: str, sheet: str | None = None, limits: Limits | None = None
) -> RawTable:
    """The file's table as text cells, or UnreadableFile with the reason."""
    limits = limits or Limits.from_env()
    if len(data) > limits.max_bytes:
        raise UnreadableFile(
            UploadMessage(
                None,
                None,
                f"The file is {len(data) / 1e6:,.1f} MB; the limit is {limits.size}. Split it "
                "into smaller files.",
            )
        )
    if not data or data.isspace():  # isspace scans without copying 200 MB
        raise UnreadableFile(UploadMessage(None, None, "The file is empty."))
    kind = file_kind(data, filename)
    if kind == "xls":
        raise UnreadableFile(
            UploadMessage(
                None, None, "Old Excel .xls files are not read: save as .xlsx or CSV UTF-8."
            )
        )
    if kind == "xlsx":
        from exposure.upload_xlsx import read_xlsx

        return read_xlsx(data, sheet)
    return read_csv(data)


# --- CSV ----------------------------------------------------------------------------------


def read_csv(data: bytes) -> RawTable:
    text, notes = utf8(data)
    if b"\n" not in text and b"\r" in text:
        text = text.replace(b"\r", b"\n")  # classic Mac line ends
    sample = text[: 1 << 16].decode("utf-8", errors="replace").split("\n")
    header_line, delimiter, header = find_header(sample)
    start = sum(len(line.encode("utf-8")) + 1 for line in sample[:header_line])
    above = [
        " ".join(next(csv.reader([line], delimiter=delimiter), [])) for line in sample[:header_line]
    ]
    notes += above_header(above, header_line + 1)
    if delimiter != ",":
        notes.append(
            UploadMessage(None, None, f"Columns are separated by {DELIMITERS[delimiter]}s.", NOTE)
        )
    body = pa.py_buffer(text).slice(start)
    names = [f"c{i}" for i in range(len(header))]
    invalid: list[tuple[int, str]] = []

    def ragged(row) -> str:
        invalid.append((row.number, row.text))
        return "skip"

    try:
        cells = _parse(body, names, delimiter, ragged, threads=True)
        if invalid:  # pyarrow numbers the rows it skips only when reading on one thread
            invalid.clear()
            cells = _parse(body, names, delimiter, ragged, threads=False)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
        raise UnreadableFile(
            UploadMessage(None, None, f"The CSV can't be read: {str(exc).splitlines()[0]}")
        ) from None
    lines = record_lines(np.frombuffer(body, dtype=np.uint8), header_line + 1)[1:]
    cells, rows, problems = _mend_ragged(cells, lines, invalid, delimiter, header_line)
    return RawTable(
        "csv", header, header_line + 1, cells, rows, delimiter=delimiter, notes=notes + problems
    )


def _parse(body, names: list[str], delimiter: str, ragged, threads: bool) -> pa.Table:
    """Every cell as text (NULL when empty), rows of another width to `ragged`."""
    return pacsv.read_csv(
        pa.BufferReader(body),
        read_options=pacsv.ReadOptions(
            column_names=names, skip_rows=1, use_threads=threads, block_size=1 << 24
        ),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, invalid_row_handler=ragged
        ),
        convert_options=pacsv.ConvertOptions(
            column_types=dict.fromkeys(names, pa.string()),
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=True,
        ),
    )


def utf8(data: bytes) -> tuple[bytes, list[UploadMessage]]:
    """The file as UTF-8 bytes, and what was guessed to get there."""
    if data.startswith(codecs.BOM_UTF8):
        return data[3:], []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise UnreadableFile(
                UploadMessage(None, None, f"The UTF-16 file can't be read ({exc.reason}).")
            ) from None
        note = "The file is UTF-16 text (Excel's 'Unicode Text'): read as such."
        return text.encode("utf-8"), [UploadMessage(None, None, note, NOTE)]
    if data.isascii() and b"\x00" not in data:
        return data, []
    if b"\x00" in data:
        raise UnreadableFile(
            UploadMessage(None, None, "The file is not text: upload a CSV or .xlsx.")
        )
    bad = first_non_utf8(data)
    if bad is None:
        return data, []
    line = data[:bad].count(b"\n") + 1
    where = f"byte 0x{data[bad]:02X} on line {line}"
    try:
        # Excel's plain "CSV" on Windows writes Windows-1252: read it, and say so.
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise UnreadableFile(
            UploadMessage(
                None,
                None,
                f"The file is not UTF-8 text (tried {', '.join(ENCODINGS_TRIED)}): {where} "
                "can't be read. Save it as 'CSV UTF-8 (comma delimited)' and upload it again.",
            )
        ) from None
    note = (
        f"The file is not UTF-8 ({where}): it was read as Windows-1252, the encoding of "
        "Excel's plain 'CSV' on Windows. Check names with accents; saving as 'CSV UTF-8 "
        "(comma delimited)' avoids the guess."
    )
    return text.encode("utf-8"), [UploadMessage(None, None, note, WARNING)]


def first_non_utf8(data: bytes) -> int | None:
    """Offset of the first byte that is not UTF-8, decoding a chunk at a time."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for offset in range(0, len(data), CHUNK):
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(view[offset : offset + CHUNK], final=offset + CHUNK >= len(data))
        except UnicodeDecodeError as exc:
            return offset - pending + exc.start
    return None


def find_header(lines: list[str]) -> tuple[int, str, list[str]]:
    """(line index, delimiter, cells) of the header: among the first lines, the one a
    delimiter splits into the most known column names. Excel writes ';' where the decimal
    mark is a comma."""
    best = (0, -1, ",", [])
    candidates = [i for i, line in enumerate(lines[:HEADER_SEARCH_ROWS]) if line.strip()]
    for i in candidates:
        for d in DELIMITERS:
            cells = next(csv.reader([lines[i].rstrip("\r")], delimiter=d), [])
            score = known_names(cells)
            if score > best[1] or (score == best[1] == 0 and i == candidates[0]):
                best = (i, score, d, cells)
    line, score, delimiter, cells = best
    if score <= 0 and candidates:
        first = lines[candidates[0]]
        try:
            delimiter = csv.Sniffer().sniff(first, delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
        cells = next(csv.reader([first.rstrip("\r")], delimiter=delimiter), [])
    return line, delimiter, [c.strip() for c in cells]


def above_header(lines: list, header_row: int) -> list[UploadMessage]:
    """A note on the rows above the header (report titles, run dates), left out."""
    written = [str(c).strip() for c in lines if c is not None and str(c).strip()]
    if not written:
        return []
    shown = "; ".join(repr(w[:60]) for w in written[:3])
    return [
        UploadMessage(
            None,
            None,
            f"The header is row {header_row}; the {len(written)} non-blank row(s) above it "
            f"({shown}) are not lines and were left out.",
            NOTE,
        )
    ]


def record_lines(raw: np.ndarray, first_line: int) -> np.ndarray:
    """The line number of each non-empty CSV record in `raw`, where `raw` starts at line
    `first_line`. A line break inside double quotes does not end a record."""
    breaks = _positions(raw, ord("\n"))
    quotes = _positions(raw, ord('"'))
    ends = breaks[np.searchsorted(quotes, breaks) % 2 == 0] if len(quotes) else breaks
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(raw)]))
    length = stops - starts
    carriage = (length > 0) & (raw[np.clip(stops - 1, 0, max(len(raw) - 1, 0))] == 13)
    nonempty = (length - carriage) > 0
    return (first_line + np.searchsorted(breaks, starts))[nonempty]


def _positions(raw: np.ndarray, byte: int) -> np.ndarray:
    parts = [
        np.flatnonzero(raw[i : i + CHUNK] == byte).astype(np.int64) + i
        for i in range(0, len(raw), CHUNK)
    ]
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


def _mend_ragged(
    cells: pa.Table, lines: np.ndarray, invalid: list, delimiter: str, header_at: int
) -> tuple[pa.Table, np.ndarray, list[UploadMessage]]:
    """The parsed records with their row numbers, and the records pyarrow skipped for
    having another number of cells than the header put back: short ones padded with
    blanks, long ones cut (with a warning when the cut cells hold something).

    pyarrow numbers records from 1 at the header, blank lines not counted."""
    width = cells.num_columns
    skipped = np.array([n - 2 if n is not None else -1 for n, _ in invalid], dtype=np.int64)
    if len(lines) != cells.num_rows + len(invalid) or (skipped < 0).any():
        rows = np.arange(cells.num_rows, dtype=np.int64) + header_at + 2
        note = (
            "Row numbers count records after the header (the file's quotes could not be "
            "matched to its lines)."
        )
        return cells, rows, [UploadMessage(None, None, note, NOTE)]
    keep = np.ones(len(lines), dtype=bool)
    keep[skipped] = False
    rows = lines[keep]
    if not invalid:
        return cells, rows, []
    mended, problems = [], []
    for (_, text), row in zip(invalid, lines[skipped], strict=True):
        values = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
        extra = [v for v in values[width:] if v.strip()]
        if extra:
            problems.append(
                UploadMessage(
                    int(row),
                    None,
                    f"the row has {len(values)} cells where the header has {width}: the "
                    f"cells after the {width}th ({', '.join(map(repr, extra[:3]))}) are ignored",
                    WARNING,
                )
            )
        values = (values + [None] * width)[:width]
        mended.append([v if v not in ("", None) else None for v in values])
    extra_table = pa.table(
        {
            name: pa.array([m[i] for m in mended], pa.string())
            for i, name in enumerate(cells.column_names)
        }
    )
    cells = pa.concat_tables([cells, extra_table])
    rows = np.concatenate([rows, lines[skipped]])
    order = np.argsort(rows, kind="stable")
    return cells.take(order), rows[order], problems
