"""Check an uploaded table cell by cell, in SQL (DuckDB over the Arrow table, in memory),
with one rule per column: how its text becomes a value, and what can be wrong with it.

A row with an error is left out; a warning keeps the row. Each kind of problem lists its
first rows in full and counts the others.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from exposure.countries import origins_to_iso3
from exposure.upload_columns import MODEL_COLUMNS, REQUIRED_COLUMNS, match_columns
from exposure.upload_messages import (
    ERROR,
    NOTE,
    SHOWN_PER_KIND,
    WARNING,
    UploadMessage,
    more_of_a_kind,
)
from exposure.upload_read import DELIMITERS, Limits, RawTable
from exposure.upload_rules import (
    EU_EVIDENCE,
    EXAMPLE_MARKER,
    STRIPPED,
    TOTAL_WORD,
    US_EVIDENCE,
    Check,
    ColumnRule,
    column_rules,
)

OUTPUT_COLUMNS = [
    "row",
    "hs_code",
    "origin_iso3",
    "annual_value_usd",
    "quantity",
    "quantity_unit",
    "supplier",
]


@dataclass
class Upload:
    """A checked upload: the valid lines, the messages, and what was read from where."""

    lines: pd.DataFrame
    messages: list[UploadMessage]
    left_out: int = 0  # rows with an error
    rows_read: int = 0
    header: list[str] = field(default_factory=list)
    columns: dict[str, int] = field(default_factory=dict)  # model column -> header index
    kind: str = ""
    sheet: str | None = None
    sheets: tuple[str, ...] = ()


def empty_lines() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="object") for c in OUTPUT_COLUMNS})


def validate(
    raw: RawTable, countries, columns: dict[str, int] | None = None, limits: Limits | None = None
) -> Upload:
    """Check every row of `raw`. `columns` (model column -> header index, from the page's
    column chooser) replaces the header matching."""
    columns = match_columns(raw.header) if columns is None else dict(columns)
    columns = {c: i for c, i in columns.items() if i is not None and i < raw.cells.num_columns}
    upload = Upload(
        empty_lines(),
        list(raw.notes),
        header=raw.header,
        columns=columns,
        kind=raw.kind,
        sheet=raw.sheet,
        sheets=raw.sheets,
    )
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        found = ", ".join(h for h in raw.header if h) or "none"
        upload.messages.append(
            UploadMessage(
                raw.header_row,
                ", ".join(missing),
                f"missing required column(s): {', '.join(missing)} (columns found: {found}). "
                "Choose the columns on the page, or download the template for the layout.",
            )
        )
        return upload
    con = duckdb.connect()
    try:
        _check(con, raw, columns, countries, upload, limits or Limits.from_env())
    finally:
        con.close()
    upload.messages.sort(key=_order)
    return upload


def _check(con, raw: RawTable, columns: dict, countries, upload: Upload, limits: Limits) -> None:
    """Cells (table t) -> values (v) -> one flag per check (f) -> messages and lines."""
    cols = list(columns)
    _load_cells(con, raw, columns)
    upload.messages += _totals_rows(con, cols) + _row_limit(con, limits)
    upload.rows_read = con.execute("select count(*) from t").fetchall()[0][0]
    if not upload.rows_read:
        upload.messages.append(UploadMessage(None, None, "The file has a header but no data rows."))
        return
    _register_origins(con, countries)
    european, notes = _number_style(con, raw, cols)
    upload.messages += notes
    rules = column_rules(european, raw.kind == "csv" and raw.delimiter == ",")
    valued = [c for c in cols if rules[c].checks]
    con.execute(_values_sql(rules, valued))
    con.execute(_flags_sql(rules, valued, "supplier" in cols))
    for col in valued:
        for check in rules[col].checks:
            upload.messages += _listed(con, col, check)
    if "supplier" in cols:
        skipped = Check(
            "example", WARNING, "", lambda c, v: "example row from the template: skipped"
        )
        upload.messages += _listed(con, "supplier", skipped)
    upload.left_out = con.execute("select count(*) from f where error").fetchall()[0][0]
    upload.lines = _lines(con, cols)
    if upload.lines.empty:
        upload.lines = empty_lines()
        upload.messages.append(
            UploadMessage(None, None, "No valid rows: see the messages in the checks.")
        )


def _load_cells(con, raw: RawTable, columns: dict[str, int]) -> None:
    """Table t: the mapped columns' cells, trimmed (NULL when blank), without blank rows."""
    frame = {"row": pa.array(raw.rows)}
    for col, i in columns.items():
        cells = pc.utf8_trim_whitespace(raw.cells.column(i))
        frame[col] = pc.if_else(pc.equal(cells, ""), None, cells)
        numbers = raw.numbers.column(i) if raw.numbers is not None else None
        frame[f"{col}__num"] = (
            pc.fill_null(numbers, False) if numbers is not None else pa.repeat(False, len(raw.rows))
        )
    table = pa.table(frame)
    filled = functools.reduce(pc.or_, [pc.is_valid(table[c]) for c in columns])
    con.register("src", table.filter(filled))
    con.execute("create temp table t as select * from src")
    con.unregister("src")


