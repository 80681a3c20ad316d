"""Helpers shared by the Census and Comtrade fetcher tests."""

from pathlib import Path

import duckdb
import pandas as pd

from etl import build, paths

# stg_trade_flows's columns and types: each source's staging table gives them (or, for
# stg_census_api, the subset below) and the view adds the rest.
STAGING_COLUMNS = [
    ("source", "VARCHAR"),
    ("dataset", "VARCHAR"),
    ("reporter_iso3", "VARCHAR"),
    ("partner_iso3", "VARCHAR"),
    ("flow", "VARCHAR"),
    ("hs_code", "VARCHAR"),
    ("hs_level", "INTEGER"),
    ("hs_revision", "VARCHAR"),
    ("description", "VARCHAR"),
    ("year", "INTEGER"),
    ("month", "INTEGER"),
    ("value_usd", "DOUBLE"),
    ("value_basis", "VARCHAR"),
    ("quantity", "DOUBLE"),
    ("quantity_unit", "VARCHAR"),
    ("net_weight_kg", "DOUBLE"),
    ("vintage", "VARCHAR"),
    ("fetched_at", "TIMESTAMP"),
    ("vintage_date", "DATE"),
]


# Each source's staging table gives every column but vintage_date, which the view adds.
SOURCE_TABLE_COLUMNS = [c for c in STAGING_COLUMNS if c[0] != "vintage_date"]

# stg_census_api stores only what varies between its rows; stg_trade_flows adds the rest.
CENSUS_API_COLUMNS = [
    c
    for c in STAGING_COLUMNS
    if c[0]
    not in (
        "source",
        "reporter_iso3",
        "flow",
        "hs_revision",
        "value_basis",
        "net_weight_kg",
        "vintage_date",
    )
]


def staged(model: str, **raw_tables: pd.DataFrame) -> duckdb.DuckDBPyConnection:
    """One staging model over a fetcher's read_raw() (and read_requests()) frames in an
    in-memory DuckDB, with the country seed the build gives it, and the build's
    stg_trade_flows view over it (the other sources' staging tables empty)."""
    con = duckdb.connect()
    for seed in ("countries", "partner_codes"):
        path = paths.SEEDS_DIR / f"{seed}.csv"
        con.execute(f"create table seed_{seed} as {build.raw_csv_sql(path)}")
    manifest = paths.ROOT / "data" / "raw" / "manifest.csv"
    con.execute(f"create table raw_manifest as {build.raw_csv_sql(manifest)}")
    for name, frame in raw_tables.items():
        con.register(name, frame)
    con.execute(f"create table {model} as {build.model_sql(model)}")
    for other in build.TRADE_FLOW_STAGING:
        if other != model:
            columns = CENSUS_API_COLUMNS if other == "stg_census_api" else SOURCE_TABLE_COLUMNS
            con.execute(f"create table {other} ({', '.join(f'{n} {t}' for n, t in columns)})")
    con.execute(f"create view stg_trade_flows as {build.model_sql('stg_trade_flows')}")
    return con


def assert_no_secret(secret: str, raw: Path, *texts: str) -> None:
    """The API key is in none of the texts (output, errors) nor in any saved file."""
    for text in texts:
        assert secret not in text
    if raw.exists():
        for path in raw.rglob("*"):
            if path.is_file():
                assert secret.encode() not in path.read_bytes(), path
