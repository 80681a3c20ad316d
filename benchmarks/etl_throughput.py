"""ETL throughput benchmark (a script, not a test). Figures go in docs/benchmarks.md.

1. Generates a SYNTHETIC Census-shaped monthly HS10 CSV (the columns of the Census
   international trade API: CTY_CODE, CTY_NAME, I_COMMODITY, I_COMMODITY_SDESC,
   GEN_VAL_MO, GEN_QY1_MO, UNIT_QY1, time) with random values, --rows rows
   (default 10,000,000), written by DuckDB's range() + COPY into a temp directory.
   None of it is real trade data.
2. Times, in the same run, on the same file, each into a fresh on-disk DuckDB file:
   (a) plain DuckDB: read_csv with default type sniffing into a table, default settings;
   (b) our ingest, the build's own path: the shipped snapshot's raw_ views and seeds
       (etl.build.load_snapshot), the synthetic file as one saved Census API fetch
       (raw_census_api: the build's raw_ view over it, plus the fetch time and directory;
       raw_census_api_requests: its one request), then the build's staging models
       (etl.build.run_models) up to stg_trade_flows: each source's staging table
       (stg_census_api: renames, casts, Census codes -> ISO3, rows a later fetch
       replaced left out; only the columns that vary between rows) and the
       stg_trade_flows view over them, with the build's DuckDB settings. The shipped
       snapshot's 46,610 rows go through with it.
   (c) diagnosis: only the renames and casts of stg_census_api over the raw view, into a
       table (no country lookups, no replaced rows left out, no union);
   (d) diagnosis: (a) again with the build's DuckDB settings (etl.build.DUCKDB_CONFIG);
   (e) diagnosis: (b) with a later fetch's requests listed too (100,000 of the file's HS
       codes, every partner, every month), so the rows they cover are left out;
   (f) diagnosis, once, after (b): the build's marts over the stg_trade_flows view,
       against the same marts over a table of the view's rows (as stg_trade_flows was
       before it became a view) plus the time to write that table. Not in the ratio.
   Prints rows/s for each and the ratios (target: (b) within 1.25x of (a)).
3. Times a full etl.build.build() from the shipped snapshot, best of --repeat runs
   (target < 5 s).

Usage: python benchmarks/etl_throughput.py [--rows N] [--repeat K] [--workdir DIR] [--keep]
"""

import argparse
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl import build as etl_build  # noqa: E402
from etl import manifest, paths  # noqa: E402
from etl.sources import census  # noqa: E402

# The build's models from the raw tables to stg_trade_flows (the marts aggregate it).
INGEST_MODELS = etl_build.STAGING_MODELS[: etl_build.STAGING_MODELS.index("stg_trade_flows") + 1]

# (f): the models after staging (the intermediate tables the marts read, and the marts).
MARTS = etl_build.INTERMEDIATE_MODELS + etl_build.MART_MODELS

# (e): how many HS codes the later fetch of (e) asked for.
LATER_CODES = 100_000

# (c): the renames, casts and filter of etl/sql/staging/stg_census_api.sql on the raw view
# (without its country lookups, the fetch time, and leaving out rows a later fetch replaced).
STAGING_SELECT = """
select
    "CTY_CODE" as cty_code,
    "CTY_NAME" as cty_name,
    case "I_COMMODITY" when '-' then 'TOTAL' else "I_COMMODITY" end as hs_code,
    case when regexp_full_match("I_COMMODITY", '[0-9]+') then length("I_COMMODITY") else 0 end
        as hs_level,
    "I_COMMODITY_SDESC" as description,
    cast(left("time", 4) as integer) as year,
    cast(right("time", 2) as integer) as month,
    cast("GEN_VAL_MO" as double) as value_usd,
    case when coalesce("UNIT_QY1", '-') not in ('-', '')
        then cast("GEN_QY1_MO" as double) end as quantity,
    nullif(nullif("UNIT_QY1", '-'), '') as quantity_unit
from {source}
where "CTY_CODE" = '-' or regexp_full_match("CTY_CODE", '[1-9][0-9]{{3}}')
"""

