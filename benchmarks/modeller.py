"""The Exposure modeller on a SYNTHETIC broker-style import file of 1,000,000 lines, as
CSV and as XLSX: time to read, validate, model and report, and peak memory.

    python benchmarks/modeller.py [--lines 1000000] [--formats csv,xlsx]

The file is made here by code (random values, made-up entry numbers and suppliers, real
HS6 codes with made-up statistical suffixes) and says SYNTHETIC in its first row. Each
format runs in its own process so the peak memory (ru_maxrss) is that format's. Targets
(docs/benchmarks.md): the CSV end to end in at most 15 s, peak memory at most 1.5 GB.
The baseline is pyarrow.csv parsing the same bytes with nothing else, in the same run.
This prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"

ORIGINS = ["CN", "VN", "BD", "IN", "MX", "KH", "PK", "ID", "TR", "HN", "China", "Viet Nam"]
HS6 = [
    "610910", "610462", "620342", "611020", "520942", "521142", "630260", "630231",
    "200290", "200210", "070200", "210320", "120991", "620462", "611596", "847130",
    "851712", "940360", "640399", "392690",
]  # fmt: skip
TITLE = "SYNTHETIC benchmark data made by benchmarks/modeller.py: not real entries"
HEADER = [
    "Entry Number", "Entry Date", "Importer of Record", "HTS Number", "Country of Origin",
    "Supplier", "Entered Value", "Quantity", "UOM", "Line Description",
]  # fmt: skip


def synthetic_table(lines: int, seed: int = 14) -> pa.Table:
    """A SYNTHETIC entry report: one row per entry line."""
    rng = np.random.default_rng(seed)
    hs6 = np.array(HS6)[rng.integers(0, len(HS6), lines)]
    suffix = np.char.zfill(rng.integers(0, 10_000, lines).astype(str), 4)
    value = np.round(rng.lognormal(8.5, 1.6, lines), 2)
    return pa.table(
        {
            HEADER[0]: np.char.add("SYN-", np.char.zfill(np.arange(lines).astype(str), 8)),
            HEADER[1]: np.full(lines, "2024-03-01"),
            HEADER[2]: np.full(lines, "Synthetic Importer Inc."),
            HEADER[3]: np.char.add(hs6, suffix),
            HEADER[4]: np.array(ORIGINS)[rng.integers(0, len(ORIGINS), lines)],
            HEADER[5]: np.char.add("Synthetic Supplier ", rng.integers(1, 800, lines).astype(str)),
            HEADER[6]: value.astype(str),
            HEADER[7]: rng.integers(1, 5_000, lines).astype(str),
            HEADER[8]: np.full(lines, "DOZ"),
            HEADER[9]: np.full(lines, "synthetic line"),
        }
    )


def synthetic_csv(lines: int) -> bytes:
    """The table as a broker's CSV: a title row, the header, the lines, a totals row."""
    table = synthetic_table(lines)
    buf = io.BytesIO()
    buf.write(f'"{TITLE}"\n'.encode())
    pacsv.write_csv(table, buf, pacsv.WriteOptions(quoting_style="needed"))
    total = sum(float(v) for v in table.column(HEADER[6]).to_numpy(zero_copy_only=False))
    buf.write(f"Total,,,,,,{total:.2f},,,\n".encode())
    return buf.getvalue()


def synthetic_xlsx(lines: int) -> bytes:
    """The same lines in an .xlsx sheet (openpyxl's streaming writer: minutes for 10^6 rows,
    so synthetic_file keeps it in benchmarks/out/, which git ignores)."""
    from openpyxl import Workbook

    table = synthetic_table(lines)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Entry lines")
    ws.append([TITLE])
    ws.append(HEADER)
    columns = [table.column(h).to_pylist() for h in HEADER]
    values = [float(v) for v in columns[6]]
    for i in range(lines):
        row = [c[i] for c in columns]
        row[6] = values[i]
        ws.append(row)
    ws.append(["Total", None, None, None, None, None, sum(values)])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def synthetic_file(fmt: str, lines: int) -> Path:
    """The synthetic file on disk (benchmarks/out/, ignored by git), made once."""
    path = OUT / f"synthetic_modeller_{lines}.{fmt}"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_bytes(synthetic_csv(lines) if fmt == "csv" else synthetic_xlsx(lines))
    return path


