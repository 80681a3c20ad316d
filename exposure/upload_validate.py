"""Check an uploaded table cell by cell, in SQL (DuckDB over the Arrow table, in memory),
with one rule per column: how its text becomes a value, and what can be wrong with it.

A row with an error is left out; a warning keeps the row. Each kind of problem lists its
first rows in full and counts the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

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
from exposure.upload_read import DELIMITERS, RawTable

EXAMPLE_MARKER = "EXAMPLE"
OUTPUT_COLUMNS = [
    "row",
    "hs_code",
    "origin_iso3",
    "annual_value_usd",
    "quantity",
    "quantity_unit",
    "supplier",
]

# --- SQL pieces. In rules, @c is the trimmed cell, @v its value, @num "Excel stored it as
# a number". US numbers: '1,200.50', '$1200'. European (a ';' or tab file whose numbers
# have a decimal comma): '1.200,50', '1 200,50'. @n: the cell without currency and spaces.
STRIPPED = "regexp_replace(replace(replace(@c, 'US$', ''), '$', ''), '[\\s\u00a0\u202f]', '', 'g')"
US_NUMBER = (
    r"try_cast(case when regexp_full_match(@n, '-?\d{1,3}(,\d{3})+(\.\d+)?') "
    r"then replace(@n, ',', '') else @n end as double)"
)
EU_NUMBER = (
    r"case when regexp_full_match(@n, '-?\d{1,3}(\.\d{3})*(,\d+)?|-?\d+(,\d+)?') "
    r"then try_cast(replace(replace(@n, '.', ''), ',', '.') as double) end"
)
EUROPEAN_LOOKING = "regexp_full_match(@c, '-?\\d{1,3}([.\u00a0\u202f ]\\d{3})*,\\d+')"
DOT_THOUSANDS = r"regexp_full_match(@c, '\$?\d{1,3}(\.\d{3})+')"
# A file's number style, from decimals that can't be thousands: '2,5' or '1.000,50' against
# '2.5' or '1,000.50' (a separator before exactly three digits could be either).
EU_EVIDENCE = r"-?(\d{1,3}(\.\d{3})+,\d+|\d+,(\d{1,2}|\d{4,}))"
US_EVIDENCE = r"-?(\d{1,3}(,\d{3})+\.\d+|\d+\.(\d{1,2}|\d{4,}))"
TOTAL_WORD = r"regexp_matches(@c, '\btotals?\b', 'i')"


def number_sql(european: bool) -> str:
    """SQL for a cell's number (NULL when it isn't one)."""
    return (EU_NUMBER if european else US_NUMBER).replace("@n", STRIPPED)


@dataclass(frozen=True)
class Check:
    """One thing that can be wrong with a cell. A blocking check makes the value unusable
    (the first that fails is said); the others are said only when none blocked."""

    kind: str
    severity: str
    when: str  # SQL over @c, @v, @num
    says: Callable[[str, object], str]  # words from the cell as written and its value
    blocks: bool = True


@dataclass(frozen=True)
class ColumnRule:
    value: str  # SQL: the column's value from @c
    checks: tuple[Check, ...] = ()


HS_DIGITS = r"regexp_replace(@c, '[\s.]', '', 'g')"
HS_RULE = ColumnRule(
    f"case when length({HS_DIGITS}) % 2 = 1 and length({HS_DIGITS}) < 10 "
    f"then '0' || {HS_DIGITS} else {HS_DIGITS} end",
    (
        Check("empty", ERROR, "@c is null", lambda c, v: "HS code is empty"),
        Check(
            "not_whole",
            ERROR,
            "@num and contains(@c, '.')",
            lambda c, v: f"HS code {c!r} is not a whole number",
        ),
        Check(
            "not_digits",
            ERROR,
            f"not regexp_full_match({HS_DIGITS}, '[0-9]+')",
            lambda c, v: f"HS code {c!r} must contain digits only (2 to 10)",
        ),
        Check(
            "length",
            ERROR,
            "length(@v) not between 2 and 10",
            lambda c, v: f"HS code {c!r} must have 2 to 10 digits, it has {len(str(v))}",
        ),
        Check(
            "number",
            WARNING,
            "@num",
            lambda c, v: "HS code stored as a number in Excel; format the column as text",
            blocks=False,
        ),
        Check(
            "odd",
            WARNING,
            f"length({HS_DIGITS}) % 2 = 1",
            lambda c, v: (
                f"HS code {str(v)[1:]!r} has an odd number of digits: read as {v!r} (leading zero)"
            ),
            blocks=False,
        ),
    ),
)

ORIGIN_RULE = ColumnRule(
    "(select iso3 from origins where written = @c)",
    (
        Check("empty", ERROR, "@c is null", lambda c, v: "country of origin is empty"),
        Check(
            "unknown",
            ERROR,
            "@v is null",
            lambda c, v: (
                f"unknown country {c!r}: use an ISO3 code (e.g. CHN, VNM) or the "
                "country's English name (e.g. China, Viet Nam)"
            ),
        ),
    ),
)


def amount_rule(words: str, severity: str, european: bool, comma_file: bool) -> ColumnRule:
    """A money or quantity column. Its problems are errors (the value) or warnings that
    leave the cell blank (the quantity)."""
    blank = "" if severity == ERROR else ": left blank"
    style = " as the file writes numbers ('1.000,50')" if european else ""
    checks = []
    if severity == ERROR:
        checks.append(Check("empty", ERROR, "@c is null", lambda c, v: f"{words}: empty"))
    if comma_file:
        checks.append(
            Check(
                "european",
                severity,
                "@v is null and " + EUROPEAN_LOOKING,
                lambda c, v: (
                    f"{words} {c!r} is written the European way (',' decimal mark) "
                    "but the file is separated by commas, so it can't be read safely: save the "
                    f"file with ';' separators or write the number without separators{blank}"
                ),
            )
        )
    checks += [
        Check(
            "not_number",
            severity,
            "@c is not null and @v is null",
            lambda c, v: f"{words} {c!r} is not a number{style}{blank}",
        ),
        Check(
            "not_finite",
            severity,
            "not isfinite(@v)",
            lambda c, v: f"{words} {c!r} is not a finite number{blank}",
        ),
        Check("negative", severity, "@v < 0", lambda c, v: f"{words} {c!r} is negative{blank}"),
    ]
    if severity == ERROR and not european:
        checks.append(
            Check(
                "dot_thousands",
                WARNING,
                "not @num and " + DOT_THOUSANDS,
                lambda c, v: (
                    f"{c!r} was read as {v:g} dollars; if the dot separates thousands "
                    "(as in many European files), write the number without separators"
                ),
                blocks=False,
            )
        )
    return ColumnRule(number_sql(european), tuple(checks))


def column_rules(european: bool, comma_file: bool) -> dict[str, ColumnRule]:
    """One rule per model column."""
    return {
        "hs_code": HS_RULE,
        "origin": ORIGIN_RULE,
        "annual_value_usd": amount_rule("annual value (USD):", ERROR, european, comma_file),
        "quantity": amount_rule("quantity", WARNING, european, comma_file),
        "quantity_unit": ColumnRule("@c"),
        "supplier": ColumnRule("@c"),
    }


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


def validate(raw: RawTable, countries, columns: dict[str, int] | None = None) -> Upload:
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
        left_out=sum(1 for m in raw.notes if m.severity == ERROR and m.row is not None),
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
        _check(con, raw, columns, countries, upload)
    finally:
        con.close()
    upload.messages.sort(key=_order)
    return upload


def _check(con, raw: RawTable, columns: dict[str, int], countries, upload: Upload) -> None:
    cols = list(columns)
    frame = {"row": pa.array(raw.rows)}
    for col, i in columns.items():
        frame[col] = raw.cells.column(i)
        frame[f"{col}__num"] = (
            raw.numbers.column(i)
            if raw.numbers is not None
            else pa.nulls(len(raw.rows), pa.bool_())
        )
    con.register("src", pa.table(frame))
    trimmed = ", ".join(
        f"nullif(trim({c}), '') as {c}, coalesce({c}__num, false) as {c}__num" for c in cols
    )
    blank = " and ".join(f"{c} is null" for c in cols)
    con.execute(f"create temp table t as select row, {trimmed} from src")  # noqa: S608
    con.execute(f"delete from t where {blank}")  # noqa: S608
    upload.messages += _totals_rows(con, cols)
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
    european, notes = _number_style(con, raw, cols)
    upload.messages += notes
    rules = column_rules(european, raw.kind == "csv" and raw.delimiter == ",")
    out = con.execute(_select(rules, cols)).df()
    upload.rows_read = len(out)
    if out.empty:
        upload.messages.append(UploadMessage(None, None, "The file has a header but no data rows."))
        return
    errors = np.zeros(len(out), dtype=bool)
    for col in cols:
        for check in rules[col].checks:
            flag = out[f"{col}__{check.kind}"].to_numpy(dtype=bool)
            if check.severity == ERROR:
                errors |= flag
            upload.messages += _listed(out, flag, col, check)
    example = np.zeros(len(out), dtype=bool)
    if "supplier" in cols:
        example = out["supplier__cell"].fillna("").str.upper().str.startswith(EXAMPLE_MARKER)
        example = example.to_numpy(dtype=bool)
        skipped = Check(
            "example", WARNING, "", lambda c, v: "example row from the template: skipped"
        )
        upload.messages += _listed(out, example, "supplier", skipped)
    upload.left_out += int(errors.sum())
    ok = out.loc[~errors & ~example]
    if ok.empty:
        upload.messages.append(
            UploadMessage(None, None, "No valid rows: see the messages in the checks.")
        )
        return
    upload.lines = _lines(ok, cols)


def _select(rules: dict[str, ColumnRule], cols: list[str]) -> str:
    """One SELECT: per column its cell, value, and a flag per check."""
    parts = ["row"]
    for col in cols:
        rule = rules[col]
        value = "(" + rule.value.replace("@c", col) + ")"
        parts += [f"{col} as {col}__cell", f"{value} as {col}__value"]
        blocked = []
        for check in rule.checks:
            cond = check.when.replace("@c", col).replace("@v", value).replace("@num", f"{col}__num")
            before = " or ".join(f"coalesce({b}, false)" for b in blocked) or "false"
            parts.append(f"(coalesce({cond}, false) and not ({before})) as {col}__{check.kind}")
            if check.blocks:
                blocked.append(cond)
        stop = " or ".join(f"coalesce({b}, false)" for b in blocked) or "false"
        parts.append(f"({stop}) as {col}__blocked")
    return "select " + ", ".join(parts) + " from t order by row"  # noqa: S608


def _listed(out: pd.DataFrame, flag: np.ndarray, col: str, check: Check) -> list[UploadMessage]:
    """The first rows of one kind in full, then how many more."""
    hits = np.flatnonzero(flag)

    def said(i) -> str:
        cell = out[f"{col}__cell"].iat[i]
        value = out[f"{col}__value"].iat[i] if f"{col}__value" in out else None
        return check.says("" if pd.isna(cell) else str(cell), value)

    shown = [
        UploadMessage(int(out["row"].iat[i]), col, said(i), check.severity)
        for i in hits[:SHOWN_PER_KIND]
    ]
    if len(hits) > SHOWN_PER_KIND:
        shown.append(more_of_a_kind(len(hits) - SHOWN_PER_KIND, col, said(hits[0]), check.severity))
    return shown


def _totals_rows(con, cols: list[str]) -> list[UploadMessage]:
    """Totals rows (a cell says 'Total' and no HS code, or the last row has a value but no
    code and no origin) are not lines: left out, with a note."""
    words = " or ".join(TOTAL_WORD.replace("@c", c) for c in cols)
    last = "row = (select max(row) from t) and hs_code is null and origin is null"
    found = con.execute(
        f"select row from t where (hs_code is null or not regexp_full_match(hs_code, '[0-9. ]+')) "  # noqa: S608
        f"and (coalesce({words}, false) or ({last} and annual_value_usd is not null)) order by row"
    ).fetchall()
    if not found:
        return []
    rows = [r[0] for r in found]
    con.execute("delete from t where list_contains($rows, row)", {"rows": rows})
    listed = ", ".join(f"{r:,}" for r in rows[:SHOWN_PER_KIND]) + (
        ", …" if len(rows) > SHOWN_PER_KIND else ""
    )
    return [
        UploadMessage(
            None,
            None,
            f"{len(rows):,} totals row(s) left out (row {listed}): they sum other rows and are "
            "not import lines.",
            NOTE,
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
    ).fetchone()
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


def _lines(ok: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    n = len(ok)

    def value(name, default):
        key = f"{name}__value"
        return ok[key].to_numpy() if key in ok else np.full(n, default, dtype=object)

    quantity = pd.to_numeric(pd.Series(value("quantity", np.nan)), errors="coerce").to_numpy()
    if "quantity" in cols:
        quantity = np.where(ok["quantity__blocked"].to_numpy(dtype=bool), np.nan, quantity)
    out = pd.DataFrame(
        {
            "row": ok["row"].to_numpy(dtype=np.int64),
            "hs_code": pd.Series(value("hs_code", None), dtype=object),
            "origin_iso3": pd.Series(value("origin", None), dtype=object),
            "annual_value_usd": pd.Series(value("annual_value_usd", np.nan), dtype=float),
            "quantity": quantity.astype(float),
            "quantity_unit": pd.Series(value("quantity_unit", None), dtype=object).fillna(""),
            "supplier": pd.Series(value("supplier", None), dtype=object).fillna(""),
        }
    )
    return out[OUTPUT_COLUMNS]


def _order(m: UploadMessage) -> tuple:
    column = {c: i for i, c in enumerate(MODEL_COLUMNS)}.get(m.column or "", len(MODEL_COLUMNS))
    return (m.row is not None, m.row or 0, column)
