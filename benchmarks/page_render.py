"""Cold and warm render time of every page (AppTest), on the shipped data and on a
SYNTHETIC warehouse of realistic shape that this script builds itself: every real partner
(about 240) x every HS6 line x 11 years, about 13 million annual rows.

    python benchmarks/page_render.py [--rows 13000000] [--repeat 5]

Targets (docs/benchmarks.md): warm render of every page at most 300 ms on the shipped
data and at most 1 s on the synthetic warehouse. This prints figures; it asserts nothing.
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402

from etl.build import INTERMEDIATE_MODELS, build, model_sql  # noqa: E402

# Marts that read stg_trade_flows; rebuilt after the synthetic rows go in. The rows go
# into a per-source staging table (stg_trade_flows is a view over those).
TRADE_MARTS = (
    "mart_us_imports_by_year_partner_hs",
    "mart_us_imports_by_year_partner_group",
    "mart_us_imports_by_month_partner_hs",
    "mart_exports_by_year_reporter_partner_hs",
)


def pages() -> list[str]:
    from dashboard.navigation import PAGES

    return [p for p in PAGES if (ROOT / p).exists()]


def synthetic_warehouse(path: Path, rows: int) -> int:
    """The shipped warehouse plus about `rows` SYNTHETIC annual US-import rows (random
    values) from real partner codes, every HS6 line, 2015-2025, with the trade marts
    rebuilt over them. Partners that already have Comtrade rows keep only their real ones;
    the partner count is what `rows` allows, at most every country in dim_country."""
    build(db_path=path, log=lambda _m: None)
    con = duckdb.connect(str(path))
    hs6 = [r[0] for r in con.execute("select code from dim_hs where level = 6").fetchall()]
    years = list(range(2015, 2026))
    free = [
        r[0]
        for r in con.execute(
            """select iso3 from dim_country where iso3 <> 'WLD' and iso3 not in (
                   select distinct partner_iso3 from stg_comtrade_snapshot)
               order by iso3"""
        ).fetchall()
    ]
    partners = free[: max(1, rows // (len(hs6) * len(years)))]
    con.execute(
        """
        insert into stg_comtrade_snapshot by name
        select 'comtrade' as source, 'synthetic_benchmark' as dataset,
               'USA' as reporter_iso3, p.iso3 as partner_iso3,
               'M' as flow, h.code as hs_code, 6 as hs_level, 'H5' as hs_revision,
               'synthetic' as description, y as year, null::integer as month,
               random() * 1e7 as value_usd, 'CIF' as value_basis,
               random() * 1e5 as quantity, 'kg' as quantity_unit,
               random() * 1e5 as net_weight_kg, 'SYNTHETIC benchmark rows' as vintage,
               null::timestamp as fetched_at
        from (select unnest($partners) as iso3) as p
        cross join (select unnest($hs6) as code) as h
        cross join (select unnest($years) as y) as yy
        """,
        {"partners": partners, "hs6": hs6, "years": years},
    )
    # The marts read the intermediate models, which the build drops before publishing.
    for model in INTERMEDIATE_MODELS:
        con.execute(f"create or replace table {model} as {model_sql(model)}")
    for mart in TRADE_MARTS:
        con.execute(f"drop table {mart}")
        con.execute(f"create table {mart} as {model_sql(mart)}")
    for model in INTERMEDIATE_MODELS:
        con.execute(f"drop table {model}")
    count = con.execute(
        "select count(*) from stg_trade_flows where dataset = 'synthetic_benchmark'"
    ).fetchone()[0]
    print(f"SYNTHETIC rows: {len(partners)} partners x {len(hs6)} HS6 lines x {len(years)} years")
    con.close()
    return count


def time_pages(db: Path, repeat: int) -> dict[str, tuple[float, float]]:
    """Per page: (cold seconds, median warm seconds). Caches are cleared once per warehouse,
    so "cold" is each page's first render: its own queries are uncached, queries it shares
    with an earlier page (events, reference figures) may already be cached."""
    from streamlit.testing.v1 import AppTest

    os.environ["TRADE_DB"] = str(db)
    import streamlit as st
    import streamlit.logger

    # AppTest runs pages without a server: Streamlit warns about that on every cached call.
    # Quiet it now and when AppTest parses the config (which resets the level).
    os.environ["STREAMLIT_LOGGER_LEVEL"] = "error"
    streamlit.logger.set_log_level("error")

    st.cache_data.clear()
    results = {}
    for page in pages():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.switch_page(page)
        started = time.perf_counter()
        at.run()
        cold = time.perf_counter() - started
        if at.exception:
            raise SystemExit(f"{page} raised: {at.exception[0].message}")
        warm = []
        for _ in range(repeat):
            started = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - started)
        results[page] = (cold, statistics.median(warm))
    return results


def report(label: str, results: dict, target: float) -> None:
    print(f"\n{label}")
    print(f"  {'page':<40} {'cold s':>8} {'warm s':>8}  target warm <= {target:.2f} s")
    for page, (cold, warm) in results.items():
        verdict = "ok" if warm <= target else "MISSES TARGET"
        print(f"  {page:<40} {cold:>8.3f} {warm:>8.3f}  {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=13_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(
        f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"duckdb {duckdb.__version__}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        shipped = Path(tmp) / "shipped.duckdb"
        build(db_path=shipped, log=lambda _m: None)
        report("Shipped data", time_pages(shipped, args.repeat), 0.300)

        synthetic = Path(tmp) / "synthetic.duckdb"
        started = time.perf_counter()
        n = synthetic_warehouse(synthetic, args.rows)
        print(f"\nBuilt SYNTHETIC warehouse: {n:,} synthetic rows in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        report(f"SYNTHETIC {n:,}-row warehouse", time_pages(synthetic, args.repeat), 1.0)


if __name__ == "__main__":
    main()