def _register_origins(con, countries) -> None:
    written = [
        r[0]
        for r in con.execute("select distinct origin from t where origin is not null").fetchall()
    ]
    lookup = origins_to_iso3(written, countries)
    con.register(
        "origins",
        pa.table(
            {
                "written": pa.array(list(lookup), pa.string()),
                "iso3": pa.array(list(lookup.values()), pa.string()),
            }
        ),
    )


def _values_sql(rules: dict[str, ColumnRule], cols: list[str]) -> str:
    """Table v: each checked column's value, worked out once."""
    values = ", ".join("(" + rules[c].value.replace("@c", f"t.{c}") + f") as {c}" for c in cols)
    return f"create temp table v as select t.row, {values} from t"  # noqa: S608


def _flags_sql(rules: dict[str, ColumnRule], cols: list[str], supplier: bool) -> str:
    """Table f: a flag per check (a blocking check only where none before it failed), each
    column's 'blocked', the row's 'error', and 'example' for the template's rows."""
    parts, errors = ["t.row"], []
    for col in cols:
        blocked = []
        for check in rules[col].checks:
            cond = check.when.replace("@c", f"t.{col}").replace("@v", f"v.{col}")
            cond = "coalesce(" + cond.replace("@num", f"t.{col}__num") + ", false)"
            before = " or ".join(blocked) or "false"
            parts.append(f"({cond} and not ({before})) as {col}__{check.kind}")
            if check.blocks:
                blocked.append(cond)
                if check.severity == ERROR:
                    errors.append(cond)
        parts.append(f"({' or '.join(blocked) or 'false'}) as {col}__blocked")
    example = (
        f"coalesce(upper(t.supplier) like '{EXAMPLE_MARKER}%', false)" if supplier else "false"
    )
    parts += [f"({' or '.join(errors) or 'false'}) as error", f"{example} as example"]
    return (
        "create temp table f as select "  # noqa: S608
        + ", ".join(parts)
        + " from t join v using (row)"
    )


def _listed(con, col: str, check: Check) -> list[UploadMessage]:
    """The first rows of one kind in full, then how many more."""
    flag = "example" if check.kind == "example" else f"{col}__{check.kind}"
    count = con.execute(f"select count(*) from f where {flag}").fetchall()[0][0]  # noqa: S608
    if not count:
        return []
    value = f"v.{col}" if check.kind != "example" else "null"
    first = con.execute(
        f"select t.row, t.{col}, {value} from f join t using (row) join v using (row) "  # noqa: S608
        f"where f.{flag} order by t.row limit {SHOWN_PER_KIND}"
    ).fetchall()
    shown = [
        UploadMessage(
            int(row), col, check.says("" if cell is None else str(cell), v), check.severity
        )
        for row, cell, v in first
    ]
    if count > SHOWN_PER_KIND:
        shown.append(more_of_a_kind(count - SHOWN_PER_KIND, col, shown[0].problem, check.severity))
    return shown


