"""The Exposure modeller's input, on the page: the template, the file upload (with its
limits stated, the sheet chooser for workbooks and the column chooser) or the editable
table. Reading and checking are dashboard.modeller_view's.

The uploaded bytes and what is read from them live in this session's state only: never
on disk, never in a cache shared across sessions, never in a log.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd
import streamlit as st

import exposure
from dashboard.modeller_view import (
    cell_text,
    check_file,
    empty_table,
    read_file,
    read_table,
)
from exposure.upload_columns import LABELS, MODEL_COLUMNS, REQUIRED_COLUMNS, match_columns
from exposure.upload_messages import ERROR
from exposure.upload_read import Limits, RawTable

INPUTS = {"upload": "Upload a file", "table": "Type lines in a table"}
NOT_IN_FILE = "(not in the file)"
STATE = "_modeller_file"  # this session's reading of the uploaded file


@dataclass
class Lines:
    """The lines from the chosen input, their messages and where they came from."""

    lines: pd.DataFrame
    messages: pd.DataFrame
    where: str = ""
    left_out: int = 0


def limits() -> Limits:
    return Limits.from_env()


def input_lines(countries: pd.DataFrame) -> Lines:
    st.download_button(
        "Download the template (CSV)",
        data=exposure.template_csv(),
        file_name="import_lines_template.csv",
        mime="text/csv",
        key="modeller_template",
        on_click="ignore",
        icon=":material/download:",
        help="Its three example rows (supplier EXAMPLE, value 0) are skipped on upload.",
    )
    st.caption(
        "Needed: the **HS or HTS code** (2 to 10 digits, kept as text), the **country of "
        "origin** (ISO code or name) and the **value in USD**; quantity, unit and supplier are "
        "optional. Brokers' entry reports and ERP extracts work as they are: columns such as "
        "'HTS Number', 'Country of Origin' and 'Entered Value' are recognised, and you can "
        "change the choice below."
    )
    mode = st.radio(
        "Lines from", list(INPUTS), format_func=INPUTS.get, key="modeller_input", horizontal=True
    )
    return uploaded_lines(countries) if mode == "upload" else typed_lines(countries)


def uploaded_lines(countries: pd.DataFrame) -> Lines:
    lim = limits()
    upload = st.file_uploader(
        f"CSV or Excel .xlsx file, up to {lim.size} and {lim.max_rows:,} lines",
        type=["csv", "txt", "tsv", "xlsx", "xlsm", "xls"],
        key="modeller_upload",
        max_upload_size=max(1, math.ceil(lim.megabytes)),
        help="CSV in UTF-8, UTF-16 or Windows-1252, separated by commas, semicolons or tabs; "
        "European numbers (1.000,50) in semicolon files. The file stays in this browser "
        "session: it is not saved on the server.",
    )
    if upload is None:
        st.session_state.pop(STATE, None)
        return Lines(pd.DataFrame(), pd.DataFrame())
    sheet_key = f"modeller_sheet_{upload.file_id}"
    raw = file_table(upload, lim, st.session_state.get(sheet_key))
    columns = None
    if isinstance(raw, RawTable):
        if len(raw.sheets) > 1:
            st.selectbox(
                "Sheet",
                raw.sheets,
                index=raw.sheets.index(raw.sheet),
                key=sheet_key,
                help="The first sheet with an HS code, an origin and a value column is read "
                "unless you choose another.",
            )
        columns = column_chooser(upload, raw)
    checked = checked_file(upload, raw, countries, columns)
    return Lines(
        checked.lines,
        exposure.messages_frame(checked.messages),
        f"file {upload.name}",
        checked.left_out,
    )


def file_table(upload, lim: Limits, sheet: str | None):
    """Read once per file and sheet; kept in this session's state only."""
    memo = st.session_state.get(STATE)
    key = (upload.file_id, sheet)
    if memo is None or memo["file"] != upload.file_id:
        memo = {"file": upload.file_id, "tables": {}, "checked": {}}
        st.session_state[STATE] = memo
    if key not in memo["tables"]:
        table = read_file(upload.getvalue(), upload.name, sheet, lim)
        memo["tables"] = {key: table}
        if isinstance(table, RawTable):  # the default sheet, once chosen, is the same read
            memo["tables"][(upload.file_id, table.sheet)] = table
    return memo["tables"][key]


def column_chooser(upload, raw: RawTable) -> dict[str, int]:
    """Which column of the file holds what: the matched columns, shown and changeable."""
    found = match_columns(raw.header)
    options = [None, *range(len(raw.header))]

    def name(i):
        if i is None:
            return NOT_IN_FILE
        return raw.header[i] or f"column {i + 1} (no name)"

    missing = [c for c in REQUIRED_COLUMNS if c not in found]
    with st.expander("Columns used from your file", expanded=bool(missing)):
        cols = st.columns(len(MODEL_COLUMNS))
        chosen = {}
        for slot, col in zip(cols, MODEL_COLUMNS, strict=True):
            pick = slot.selectbox(
                LABELS[col] + (" *" if col in REQUIRED_COLUMNS else ""),
                options,
                index=options.index(found.get(col)),
                format_func=name,
                key=f"modeller_column_{col}_{upload.file_id}_{raw.sheet}",
            )
            if pick is not None:
                chosen[col] = pick
        st.caption(
            f"Header found in row {raw.header_row}. * needed. Columns not chosen here are not read."
        )
    return chosen


def checked_file(upload, raw, countries: pd.DataFrame, columns: dict | None):
    """Check once per file, sheet and column choice (this session's state only)."""
    memo = st.session_state.get(STATE, {"checked": {}})
    sheet = raw.sheet if isinstance(raw, RawTable) else None
    key = (upload.file_id, sheet, tuple(sorted((columns or {}).items())))
    if key not in memo.get("checked", {}):
        memo["checked"] = {key: check_file(raw, countries, columns)}
    return memo["checked"][key]


def typed_lines(countries: pd.DataFrame) -> Lines:
    table = st.data_editor(
        empty_table(),
        num_rows="dynamic",
        key="modeller_editor",
        hide_index=True,
        width="stretch",
        column_config={
            "hs_code": st.column_config.TextColumn("hs_code", help="2 to 10 digits"),
            "origin": st.column_config.TextColumn("origin", help="ISO3 code or country name"),
            "annual_value_usd": st.column_config.TextColumn(
                "annual_value_usd", help="US dollars a year, e.g. 1200000 or 1,200,000"
            ),
            "quantity": st.column_config.TextColumn("quantity", help="optional"),
            "quantity_unit": st.column_config.TextColumn("quantity_unit", help="optional"),
            "supplier": st.column_config.TextColumn("supplier", help="optional"),
        },
    )
    # Blank lines are skipped by the validator; the others keep their line numbers.
    if all(not cell_text(v).strip() for v in table.to_numpy().ravel()):
        return Lines(pd.DataFrame(), pd.DataFrame())
    lines, messages = read_table(table, countries)
    errors = messages.loc[messages["severity"] == ERROR, "row"]
    return Lines(lines, messages, "the table above", int(errors.nunique()))