# Deterministic pseudo-random columns from hash(i): same file on every run.
GENERATE_SQL = """
copy (
    with r as (select i, hash(i) as h, hash(i * 7919 + 13) as g from range({rows}) as t(i))
    select
        lpad(cast(1000 + h % 8000 as varchar), 4, '0') as CTY_CODE,
        'SYNTHETIC COUNTRY ' || cast(h % 8000 as varchar) as CTY_NAME,
        lpad(cast(g % 9999999999 as varchar), 10, '0') as I_COMMODITY,
        'SYNTHETIC HS10 LINE ' || cast(g % 100000 as varchar)
            || (case when g % 3 = 0 then ', OF COTTON, KNIT' else ' NESOI' end)
            as I_COMMODITY_SDESC,
        cast(h % 500000000 as bigint) as GEN_VAL_MO,
        cast(g % 10000000 as bigint) as GEN_QY1_MO,
        ['KG', 'NO', 'DOZ', 'M2', 'X'][1 + cast(h % 5 as integer)] as UNIT_QY1,
        cast(2019 + (i // 12) % 6 as varchar) || '-' || lpad(cast(1 + i % 12 as varchar), 2, '0')
            as "time"
    from r
) to '{path}' (header, delimiter ',')
"""


def machine_info() -> dict[str, str]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count() or 0
    mem = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    con = duckdb.connect()
    threads = con.execute("select current_setting('threads')").fetchone()[0]
    con.close()
    return {
        "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": cpu,
        "cores": f"{usable} usable ({os.cpu_count()} online)",
        "memory": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": f"{duckdb.__version__} (threads={threads})",
        "load": load_average(),
    }


def load_average() -> str:
    """Other work on the machine skews the figures: print the load with them."""
    try:
        return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "load average unknown"


def generate(path: Path, rows: int) -> float:
    started = time.perf_counter()
    con = duckdb.connect()
    con.execute(GENERATE_SQL.format(rows=rows, path=str(path).replace("'", "''")))
    con.close()
    return time.perf_counter() - started


def time_plain(csv_path: Path, db_path: Path, config=None) -> tuple[float, int, str]:
    db_path.unlink(missing_ok=True)
    con = duckdb.connect(str(db_path), config=config or {})
    started = time.perf_counter()
    con.execute("create table plain as select * from read_csv($path)", {"path": str(csv_path)})
    con.execute("checkpoint")
    elapsed = time.perf_counter() - started
    n = con.execute("select count(*) from plain").fetchone()[0]
    hs_type = con.execute(
        "select data_type from duckdb_columns() where table_name = 'plain'"
        " and column_name = 'I_COMMODITY'"
    ).fetchone()[0]
    con.close()
    db_path.unlink(missing_ok=True)
    return elapsed, n, hs_type


def _raw_view(csv_path: Path, db_path: Path):
    """A fresh on-disk database, the build's settings, the build's raw_ view over the file."""
    db_path.unlink(missing_ok=True)
    con = duckdb.connect(str(db_path), config=etl_build.DUCKDB_CONFIG)
    etl_build.create_raw_view(con, "raw_synthetic", csv_path)
    return con


def _requests_frame(later_codes: list[str]):
    """raw_census_api_requests for the synthetic fetch (one request covering the whole
    file) and, if `later_codes`, a later fetch with one answered request per code for
    every partner and 2019-2024: what `python -m etl fetch census --hs ...` would list."""
    rows = [["census_api/SYNTHETIC", "2026-01-01T00:00:00Z", "1", "200",
             "SYNTHETIC.csv", None, None, "from 2019-01 to 2024-12"]]  # fmt: skip
    for n, code in enumerate(later_codes, start=1):
        rows.append(["census_api/SYNTHETIC_LATER", "2026-02-01T00:00:00Z", str(n), "200",
                     f"response_{n:03d}.json", code, None, "from 2019-01 to 2024-12"])  # fmt: skip
    return pd.DataFrame(rows, columns=list(census.REQUEST_COLUMNS), dtype="str")


