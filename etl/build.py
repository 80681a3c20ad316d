"""Build the warehouse: raw snapshot + fetched responses -> raw_ -> stg_ -> marts.

The build writes a new DuckDB file beside the target and renames it into place
only when every step succeeded, so a failed or killed build never harms the last
good database.
"""

import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from etl import manifest, paths
from etl.sources.saved import RawDataError

# Shipped files whose layout needs more than the defaults.
CSV_SKIP_ROWS = {"census_monthly_china_hs2": 2}  # two report-title lines before the header

SEEDS = (
    "countries",
    "partner_codes",
    "data_exclusions",
    "events",
    "product_groups",
    "product_group_rules",
    "uflpa_figures_in_notes",
    "paste_figure_matches",
)
# Census API answers shipped in data/raw (manifest dataset ids): loaded into
# raw_census_api beside the fetched ones, so one path stages both.
SHIPPED_CENSUS_ANSWERS = ("census_api_hs2_monthly_2023_2024",)

# Build order: each model may read only the ones above it.
# Each trade-flow source is staged into its own table; stg_trade_flows is a view over
# them that adds the columns a source has on every row. The other staging models are
# views, each read by one mart. Why: docs/benchmarks.md, "ETL throughput".
TRADE_FLOW_STAGING = (
    "stg_comtrade_snapshot",
    "stg_census_snapshot",
    "stg_census_api",
    "stg_comtrade_api",
)
STAGING_VIEWS = (
    "stg_trade_flows",
    "stg_crop_production",
    "stg_ref_figures",
    "stg_fao_paste_exports",
    "stg_otexa_apparel",
    "stg_uflpa_figures",
    "stg_forced_labor_actions",
    "stg_forced_labor_targeted",
    "stg_uflpa_entity_list",
    "stg_paste_exports_press_2",
)
STAGING_MODELS = (*TRADE_FLOW_STAGING, *STAGING_VIEWS)
# Tables the marts read that are not published (dropped before the file is swapped in).
INTERMEDIATE_MODELS = ("int_trade_revisions",)
MART_MODELS = (
    "dim_country",
    "dim_partner",
    "dim_source",
    "dim_hs",
    "dim_product_group",
    "events",
    "ref_figure_citations",
    "ref_figures",
    "ref_data_exclusions",
    "ref_uflpa_figures",
    "mart_uflpa_enforcement_by_snapshot",
    "ref_forced_labor_actions_by_period",
    "ref_forced_labor_targeted_by_month",
    "ref_uflpa_entity_list_by_notice",
    "mart_us_imports_by_year_partner_hs",
    "mart_us_imports_by_year_partner_group",
    "mart_us_imports_by_month_partner_hs",
    "mart_exports_by_year_reporter_partner_hs",
    "mart_tomato_production_by_year_country",
    "mart_paste_exports_by_year_exporter",
    "mart_us_apparel_imports_by_year_partner",
    "mart_data_currency_by_dataset",
    "mart_revisions_by_figure",
    "mart_revision_checks_by_vintage_pair",
)
# No table's meaning depends on its physical row order (every query and download orders
# explicitly), so inserts need not keep it (docs/benchmarks.md, "ETL throughput").
DUCKDB_CONFIG = {"preserve_insertion_order": False}
# What the published file keeps: the trade rows (the per-source staging tables and the
# stg_trade_flows view over them), dims, marts and reference tables. Raw relations and
# other intermediate tables and views are dropped.
PUBLISHED_VIEWS = ("stg_trade_flows",)
KEEP_PREFIXES = (*TRADE_FLOW_STAGING, "dim_", "mart_", "events", "ref_", "raw_manifest")


class BuildError(Exception):
    """A build step failed; the message names the step."""


LAYERS = {"stg_": "staging", "int_": "intermediate"}


def model_sql(name: str) -> str:
    layer = next((d for prefix, d in LAYERS.items() if name.startswith(prefix)), "marts")
    return (paths.SQL_DIR / layer / f"{name}.sql").read_text(encoding="utf-8")


def fetched_raw_tables(raw_root: Path) -> dict[str, pd.DataFrame]:
    """Responses saved by `python -m etl fetch` (empty if none), but the Census rows
    (load_fetched_census): the Census requests that got them (what a later fetch
    replaces) and the Comtrade rows."""
    from etl.sources import census, comtrade

    return {
        "raw_census_api_requests": census.read_requests(raw_root),
        "raw_comtrade_api": comtrade.read_raw(raw_root),
    }


def load_fetched_census(con, raw_root: Path) -> int:
    """raw_census_api: every row of every saved Census answer, read by DuckDB."""
    from etl.sources import census_load

    return census_load.load_answers(con, raw_root, "raw_census_api")


def raw_csv_sql(path: Path, skip: int = 0) -> str:
    """etl/sql/raw/csv_all_varchar.sql for one file, the path as an SQL string literal
    (views cannot take prepared parameters)."""
    template = (paths.SQL_DIR / "raw" / "csv_all_varchar.sql").read_text(encoding="utf-8")
    literal = "'" + str(path).replace("'", "''") + "'"
    return template.replace("$path", literal).replace("$skip", str(int(skip)))


def shipped_census_answer_sql(dataset_id: str) -> str:
    """Insert a shipped Census API answer (its raw_ view) into raw_census_api."""
    template = (paths.SQL_DIR / "raw" / "census_api_answer.sql").read_text(encoding="utf-8")
    return template.replace("$dataset", dataset_id)


