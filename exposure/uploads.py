"""Validate a trade association's own import list, and map its HS codes to product groups.

`parse_upload(data, filename, countries)` reads CSV or XLSX bytes and returns
`(valid_lines, messages)`: the rows that passed, and one message per problem with the
row number as in the file (the header is row 1), the column and what is wrong. Rows
with an error are left out; the others still compute. Nothing here reads the disk.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import pandas as pd

MAX_UPLOAD_BYTES = 2_000_000  # 2 MB, as Streamlit counts a megabyte (10^6 bytes)
MAX_ROWS = 20_000
ENCODINGS_TRIED = ("UTF-8", "UTF-8 with BOM", "Windows-1252")

REQUIRED_COLUMNS = ("hs_code", "origin", "annual_value_usd")
OPTIONAL_COLUMNS = ("quantity", "quantity_unit", "supplier")
OUTPUT_COLUMNS = [
    "row",
    "hs_code",
    "origin_iso3",
    "annual_value_usd",
    "quantity",
    "quantity_unit",
    "supplier",
]
# Header spellings accepted for each column (compared lower-case, spaces as underscores).
ALIASES = {
    "hs_code": ("hs_code", "hs", "hts", "hts_code", "hs6", "commodity_code", "code"),
    "origin": ("origin", "origin_iso3", "country", "country_of_origin", "origin_country", "iso3"),
    "annual_value_usd": ("annual_value_usd", "value_usd", "annual_value", "value", "usd"),
    "quantity": ("quantity", "qty"),
    "quantity_unit": ("quantity_unit", "unit", "qty_unit"),
    "supplier": ("supplier", "supplier_name", "vendor"),
}
EXAMPLE_MARKER = "EXAMPLE"

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class UploadMessage:
    """One problem: `row` as numbered in the file (header = 1), None for the whole file."""

    row: int | None
    column: str | None
    problem: str
    severity: str = ERROR


def messages_frame(messages: Iterable[UploadMessage]) -> pd.DataFrame:
    return pd.DataFrame(
        [(m.row, m.column, m.severity, m.problem) for m in messages],
        columns=["row", "column", "severity", "problem"],
    )


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


# --- countries -------------------------------------------------------------------------


def country_key(text: str) -> str:
    """A name or code as looked up: upper case, letters and digits only, so 'Viet Nam',
    'VIETNAM' and 'Vietnam' meet."""
    return re.sub(r"[^A-Z0-9]", "", str(text).upper())


def country_lookup(countries) -> dict[str, str]:
    """ISO3 codes and names (as country_key makes them) -> ISO3.

    `countries`: the warehouse's dim_country (columns iso3, name), a mapping of
    name -> ISO3, or an iterable of ISO3 codes.
    """
    out: dict[str, str] = {}
    if isinstance(countries, pd.DataFrame):
        for r in countries.itertuples(index=False):
            iso3 = str(r.iso3).strip().upper()
            out[country_key(iso3)] = iso3
            name = getattr(r, "name", None)
            if isinstance(name, str) and name.strip():
                out[country_key(name)] = iso3
    elif isinstance(countries, Mapping):
        for name, iso3 in countries.items():
            out[country_key(iso3)] = str(iso3).strip().upper()
            out[country_key(name)] = str(iso3).strip().upper()
    else:
        for iso3 in countries:
            out[country_key(iso3)] = str(iso3).strip().upper()
    return out


# --- reading the file ------------------------------------------------------------------


def _kind(data: bytes, filename: str) -> str:
    name = (filename or "").lower()
    if name.endswith(".xls"):
        return "xls"
    if data[:4] == b"PK\x03\x04" or name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    return "csv"


def _read_csv(data: bytes) -> tuple[list[tuple[int, list]], list[UploadMessage]]:
    notes: list[UploadMessage] = []
    try:
        text = data.decode("utf-8-sig")  # UTF-8, with or without a byte-order mark
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        where = f"byte 0x{data[exc.start]:02X} on line {line}"
        if b"\x00" in data:
            return [], [UploadMessage(None, None, "The file is not text: upload a CSV or .xlsx.")]
        try:
            # Excel's plain "CSV" on Windows writes Windows-1252: read it, and say so.
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return [], [
                UploadMessage(
                    None,
                    None,
                    f"The file is not UTF-8 text (tried {', '.join(ENCODINGS_TRIED)}): {where} "
                    "can't be read. Save it as 'CSV UTF-8 (comma delimited)' and upload it "
                    "again.",
                )
            ]
        notes.append(
            UploadMessage(
                None,
                None,
                f"The file is not UTF-8 ({where}): it was read as Windows-1252, the encoding "
                "of Excel's plain 'CSV' on Windows. Check names with accents; saving as 'CSV "
                "UTF-8 (comma delimited)' avoids the guess.",
                WARNING,
            )
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    records: list[tuple[int, list]] = []
    start = 1
    try:
        for cells in reader:
            records.append((start, cells))
            start = reader.line_num + 1
            if len(records) > MAX_ROWS + 1:
                break
    except csv.Error as exc:
        return records, notes + [UploadMessage(start, None, f"The CSV can't be read here: {exc}")]
    return records, notes


def _delimiter(text: str) -> str:
    """The delimiter that splits the header (the first non-blank line) into the most
    known column names: Excel writes ';' where the decimal mark is a comma. csv.Sniffer
    alone guesses wrong on short files with Windows line ends and blank lines."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    known = {alias for aliases in ALIASES.values() for alias in aliases}

    def names(d: str) -> int:
        return sum(_normalise_header(c.strip('"')) in known for c in header.split(d))

    best = max(",;\t", key=names)
    if names(best):
        return best
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
    except csv.Error:
        return ","