class Stages:
    """Wall-clock and CPU seconds (this process, all threads) per stage. On a machine
    shared with other work the wall time grows with the load; the CPU time much less, and
    on an idle 2-core machine the wall time is at most about the CPU time."""

    def __init__(self):
        self.wall, self.cpu = {}, {}

    def __call__(self, name: str):
        stages = self

        class Stage:
            def __enter__(self):
                self.t, self.c = time.perf_counter(), time.process_time()

            def __exit__(self, *exc):
                stages.wall[name] = round(time.perf_counter() - self.t, 2)
                stages.cpu[name] = round(time.process_time() - self.c, 2)

        return Stage()

    def total(self, names):
        return {
            "wall": round(sum(self.wall[n] for n in names), 2),
            "cpu": round(sum(self.cpu[n] for n in names), 2),
        }


def run_one(path: Path, excel_report: bool) -> dict:
    """Read, validate, model and report one synthetic file in this process (the bytes are
    loaded first, as Streamlit holds an upload in memory)."""
    db = OUT / "modeller_bench.duckdb"
    if not db.exists():
        from etl.build import build

        build(db_path=db, log=lambda _m: None)
    os.environ["TRADE_DB"] = str(db)
    import duckdb

    import exposure
    from dashboard import export, model_queries, modeller_report
    from dashboard import modeller_view as mv
    from exposure.upload_read import read_raw
    from exposure.upload_validate import validate

    con = duckdb.connect(str(db), read_only=True)
    countries = con.sql("select iso3, name from dim_country where iso3 <> 'WLD'").df()
    groups = con.sql("select * from dim_product_group").df()
    refs = con.sql("select * from ref_figures").df()
    hs = con.sql("select * from mart_us_imports_by_year_partner_hs").df()
    con.close()
    scenario = exposure.default_scenarios(refs, 2019, hs)["central"]
    national = model_queries.national_imports_by_hs6.uncached(2019)
    covered = model_queries.national_imports_of_covered_products.uncached(2019)
    names = dict(zip(countries["iso3"], countries["name"], strict=True))
    data = path.read_bytes()
    before = peak_mb()
    stage = Stages()
    if path.suffix == ".csv":
        with stage("baseline_pyarrow_parse"):
            pacsv.read_csv(pa.BufferReader(data), pacsv.ReadOptions(skip_rows=1))
    with stage("read"):
        raw = read_raw(data, path.name)
    with stage("validate"):
        upload = validate(raw, countries)
    with stage("model"):
        result = mv.exposure_table(upload.lines, scenario, groups, names)
    with stage("report"):
        checks = modeller_report.national_checks(result, national, covered, names)
        summaries = modeller_report.report(result, national, names)
        table = mv.report_table(result)
        meta = mv.report_meta(scenario, "Central", "synthetic", upload.left_out)
    peak = peak_mb()
    # The CSV report is built when the user clicks its download button.
    with stage("csv_report_on_click"):
        report_csv = export.csv_bytes(table, meta)
    out = {
        "file": path.name,
        "file_mb": round(len(data) / 1e6, 1),
        "valid_lines": len(upload.lines),
        "messages": len(upload.messages) + len(checks),
        "wall_s": stage.wall,
        "cpu_s": stage.cpu,
        "end_to_end_s": stage.total(["read", "validate", "model", "report"]),
        "peak_rss_mb": round(peak),
        "rss_before_pipeline_mb": round(before),
        "csv_report_mb": round(len(report_csv) / 1e6, 1),
        "peak_rss_with_csv_report_mb": round(peak_mb()),
    }
    if excel_report:  # the page's Excel report: the 100,000 lines most at risk
        t = time.perf_counter()
        book = table.nlargest(100_000, "at_risk_value_usd").sort_values("row")
        frame = scenario.frame()
        xlsx = mv.report_xlsx(
            book, meta, frame, exposure.messages_frame(upload.messages), summaries
        )
        out["excel_report_100k_lines"] = {
            "seconds": round(time.perf_counter() - t, 2),
            "mb": round(len(xlsx) / 1e6, 1),
            "peak_rss_mb": round(peak_mb()),
        }
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--excel-report", action="store_true", help="also time the Excel report")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(Path(args.one), args.excel_report)))
        return
    for fmt in args.formats.split(","):
        t = time.perf_counter()
        path = synthetic_file(fmt, args.lines)
        made = time.perf_counter() - t
        load = os.getloadavg()
        print(
            f"# {fmt}: {time.strftime('%Y-%m-%d %H:%M')}, {platform.machine()} "
            f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
            f"{f', file made in {made:.0f} s' if made > 1 else ''}",
            flush=True,
        )
        cmd = [sys.executable, __file__, "--one", str(path)]
        cmd += ["--excel-report"] if args.excel_report else []
        out = subprocess.run(cmd, capture_output=True, text=True, check=True)
        print(out.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    main()