def time_ours(csv_path: Path, db_path: Path, later_codes=(), marts=False):
    """(b): the file as one saved Census fetch, through the build's staging models.
    (e): the same with a later fetch's requests listed for `later_codes`.
    With `marts`, returns the open connection instead, for time_marts."""
    con = _raw_view(csv_path, db_path)
    raw_root = paths.raw_dir()
    etl_build.load_snapshot(con, raw_root, manifest.verify(raw_root), log=lambda _m: None)
    con.execute(
        "create view raw_census_api as select *, '2026-01-01T00:00:00Z' as fetched_at,"
        " 'census_api/SYNTHETIC' as fetch_dir from raw_synthetic"
    )
    con.register("synthetic_requests", _requests_frame(list(later_codes)))
    con.execute("create table raw_census_api_requests as select * from synthetic_requests")
    no_fetches = etl_build.fetched_raw_tables(db_path.parent / "no_fetches")
    con.register("no_comtrade_fetches", no_fetches["raw_comtrade_api"])
    con.execute("create table raw_comtrade_api as select * from no_comtrade_fetches")
    started = time.perf_counter()
    etl_build.run_models(con, log=lambda _m: None, names=INGEST_MODELS)
    con.execute("checkpoint")
    elapsed = time.perf_counter() - started
    n, zeros = con.execute(
        "select count(*), count(*) filter (where hs_code like '0%') from stg_trade_flows"
        " where dataset = 'census_api'"
    ).fetchone()
    hs_type = con.execute(
        "select data_type from duckdb_columns() where table_name = 'stg_trade_flows'"
        " and column_name = 'hs_code'"
    ).fetchone()[0]
    if marts:
        return con, elapsed, n
    con.close()
    db_path.unlink(missing_ok=True)
    return elapsed, n, f"{hs_type}, {zeros:,} codes with a leading zero"


def time_marts(csv_path: Path, db_path: Path) -> tuple[float, float, float]:
    """(f): after (b), the build's marts over the stg_trade_flows view; then the same
    marts over a table holding the view's rows, as stg_trade_flows was before it became a
    view, and the time to write that table (the write the view saves). Seconds each."""
    con, _, _ = time_ours(csv_path, db_path, marts=True)
    other_staging = etl_build.STAGING_MODELS[len(INGEST_MODELS) :]  # views: nothing written
    etl_build.run_models(con, log=lambda _m: None, names=other_staging)
    started = time.perf_counter()
    etl_build.run_models(con, log=lambda _m: None, names=MARTS)
    con.execute("checkpoint")
    over_view = time.perf_counter() - started
    for name in MARTS:
        con.execute(f"drop table {name}")
    started = time.perf_counter()
    con.execute("create table stg_trade_flows_wide as select * from stg_trade_flows")
    con.execute("checkpoint")
    write_wide = time.perf_counter() - started
    con.execute("drop view stg_trade_flows")
    con.execute("alter table stg_trade_flows_wide rename to stg_trade_flows")
    started = time.perf_counter()
    etl_build.run_models(con, log=lambda _m: None, names=MARTS)
    con.execute("checkpoint")
    over_table = time.perf_counter() - started
    con.close()
    db_path.unlink(missing_ok=True)
    return over_view, over_table, write_wide


def later_codes_in(csv_path: Path, count: int) -> list[str]:
    """`count` HS10 codes of the file, for (e)'s later fetch."""
    con = duckdb.connect()
    codes = con.execute(
        "select distinct I_COMMODITY from read_csv($p, all_varchar = true) order by 1 limit $n",
        {"p": str(csv_path), "n": count},
    ).fetchall()
    con.close()
    return [c[0] for c in codes]


def time_casts(csv_path: Path, db_path: Path) -> float:
    """(c): renames and casts only, over the raw view."""
    con = _raw_view(csv_path, db_path)
    started = time.perf_counter()
    con.execute("create table stg as " + STAGING_SELECT.format(source="raw_synthetic"))
    con.execute("checkpoint")
    elapsed = time.perf_counter() - started
    con.close()
    db_path.unlink(missing_ok=True)
    return elapsed