def create_raw_view(con, name: str, path: Path, skip: int = 0) -> None:
    """A raw_ relation over a shipped CSV. A view, not a table: staging then reads the
    file once, in the same pass as its casts (docs/benchmarks.md, "ETL throughput")."""
    con.execute(f'create view "{name}" as {raw_csv_sql(path, skip)}')


def create_macros(con) -> None:
    """The SQL macros the models share (etl/sql/macros/), temporary: gone from the file."""
    for path in sorted((paths.SQL_DIR / "macros").glob("*.sql")):
        con.execute(path.read_text(encoding="utf-8"))


def load_snapshot(con, raw_root: Path, entries, log) -> None:
    # The manifest and seeds are small and read by many models: tables.
    con.execute(f"create table raw_manifest as {raw_csv_sql(raw_root / manifest.MANIFEST_NAME)}")
    for seed in SEEDS:
        con.execute(f"create table seed_{seed} as {raw_csv_sql(paths.SEEDS_DIR / f'{seed}.csv')}")
    create_macros(con)
    for entry in entries:
        skip = CSV_SKIP_ROWS.get(entry.dataset_id, 0)
        create_raw_view(con, f"raw_{entry.dataset_id}", raw_root / entry.file, skip)
        log(f"  raw_{entry.dataset_id}: {entry.file}")


def run_models(con, log, names=STAGING_MODELS + INTERMEDIATE_MODELS + MART_MODELS) -> None:
    for name in names:
        kind = "view" if name in STAGING_VIEWS else "table"
        sql = model_sql(name)
        try:
            con.execute(f"create {kind} {name} as {sql}")
        except duckdb.Error as exc:
            # A view's casts run when its reader is built: name the views it reads.
            read = [v for v in STAGING_VIEWS if re.search(rf"\b{v}\b", sql)]
            views = f" (reading the staging views {', '.join(read)})" if read else ""
            raise BuildError(f"model {name} failed{views}: {exc}") from exc
        log(f"  {name}" + (" (view)" if kind == "view" else ""))


def table_row_counts(con) -> dict[str, int]:
    """Rows per table and view in the file."""
    names = [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() union all "
            "select view_name from duckdb_views() where not internal order by 1"
        ).fetchall()
    ]
    return {n: con.execute(f'select count(*) from "{n}"').fetchone()[0] for n in names}


def build(
    db_path: Path | None = None,
    raw_root: Path | None = None,
    log: Callable[[str], None] = print,
    on_step: Callable[[str], None] | None = None,
) -> dict[str, int]:
    """Build the warehouse and swap it into place. Returns rows per published table and view.

    `on_step` is called with each step's name before it runs (tests use it to kill
    a build half way).
    """
    db_path = Path(db_path or paths.db_path())
    raw_root = Path(raw_root or paths.raw_dir())
    step = on_step or (lambda _name: None)
    started = time.perf_counter()

    step("verify")
    log(f"Verifying snapshot checksums in {raw_root}")
    entries = manifest.verify(raw_root)

    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = db_path.with_name(f".{db_path.name}.building-{os.getpid()}")
    _remove_stale_builds(db_path)
    try:
        con = duckdb.connect(str(tmp_path), config=DUCKDB_CONFIG)
        try:
            step("raw")
            log("Loading raw relations")
            load_snapshot(con, raw_root, entries, log)
            try:
                log(f"  raw_census_api: {load_fetched_census(con, raw_root)} rows")
                fetched = fetched_raw_tables(raw_root)
            except RawDataError as exc:
                raise BuildError(f"a saved API fetch cannot be read: {exc}") from exc
            for table, frame in fetched.items():
                con.register("fetched_frame", frame)
                con.execute(f"create table {table} as select * from fetched_frame")
                con.unregister("fetched_frame")
                log(f"  {table}: {len(frame)} rows")
            for dataset_id in SHIPPED_CENSUS_ANSWERS:
                con.execute(shipped_census_answer_sql(dataset_id))
            step("models")
            log("Building staging and marts")
            run_models(con, log)
            step("publish")
            _drop_intermediate(con)
            counts = table_row_counts(con)
            con.execute("checkpoint")
        finally:
            con.close()
        _fsync(tmp_path)
        os.replace(tmp_path, db_path)  # atomic on one filesystem
        _fsync(db_path.parent)
    except BaseException:
        tmp_path.unlink(missing_ok=True)
        Path(f"{tmp_path}.wal").unlink(missing_ok=True)
        raise

    log(f"Built {db_path} in {time.perf_counter() - started:.1f} s")
    width = max(len(n) for n in counts)
    for name, rows in counts.items():
        log(f"  {name:<{width}}  {rows:>9,} rows")
    return counts


def _drop_intermediate(con) -> None:
    views = con.execute("select view_name from duckdb_views() where not internal").fetchall()
    for (name,) in views:
        if name not in PUBLISHED_VIEWS:
            con.execute(f'drop view "{name}"')
    names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
    for name in names:
        if not name.startswith(KEEP_PREFIXES):
            con.execute(f'drop table "{name}"')


def _remove_stale_builds(db_path: Path) -> None:
    """Half-written files of builds that were killed (their process is gone)."""
    for stale in db_path.parent.glob(f".{db_path.name}.building-*"):
        pid = stale.name.rsplit("-", 1)[-1].split(".")[0]
        # Our own pid on a leftover file means a killed build whose pid was reused.
        if pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid)):
            continue
        stale.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
