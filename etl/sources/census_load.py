"""Loading saved Census answers into the build with DuckDB's own JSON reader: millions of
rows in seconds, where parsing them in Python (census.read_raw) takes about a minute per ten
million (docs/benchmarks.md, "Refresh"). The rows are the same: census.RAW_COLUMNS, every
value text, each column found by the first header field of its name. Any answer the fast
path cannot vouch for (malformed JSON, no header, a missing column, a row of another width)
makes the build read every answer with census.read_raw, which raises the error naming the
file."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from etl.sources import census, saved
from etl.sources.fetch_dir import fetch_dirs

FIELDS = census.RAW_COLUMNS[: -len(saved.SAVED_COLUMNS)]
HEAD_BYTES = 4096  # the header row is at the start of every answer


def _load_sql(table: str) -> str:
    picks = ",\n        ".join(f'j.json[f."{c}"] as "{c}"' for c in FIELDS)
    return f"""
    create table {table} as
    select
        {picks},
        f.fetched_at,
        f.fetch_dir,
        len(j.json) = f.width as fits
    from read_json($files, format = 'array', records = false, filename = true,
        columns = {{'json': 'VARCHAR[]'}}) as j
    join census_files as f using (filename)
    -- the header row: its GEN_VAL_MO field is the name itself
    where j.json[f."GEN_VAL_MO"] is distinct from 'GEN_VAL_MO'
    """


def header_of(path: Path) -> list[str] | None:
    """The first row of a saved answer, read from its first bytes; None if it is not a
    header naming every required column."""
    with open(path, "rb") as f:
        head = f.read(HEAD_BYTES).decode("utf-8-sig", errors="replace").lstrip()
    if not head.startswith("["):
        return None
    try:
        first, _ = json.JSONDecoder().raw_decode(head, 1 + len(head[1:]) - len(head[1:].lstrip()))
    except json.JSONDecodeError:
        return None
    if not isinstance(first, list) or not all(isinstance(h, str) for h in first):
        return None
    return first if all(c in first for c in census.REQUIRED_COLUMNS) else None


def answer_files(raw_root: Path) -> pd.DataFrame | None:
    """Every saved Census answer: path, fetch time, fetch dir, width and the 1-based
    position of each column in its header (0 if absent); None if one has no usable header."""
    records = []
    for fetch_dir, fetched_at in fetch_dirs(raw_root, census.DATASET):
        for path in saved.response_files(fetch_dir):
            header = header_of(path)
            if header is None:
                return None
            where = {c: (header.index(c) + 1 if c in header else 0) for c in FIELDS}
            records.append(
                {"filename": str(path), "fetched_at": fetched_at,
                 "fetch_dir": f"{census.DATASET}/{fetch_dir.name}", "width": len(header), **where}
            )  # fmt: skip
    columns = ["filename", "fetched_at", "fetch_dir", "width", *FIELDS]
    return pd.DataFrame(records, columns=columns)


def load_answers(con: duckdb.DuckDBPyConnection, raw_root: Path, table: str) -> int:
    """Create `table` (census.RAW_COLUMNS, all text) from every saved Census answer and
    return its row count. RawDataError (from census.read_raw) for an unreadable answer."""
    files = answer_files(raw_root)
    if files is not None and files.empty:
        columns = ", ".join(f'"{c}" varchar' for c in census.RAW_COLUMNS)
        con.execute(f"create table {table} ({columns})")
        return 0
    sound = False
    if files is not None:
        con.register("census_files", files.astype({c: "int64" for c in ("width", *FIELDS)}))
        try:
            con.execute(_load_sql(table), {"files": files["filename"].tolist()}).fetchall()
            [(fits,)] = con.execute(f"select bool_and(fits) from {table}").fetchall()
            sound = fits is not False
        except duckdb.Error:
            sound = False
        finally:
            con.unregister("census_files")
    if not sound:
        con.execute(f"drop table if exists {table}")
        frame = census.read_raw(raw_root)  # raises RawDataError naming the file
        con.register("census_frame", frame)
        con.execute(f"create table {table} as select * from census_frame")
        con.unregister("census_frame")
        return len(frame)
    con.execute(f"alter table {table} drop column fits")
    return con.execute(f"select count(*) from {table}").fetchall()[0][0]