def _totals_rows(con, cols: list[str]) -> list[UploadMessage]:
    """Totals rows are not lines: left out, with a note. A totals row has no HS code and
    says 'Total' where the code or the origin goes, or is the last row and has a value but
    neither code nor origin."""
    words = " or ".join(TOTAL_WORD.replace("@c", c) for c in ("hs_code", "origin"))
    last = "row = (select max(row) from t) and origin is null and annual_value_usd is not null"
    found = con.execute(
        "select row from t where (hs_code is null or not regexp_full_match(hs_code, '[0-9. ]+')) "  # noqa: S608
        f"and (coalesce({words}, false) or ({last})) order by row"
    ).fetchall()
    if not found:
        return []
    rows = [r[0] for r in found]
    con.execute("delete from t where list_contains($rows, row)", {"rows": rows})
    listed = ", ".join(f"{r:,}" for r in rows[:SHOWN_PER_KIND])
    more = ", …" if len(rows) > SHOWN_PER_KIND else ""
    return [
        UploadMessage(
            None,
            None,
            f"{len(rows):,} totals row(s) left out (row {listed}{more}): a total is not an "
            "import line.",
            NOTE,
        )
    ]


def _row_limit(con, limits: Limits) -> list[UploadMessage]:
    count = con.execute("select count(*) from t").fetchall()[0][0]
    if count <= limits.max_rows:
        return []
    last = con.execute(
        "select row from t order by row limit 1 offset $n", {"n": limits.max_rows - 1}
    ).fetchall()[0][0]
    con.execute("delete from t where row > $last", {"last": last})
    return [
        UploadMessage(
            None,
            None,
            f"The file has {count:,} lines; the limit is {limits.max_rows:,}: only the first "
            f"{limits.max_rows:,} (to row {last:,}) were read.",
            WARNING,
        )
    ]


def _number_style(con, raw: RawTable, cols: list[str]) -> tuple[bool, list[UploadMessage]]:
    """European numbers ('1.000,50') are read when the file's separator allows it (';' or
    tab) and its numbers show a decimal comma and no decimal point."""
    if raw.kind != "csv" or raw.delimiter == ",":
        return False, []
    amounts = [c for c in ("annual_value_usd", "quantity") if c in cols]
    n = STRIPPED.replace("@c", "x")
    cells = " union all ".join(f"select {c} as x from t" for c in amounts)  # noqa: S608
    eu, us = con.execute(
        f"select count(*) filter (regexp_full_match({n}, '{EU_EVIDENCE}')), "  # noqa: S608
        f"count(*) filter (regexp_full_match({n}, '{US_EVIDENCE}')) from ({cells})"
    ).fetchall()[0]
    if not eu or us:
        return False, []
    sep = DELIMITERS[raw.delimiter]
    return True, [
        UploadMessage(
            None,
            None,
            f"Numbers were read the European way, as the file is separated by {sep}s and "
            f"writes decimals with a comma ({eu:,} such values): ',' is the decimal mark and "
            "'.' or a space separates thousands, so '1.000,50' is 1000.50.",
            WARNING,
        )
    ]


def _lines(con, cols: list[str]) -> pd.DataFrame:
    """The rows with no error (and not the template's examples), as OUTPUT_COLUMNS."""

    def text(c):
        return f"coalesce(t.{c}, '')" if c in cols else "''"

    quantity = (
        "case when f.quantity__blocked then null else v.quantity end"
        if "quantity" in cols
        else "null"
    )
    table = con.sql(
        "select t.row, v.hs_code, v.origin as origin_iso3, "  # noqa: S608
        "v.annual_value_usd, "
        f"cast({quantity} as double) as quantity, {text('quantity_unit')} as quantity_unit, "
        f"{text('supplier')} as supplier "
        "from t join v using (row) join f using (row) "
        "where not f.error and not f.example order by t.row"
    ).to_arrow_table()
    return table.to_pandas()[OUTPUT_COLUMNS]


def _order(m: UploadMessage) -> tuple:
    column = {c: i for i, c in enumerate(MODEL_COLUMNS)}.get(m.column or "", len(MODEL_COLUMNS))
    return (m.row is not None, m.row or 0, column)