def time_build(workdir: Path, repeat: int) -> list[float]:
    raw = workdir / "raw_snapshot"
    raw.mkdir(exist_ok=True)
    for entry in paths.raw_dir().iterdir():  # the shipped snapshot, no fetched API responses
        if entry.name not in ("census_api", "comtrade_api") and not (raw / entry.name).exists():
            os.symlink(entry.resolve(), raw / entry.name)
    db = workdir / "trade.duckdb"
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        etl_build.build(db_path=db, raw_root=raw, log=lambda _m: None)
        times.append(time.perf_counter() - started)
    return times


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (best of)")
    parser.add_argument("--workdir", type=Path, default=None, help="default: a temp dir")
    parser.add_argument("--keep", action="store_true", help="keep the synthetic CSV")
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="etl_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    print("ETL throughput benchmark")
    for key, value in machine_info().items():
        print(f"  {key:<8} {value}")

    csv_path = workdir / f"SYNTHETIC_census_hs10_monthly_{args.rows}_rows.csv"
    print(f"\nGenerating SYNTHETIC Census-shaped HS10 CSV ({args.rows:,} rows, random values)")
    gen = generate(csv_path, args.rows)
    size = csv_path.stat().st_size
    print(f"  {csv_path} ({size / 1e6:,.0f} MB) in {gen:.1f} s")

    # One untimed read so both measurements start with the file in the page cache.
    con = duckdb.connect()
    con.execute("select count(*) from read_csv($p, all_varchar = true)", {"p": str(csv_path)})
    con.close()

    db = workdir / "bench.duckdb"
    later = later_codes_in(csv_path, LATER_CODES)
    plain, ours, casts, plain_same, refetched = [], [], [], [], []
    for i in range(args.repeat):
        t, n_plain, plain_type = time_plain(csv_path, db)
        plain.append(t)
        t, n_ours, ours_type = time_ours(csv_path, db)
        ours.append(t)
        casts.append(time_casts(csv_path, db))
        plain_same.append(time_plain(csv_path, db, etl_build.DUCKDB_CONFIG)[0])
        t, n_kept, _ = time_ours(csv_path, db, later)
        refetched.append(t)
        print(
            f"  run {i + 1}: (a) plain {plain[-1]:.2f} s, (b) ours {ours[-1]:.2f} s, "
            f"(c) casts only {casts[-1]:.2f} s, (d) plain, build settings {plain_same[-1]:.2f} s, "
            f"(e) ours with a later fetch {refetched[-1]:.2f} s"
        )
    assert n_plain == n_ours == args.rows, (n_plain, n_ours)

    best_plain, best_ours = min(plain), min(ours)
    best_casts, best_same = min(casts), min(plain_same)
    ratio = best_ours / best_plain
    print(f"\nIngest of {args.rows:,} SYNTHETIC rows, best of {args.repeat}:")
    print(
        f"  (a) plain read_csv, sniffed types   : {best_plain:6.2f} s  "
        f"{args.rows / best_plain:>12,.0f} rows/s  (I_COMMODITY read as {plain_type})"
    )
    print(
        f"  (b) ours, file -> staging tables    : {best_ours:6.2f} s  "
        f"{args.rows / best_ours:>12,.0f} rows/s  (hs_code {ours_type})"
    )
    verdict = "meets" if ratio <= 1.25 else "MISSES"
    print(f"  ratio ours/plain: {ratio:.2f}x  -> {verdict} the 1.25x target")
    # Runs on a shared VM vary by 10-20 %: the same run's pair is a second view.
    paired = sorted(o / p for o, p in zip(ours, plain, strict=True))
    print(
        f"  ratio within each run: {', '.join(f'{r:.2f}' for r in paired)}x"
        f" (median {statistics.median(paired):.2f}x)"
    )
    print(
        f"  (c) renames and casts only          : {best_casts:6.2f} s  "
        f"{args.rows / best_casts:>12,.0f} rows/s  ({best_casts / best_plain:.2f}x plain)"
    )
    print(
        f"  (d) plain, the build's settings     : {best_same:6.2f} s  "
        f"{args.rows / best_same:>12,.0f} rows/s  (ours is {best_ours / best_same:.2f}x this)"
    )
    best_refetched = min(refetched)
    print(
        f"  (e) ours, a later fetch of {len(later):,} codes: {best_refetched:6.2f} s  "
        f"{args.rows / best_refetched:>12,.0f} rows/s  ({best_refetched / best_plain:.2f}x plain;"
        f" {args.rows - n_kept:,} rows replaced)"
    )

    over_view, over_table, write_wide = time_marts(csv_path, db)
    print(
        f"  (f) after (b), once: the marts over the stg_trade_flows view {over_view:.2f} s;"
        f" over a table of the same rows {over_table:.2f} s, plus {write_wide:.2f} s to"
        " write that table"
    )

    print(f"\nFull etl.build.build() from the shipped snapshot, {args.repeat} runs:")
    builds = time_build(workdir, args.repeat)
    verdict = "meets" if min(builds) < 5 else "MISSES"
    print(
        f"  runs {', '.join(f'{t:.2f}' for t in builds)} s; best {min(builds):.2f} s "
        f"-> {verdict} the < 5 s target"
    )

    print(f"\nAt the end: {load_average()}")
    if args.keep:
        print(f"\nKept {workdir}")
    elif args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    else:
        csv_path.unlink(missing_ok=True)
        (workdir / "trade.duckdb").unlink(missing_ok=True)
        shutil.rmtree(workdir / "raw_snapshot", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
