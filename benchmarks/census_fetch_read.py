"""How fast the build reads back a saved Census API fetch (a script, not a test).

    python benchmarks/census_fetch_read.py [--codes 58] [--repeat 3]

Writes a SYNTHETIC saved fetch with the fetcher's own FetchDir (query.json and one
response file per HS10 code, each the API's shape: a JSON array of arrays of strings,
header first, the predicate columns appended), every partner in 240 made-up country
codes x 72 months per code, so --codes 58 is 1,002,240 rows. None of it is real trade
data. Then times census.read_raw (every response parsed into the raw text frame) and
census.read_requests (query.json), best of --repeat, and prints the process's peak
resident memory. Figures go in docs/benchmarks.md.
"""

import argparse
import json
import platform
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.sources import census, http  # noqa: E402
from etl.sources.fetch_dir import FetchDir  # noqa: E402

PARTNERS = [f"{n:04d}" for n in range(1000, 1240)]  # made-up country codes
MONTHS = [f"{y}-{m:02d}" for y in range(2019, 2025) for m in range(1, 13)]


def response_body(code: str) -> bytes:
    """One SYNTHETIC Census answer: every partner x month of one HS10 code."""
    header = [*census.GET_FIELDS, "time", "COMM_LVL", "I_COMMODITY"]
    rows = [header]
    for p, partner in enumerate(PARTNERS):
        for m, month in enumerate(MONTHS):
            value = (p * 7919 + m * 104729 + int(code)) % 9_000_000
            rows.append([partner, f"SYNTHETIC COUNTRY {partner}", code, "SYNTHETIC GOODS",
                         str(value), str(value // 13), "KG", month, "HS10", code])  # fmt: skip
    return json.dumps(rows).encode()


def write_fetch(raw_root: Path, codes: int) -> int:
    """A saved fetch of `codes` HS10 codes, written by the fetcher's FetchDir."""
    now = datetime(2026, 1, 1, tzinfo=UTC)
    with FetchDir(raw_root, census.DATASET, now=lambda: now) as out:
        for n in range(codes):
            code = f"{520000000 + n * 7:010d}"
            body = response_body(code)
            params = census.request_params(code, MONTHS[0], MONTHS[-1], None, None)
            response = http.HttpResponse(200, body, "synthetic://census", now, 1)
            out.record(response, params=params, rows=len(PARTNERS) * len(MONTHS), label=code)
        out.commit({"synthetic": True})
    return codes * len(PARTNERS) * len(MONTHS)


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--codes", type=int, default=58, help="response files (HS10 codes)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    print("Census fetch read-back benchmark")
    print(f"  python   {platform.python_version()}  on {platform.machine()}")
    with tempfile.TemporaryDirectory(prefix="census_read_") as tmp:
        raw_root = Path(tmp)
        started = time.perf_counter()
        rows = write_fetch(raw_root, args.codes)
        size = sum(p.stat().st_size for p in raw_root.rglob("*.json"))
        print(
            f"  SYNTHETIC fetch: {args.codes} response files, {rows:,} rows, "
            f"{size / 1e6:,.0f} MB, written in {time.perf_counter() - started:.1f} s"
        )
        print(f"  peak memory before reading: {peak_rss_mb():,.0f} MB")
        reads, request_reads = [], []
        for _ in range(args.repeat):
            started = time.perf_counter()
            frame = census.read_raw(raw_root)
            reads.append(time.perf_counter() - started)
            assert len(frame) == rows, (len(frame), rows)
            del frame
            started = time.perf_counter()
            requests = census.read_requests(raw_root)
            request_reads.append(time.perf_counter() - started)
            assert len(requests) == args.codes
        best = min(reads)
        print(
            f"  read_raw     : best {best:.2f} s of {', '.join(f'{t:.2f}' for t in reads)} s"
            f"  ({rows / best:,.0f} rows/s)"
        )
        print(f"  read_requests: best {min(request_reads):.3f} s")
        print(f"  peak memory of this process: {peak_rss_mb():,.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
