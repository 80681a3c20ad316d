"""Refresh benchmark (a script, not a test): the whole path from saved Census answers to a
published warehouse at the scale of a large refresh. Figures go in docs/benchmarks.md.

1. Writes SYNTHETIC saved Census answers of realistic shape with the fetcher's own FetchDir:
   one fetch dir a request (as `python -m etl refresh` saves them), one request an HS10
   code from every partner, --codes HS10 codes (default 18,000, the cardinality of the HTS
   import schedule) x --months months (84: 2019-01 to 2025-12), each code from its own set
   of partners among 240 Census country codes (1 to 14 of them, plus the all-countries
   total every month), about --rows rows in all (default 10,000,000). Every value is a
   string made from a hash: none of it is real trade data. The same rows go to a CSV.
2. Times, in the same run, each into a fresh on-disk DuckDB file:
   (a) plain: `create table as select * from read_csv(csv)`, DuckDB defaults;
   (b) ours: etl.build.build() over the shipped snapshot plus the saved answers, to the
       published file (reading the answers, staging, the revisions, the marts, publish),
       step by step;
   (c) a refresh on top: one more fetch dir per code for the last --refresh-months months
       (about 1 in 1,000 values revised), then the whole rebuild again.
3. Prints rows/s, the ratios (target: (b) at most 2x (a)) and the load average.

Usage: python benchmarks/refresh.py [--rows N] [--codes N] [--workdir DIR] [--keep]
"""

import argparse
import csv
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from etl_throughput import load_average, machine_info  # noqa: E402

from etl import build as etl_build  # noqa: E402
from etl import paths  # noqa: E402
from etl.sources import census  # noqa: E402
from etl.sources.fetch_dir import FetchDir  # noqa: E402
from etl.sources.http import HttpResponse  # noqa: E402

HEADER = list(census.GET_FIELDS) + ["time", "COMM_LVL", "I_COMMODITY"]
UNITS = ("KG", "NO", "DOZ", "M2", "X")


def months(n: int) -> list[str]:
    out, y, m = [], 2019, 1
    for _ in range(n):
        out.append(f"{y}-{m:02d}")
        y, m = (y, m + 1) if m < 12 else (y + 1, 1)
    return out


def partners() -> list[tuple[str, str]]:
    with open(paths.SEEDS_DIR / "partner_codes.csv", encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["source"] == "census" and r["code"] != "-"]
    return [(r["code"], r["name_in_source"]) for r in rows][:240]


def h(*key) -> int:
    return int.from_bytes(hashlib.blake2b("|".join(map(str, key)).encode(), digest_size=6).digest())


def code_partners(code: str, every: list, per_code: float) -> list:
    """A code's own suppliers: 1 to 2 x per_code - 1 of them, the same every month."""
    k = 1 + h(code, "k") % max(1, int(2 * per_code - 1))
    start = h(code, "p") % len(every)
    return [every[(start + 7 * i) % len(every)] for i in range(k)]