def _read_xlsx(data: bytes) -> tuple[list[tuple[int, list]], list[UploadMessage]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # zipfile, XML and openpyxl's own errors for broken parts
        return [], [
            UploadMessage(
                None,
                None,
                f"The Excel file can't be opened ({type(exc).__name__}): it may be damaged or "
                "not an .xlsx workbook. Save it again as .xlsx or CSV UTF-8.",
            )
        ]
    try:
        ws = wb.worksheets[0]
        records = []
        for number, cells in enumerate(ws.iter_rows(values_only=True), start=1):
            records.append((number, list(cells)))
            if len(records) > MAX_ROWS + 1:
                break
    except Exception as exc:
        return [], [
            UploadMessage(None, None, f"The Excel sheet can't be read ({type(exc).__name__}).")
        ]
    finally:
        wb.close()
    return records, []


def _blank(cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _normalise_header(cell) -> str:
    """'Annual value (USD)' -> 'annual_value_usd', 'HS-code' -> 'hs_code'."""
    return re.sub(r"[^a-z0-9]+", "_", str(cell or "").strip().lower()).strip("_")


def _map_header(header: list) -> tuple[dict[str, int], list[UploadMessage]]:
    index: dict[str, int] = {}
    messages: list[UploadMessage] = []
    lookup = {alias: col for col, aliases in ALIASES.items() for alias in aliases}
    for i, cell in enumerate(header):
        col = lookup.get(_normalise_header(cell))
        if col is None:
            if not _blank(cell):
                messages.append(
                    UploadMessage(1, str(cell), "column not used by the model: ignored", WARNING)
                )
            continue
        if col in index:
            messages.append(
                UploadMessage(1, str(cell), f"a second column for '{col}': only the first is used")
            )
            continue
        index[col] = i
    return index, messages


# --- cell parsers ----------------------------------------------------------------------


def parse_hs_code(cell) -> tuple[str | None, str | None, str | None]:
    """(code as text, error, warning). Keeps leading zeros; strips dots and spaces."""
    if _blank(cell):
        return None, "HS code is empty", None
    warning = None
    if isinstance(cell, bool):
        return None, f"HS code {cell!r} is not a number code", None
    if isinstance(cell, (int, float)):
        if isinstance(cell, float) and (not math.isfinite(cell) or not cell.is_integer()):
            return None, f"HS code {cell!r} is not a whole number", None
        text = str(int(cell))
        warning = "HS code stored as a number in Excel; format the column as text"
    else:
        text = re.sub(r"[\s.]", "", str(cell))
    if not text.isdigit() or not text.isascii():
        return None, f"HS code {str(cell)!r} must contain digits only (2 to 10)", None
    if len(text) % 2 == 1 and len(text) < 10:
        padded = "0" + text
        note = f"HS code {text!r} has an odd number of digits: read as {padded!r} (leading zero)"
        warning = f"{warning}; {note}" if warning else note
        text = padded
    if not 2 <= len(text) <= 10:
        return None, f"HS code {str(cell)!r} must have 2 to 10 digits, it has {len(text)}", None
    return text, None, warning


# '1.234' or '12.345.678': US cents to the tenth of a cent, or European thousands?
_DOT_THOUSANDS = re.compile(r"^\$?\d{1,3}(\.\d{3})+$")
_THOUSANDS = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")


def parse_amount(cell) -> tuple[float | None, str | None]:
    """(non-negative number, error)."""
    if _blank(cell):
        return None, "empty"
    if isinstance(cell, bool):
        return None, f"{cell!r} is not a number"
    if isinstance(cell, (int, float)):
        value = float(cell)
    else:
        text = str(cell).strip().replace("US$", "").replace("$", "").replace(" ", "")
        if _THOUSANDS.match(text):
            text = text.replace(",", "")
        try:
            value = float(text)
        except ValueError:
            return None, f"{str(cell)!r} is not a number"
    if not math.isfinite(value):
        return None, f"{str(cell)!r} is not a finite number"
    if value < 0:
        return None, f"{str(cell)!r} is negative"
    return value, None


def parse_upload(data: bytes, filename: str, countries) -> tuple[pd.DataFrame, list[UploadMessage]]:
    """Validate an uploaded import list. Returns (valid lines, messages).

    Valid lines have OUTPUT_COLUMNS: row (as numbered in the file), hs_code (text),
    origin_iso3, annual_value_usd (>= 0), quantity (>= 0 or NaN), quantity_unit, supplier.
    """
    empty = pd.DataFrame({c: pd.Series(dtype="object") for c in OUTPUT_COLUMNS})
    if len(data) > MAX_UPLOAD_BYTES:
        return empty, [
            UploadMessage(
                None,
                None,
                f"The file is {len(data) / 1e6:.1f} MB; the limit is "
                f"{MAX_UPLOAD_BYTES / 1e6:.0f} MB. Split it into smaller files.",
            )
        ]
    if not data or not data.strip():
        return empty, [UploadMessage(None, None, "The file is empty.")]
    kind = _kind(data, filename)
    if kind == "xls":
        return empty, [
            UploadMessage(
                None, None, "Old Excel .xls files are not read: save as .xlsx or CSV UTF-8."
            )
        ]
    records, messages = _read_xlsx(data) if kind == "xlsx" else _read_csv(data)
    if messages and not records:
        return empty, messages
    records = [(n, cells) for n, cells in records if not all(_blank(c) for c in cells)]
    if not records:
        return empty, messages + [UploadMessage(None, None, "The file has no rows.")]
    header_row, header = records[0]
    index, header_messages = _map_header(header)
    messages += [
        UploadMessage(header_row, m.column, m.problem, m.severity) for m in header_messages
    ]
    missing = [c for c in REQUIRED_COLUMNS if c not in index]
    if missing:
        found = ", ".join(str(c) for c in header if not _blank(c)) or "none"
        messages.append(
            UploadMessage(
                header_row,
                ", ".join(missing),
                f"missing required column(s): {', '.join(missing)} (columns found: {found}). "
                "Download the template for the expected layout.",
            )
        )
        return empty, messages
    body = records[1:]
    if len(body) > MAX_ROWS:
        messages.append(
            UploadMessage(
                None,
                None,
                f"More than {MAX_ROWS:,} rows: only the first {MAX_ROWS:,} were read.",
                WARNING,
            )
        )
        body = body[:MAX_ROWS]
    if not body:
        messages.append(UploadMessage(None, None, "The file has a header but no data rows."))
        return empty, messages

    known = country_lookup(countries)
    valid = []
    for number, cells in body:

        def cell(col, cells=cells):
            i = index.get(col)
            return cells[i] if i is not None and i < len(cells) else None

        supplier = "" if _blank(cell("supplier")) else str(cell("supplier")).strip()
        if supplier.upper().startswith(EXAMPLE_MARKER):
            messages.append(
                UploadMessage(number, "supplier", "example row from the template: skipped", WARNING)
            )
            continue
        row_errors = []
        code, error, warning = parse_hs_code(cell("hs_code"))
        if error:
            row_errors.append(UploadMessage(number, "hs_code", error))
        if warning:
            messages.append(UploadMessage(number, "hs_code", warning, WARNING))

        origin_cell = cell("origin")
        iso3 = None
        if _blank(origin_cell):
            row_errors.append(UploadMessage(number, "origin", "country of origin is empty"))
        else:
            iso3 = known.get(country_key(origin_cell))
            if iso3 is None:
                row_errors.append(
                    UploadMessage(
                        number,
                        "origin",
                        f"unknown country {str(origin_cell).strip()!r}: use an ISO3 code "
                        "(e.g. CHN, VNM) or the country's English name (e.g. China, Viet Nam)",
                    )
                )

        written = cell("annual_value_usd")
        value, error = parse_amount(written)
        if error:
            row_errors.append(
                UploadMessage(number, "annual_value_usd", f"annual value (USD): {error}")
            )
        elif isinstance(written, str) and _DOT_THOUSANDS.match(written.strip()):
            messages.append(
                UploadMessage(
                    number,
                    "annual_value_usd",
                    f"{written.strip()!r} was read as {value:g} dollars; if the "
                    "dot separates thousands (as in many European files), write the number "
                    "without separators",
                    WARNING,
                )
            )

        quantity = math.nan
        if not _blank(cell("quantity")):
            q, error = parse_amount(cell("quantity"))
            if error:
                messages.append(
                    UploadMessage(number, "quantity", f"quantity {error}: left blank", WARNING)
                )
            else:
                quantity = q
        if row_errors:
            messages += row_errors
            continue
        unit = cell("quantity_unit")
        valid.append(
            {
                "row": number,
                "hs_code": code,
                "origin_iso3": iso3,
                "annual_value_usd": value,
                "quantity": quantity,
                "quantity_unit": "" if _blank(unit) else str(unit).strip(),
                "supplier": supplier,
            }
        )
    if not valid:
        messages.append(UploadMessage(None, None, "No valid rows: see the messages in the checks."))
        return empty, messages
    out = pd.DataFrame(valid, columns=OUTPUT_COLUMNS)
    out["hs_code"] = out["hs_code"].astype(object)
    return out, messages


# --- HS code -> product group ------------------------------------------------------------

# Prefixes the warehouse rules (etl/seeds/product_group_rules.csv, rules 1, 2 and 5) map
# whole, with no condition on the description: every code under them is in the group.
WHOLE_PREFIXES = {
    "0702": "fresh_tomatoes",
    "2002": "tomato_paste_preserved",
    "52": "cotton_fibre_yarn_fabric",
}
# Chapters where the rules give every HS6 line a group (rule 9 takes the rest of 50-63).
# Elsewhere (07, 12, 20, 21) only the tomato and seed lines are in the table.
FULLY_MAPPED_CHAPTERS = frozenset(str(c) for c in range(50, 64))
# 10-digit US statistical lines under HS 120991: only this one is tomato seed.
TOMATO_SEED_HTS10 = "1209918070"

MAPPING_COLUMNS = [
    "hs_code",
    "hs6",
    "product_group",
    "mapping_status",
    "mapping_note",
    "covered_content_override",
]


def map_hs_codes(codes: Iterable[str], dim_product_group: pd.DataFrame) -> pd.DataFrame:
    """Map HS codes (text, 2-10 digits) to the warehouse's product groups.

    mapping_status: "mapped", "not covered" (outside the covered products: exposure 0)
    or "unmapped" (covered products may be under the code but its group can't be told:
    exposure unknown). 8- and 10-digit codes use their first 6 digits; 2- and 4-digit
    codes map only where everything under them is in one group.
    """
    table = dict(
        zip(
            dim_product_group["hs_code"].astype(str),
            dim_product_group["product_group"].astype(str),
            strict=True,
        )
    )
    rows = [_map_one(str(code), table) for code in codes]
    return pd.DataFrame(rows, columns=MAPPING_COLUMNS)


def _whole_prefix(code: str) -> tuple[str, str] | None:
    for prefix, group in WHOLE_PREFIXES.items():
        if code.startswith(prefix):
            return prefix, group
    return None


def _map_one(code: str, table: dict[str, str]) -> dict:
    row = {
        "hs_code": code,
        "hs6": code[:6] if len(code) >= 6 else None,
        "product_group": None,
        "mapping_status": "not covered",
        "mapping_note": "",
        "covered_content_override": math.nan,
    }
    chapter = code[:2]
    if len(code) >= 6:
        hs6 = code[:6]
        via = f"first 6 digits of {code}: " if len(code) > 6 else ""
        if hs6 in table:
            row.update(
                product_group=table[hs6],
                mapping_status="mapped",
                mapping_note=f"{via}HS6 {hs6} is in the warehouse product-group table",
            )
            if hs6 == TOMATO_SEED_HTS10[:6] and len(code) == 10:
                if code == TOMATO_SEED_HTS10:
                    row.update(
                        covered_content_override=1.0,
                        mapping_note=f"HTS {code} is tomato seed: the whole line counts",
                    )
                else:
                    row.update(
                        product_group=None,
                        mapping_status="not covered",
                        mapping_note=f"HTS {code} is a vegetable seed other than tomato "
                        f"({TOMATO_SEED_HTS10} is tomato seed)",
                    )
            return row
        whole = _whole_prefix(hs6)
        if whole:
            row.update(
                product_group=whole[1],
                mapping_status="mapped",
                mapping_note=f"{via}everything under HS {whole[0]} is {whole[1]} "
                "(etl/seeds/product_group_rules.csv)",
            )
            return row
        if chapter in FULLY_MAPPED_CHAPTERS:
            row.update(
                mapping_status="unmapped",
                mapping_note=f"{via}HS6 {hs6} is not in the warehouse table (not seen in the "
                "trade data): check the code",
            )
            return row
        row["mapping_note"] = (
            f"HS {code} is outside the covered products (HS 50-63, tomatoes, tomato seeds)"
        )
        return row

    whole = _whole_prefix(code)
    if whole:
        row.update(
            product_group=whole[1],
            mapping_status="mapped",
            mapping_note=f"everything under HS {whole[0]} is {whole[1]} "
            "(etl/seeds/product_group_rules.csv)",
        )
        return row
    under = sorted({g for k, g in table.items() if k.startswith(code)})
    if chapter in FULLY_MAPPED_CHAPTERS and len(under) == 1:
        row.update(
            product_group=under[0],
            mapping_status="mapped",
            mapping_note=f"every HS6 line under {code} in the warehouse table is {under[0]}",
        )
        return row
    if under:
        why = (
            f"the lines under it fall in several groups ({', '.join(under)})"
            if len(under) > 1
            else f"only part of chapter {chapter} is a covered product ({under[0]})"
        )
        row.update(
            mapping_status="unmapped",
            mapping_note=f"a {len(code)}-digit code can't be mapped: {why}; give the 6-digit code",
        )
        return row
    row["mapping_note"] = (
        f"HS {code} is outside the covered products (HS 50-63, tomatoes, tomato seeds)"
    )
    return row