def answer_rows(code, ms, who, revised_share=0.0, round_=0):
    rows = [HEADER]
    for month in ms:
        for cty, name in [("-", "TOTAL FOR ALL COUNTRIES"), *who]:
            value = h(code, cty, month) % 500_000_000
            if revised_share and h(code, cty, month, round_) % int(1 / revised_share) == 0:
                value += 1 + h(code, cty, month, "r") % 10_000
            rows.append([cty, name, code, f"SYNTHETIC HS10 LINE {code}", str(value),
                         str(value // 7), UNITS[h(code) % 5], month, "HS10", code])  # fmt: skip
    return rows


def write_answers(raw: Path, codes, ms, every, per_code, csv_file=None, *, stamp0,
                  revised_share=0.0, round_=0) -> int:  # fmt: skip
    """One fetch dir per code, saved by the fetcher's FetchDir; the rows also to csv_file."""
    total = 0
    for n, code in enumerate(codes):
        rows = answer_rows(code, ms, code_partners(code, every, per_code), revised_share, round_)
        body = json.dumps(rows, separators=(",", ":")).encode()
        when = stamp0 + timedelta(seconds=n)
        params = census.request_params(code, ms[0], ms[-1], None, None)
        with FetchDir(raw, census.DATASET, now=lambda when=when: when) as out:
            response = HttpResponse(200, body, "https://api.census.gov/SYNTHETIC", when, 1)
            out.record(response, params=params, rows=len(rows) - 1, label=f"SYNTHETIC {code}")
            out.commit({"source": "SYNTHETIC benchmark answers", "hs_codes": [code]})
        if csv_file is not None:
            csv_file.writerows(r[:-1] for r in rows[1:])  # the columns read_raw keeps
        total += len(rows) - 1
    return total


def make_raw(workdir: Path) -> Path:
    raw = workdir / "raw"
    raw.mkdir()
    for entry in (ROOT / "data" / "raw").iterdir():
        if entry.name not in ("census_api", "comtrade_api", ".refresh"):
            os.symlink(entry, raw / entry.name)
    return raw


def time_plain(csv_path: Path, db: Path) -> float:
    db.unlink(missing_ok=True)
    con = duckdb.connect(str(db))
    started = time.perf_counter()
    con.execute("create table plain as select * from read_csv($p)", {"p": str(csv_path)})
    con.execute("checkpoint")
    elapsed = time.perf_counter() - started
    con.close()
    db.unlink(missing_ok=True)
    return elapsed


def time_build(raw: Path, db: Path) -> tuple[float, list[tuple[str, float]]]:
    """The whole build, and the time of each step (read, each model, publish)."""
    marks: list[tuple[str, float]] = []
    started = time.perf_counter()

    def log(message: str) -> None:
        marks.append((message.strip(), time.perf_counter()))

    def step(name: str) -> None:
        marks.append((f"step {name}", time.perf_counter()))

    etl_build.build(db_path=db, raw_root=raw, log=log, on_step=step)
    total = time.perf_counter() - started
    steps, last = [], started
    for name, t in marks:
        if name.startswith(("step ", "raw_census_api", "raw_comtrade_api", "stg_", "int_",
                            "dim_", "mart_", "Built")):  # fmt: skip
            steps.append((name.split(":")[0].split(" (")[0], t - last))
            last = t
    return total, steps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--codes", type=int, default=18_000)
    parser.add_argument("--months", type=int, default=84)
    parser.add_argument("--refresh-months", type=int, default=24)
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    info = machine_info()
    print("Refresh benchmark (SYNTHETIC Census answers; no real trade data)")
    for key, value in info.items():
        print(f"  {key:<8} {value}")
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="refresh_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    ms, every = months(args.months), partners()
    per_code = max(1.0, args.rows / (args.codes * args.months) - 1)  # the total is one more
    codes = sorted({f"{h(i, 'code') % 9_700_000_000 + 100_000_000:010d}" for i in
                    range(args.codes)})  # fmt: skip
    raw, csv_path, db = workdir / "raw", workdir / "SYNTHETIC_census_rows.csv", workdir / "w.db"
    try:
        if not raw.exists():
            started = time.perf_counter()
            make_raw(workdir)
            with open(csv_path, "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(HEADER[:-1])
                rows = write_answers(raw, codes, ms, every, per_code, writer,
                                     stamp0=datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip
            print(f"  wrote {rows:,} SYNTHETIC rows in {len(codes):,} saved answers "
                  f"({len(codes):,} fetch dirs) and the same rows as CSV "
                  f"({csv_path.stat().st_size / 1e6:,.0f} MB) in "
                  f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        plain = time_plain(csv_path, db)
        print(f"  (a) plain read_csv                : {plain:6.2f} s   ({load_average()})")
        ours, steps = time_build(raw, db)
        print(f"  (b) ours, answers -> published   : {ours:6.2f} s   ({load_average()})"
              f"  = {ours / plain:.2f}x plain  (target <= 2x)")  # fmt: skip
        for name, seconds in steps:
            if seconds >= 0.2:
                print(f"        {name:<42} {seconds:6.2f} s")
        plain2 = time_plain(csv_path, db)
        print(f"  (a) plain read_csv again          : {plain2:6.2f} s")
        started = time.perf_counter()
        before = set((raw / census.DATASET).iterdir())
        write_answers(raw, codes, ms[-args.refresh_months :], every, per_code,
                      stamp0=datetime(2026, 6, 1, tzinfo=UTC), revised_share=0.001,
                      round_=1)  # fmt: skip
        added = set((raw / census.DATASET).iterdir()) - before
        print(f"  a refresh: {len(codes):,} more answers, the last {args.refresh_months} "
              f"months, 1 value in 1,000 revised, written in "
              f"{time.perf_counter() - started:.0f} s")  # fmt: skip
        again, steps = time_build(raw, db)
        print(f"  (c) rebuild after the refresh     : {again:6.2f} s   ({load_average()})"
              f"  = {again / plain2:.2f}x plain")  # fmt: skip
        for name, seconds in steps:
            if seconds >= 0.2:
                print(f"        {name:<42} {seconds:6.2f} s")
        con = duckdb.connect(str(db), read_only=True)
        print("  revised figures found:", con.execute(
            "select count(*) from mart_revisions_by_figure").fetchone()[0])  # fmt: skip
        con.close()
        for path in added:  # the saved answers stay as generated, for another run
            shutil.rmtree(path)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
