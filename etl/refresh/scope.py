"""What a refresh keeps current: the HS codes and periods the pages and product groups use,
and how far back each source is asked again for revisions."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import duckdb

from etl import paths

CENSUS_CODES_SEED = paths.SEEDS_DIR / "refresh_census_codes.csv"
CENSUS_FIRST_MONTH = "2019-01"  # the window of the WRO (2021) and the UFLPA (2022)
COMTRADE_FIRST_YEAR = 2015
PASTE_CODE = "200290"
# Census revises the months of the current year with each release and whole past years in
# June: every refresh asks again from January of the year before the latest month held.
CENSUS_LOOK_BACK_YEARS = 1
# Reporters revise recent years in Comtrade: the latest two years held are asked again.
COMTRADE_LOOK_BACK_YEARS = 2


@dataclass(frozen=True)
class Scope:
    census_codes: tuple[str, ...]
    import_lines: tuple[str, ...]  # HS6 lines of the WRO product groups (Comtrade imports)
    paste_code: str = PASTE_CODE
    census_first_month: str = CENSUS_FIRST_MONTH
    comtrade_first_year: int = COMTRADE_FIRST_YEAR
    census_look_back_years: int = CENSUS_LOOK_BACK_YEARS
    comtrade_look_back_years: int = COMTRADE_LOOK_BACK_YEARS
    notes: tuple[str, ...] = field(default=())


def census_codes(path: Path = CENSUS_CODES_SEED) -> tuple[str, ...]:
    with open(path, encoding="utf-8", newline="") as f:
        return tuple(row["hs_code"] for row in csv.DictReader(f))


def product_group_lines(db_path: Path) -> tuple[str, ...]:
    """The HS6 lines of the WRO product groups, as the warehouse maps them
    (dim_product_group: our rules over every HS6 line the data hold)."""
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        rows = con.execute("select hs_code from dim_product_group order by hs_code").fetchall()
    finally:
        con.close()
    return tuple(r[0] for r in rows)


def default_scope(db_path: Path) -> Scope:
    return Scope(census_codes=census_codes(), import_lines=product_group_lines(db_path))


def last_month_to_ask(today: date) -> str:
    """The month before today's: Census publishes a month about five weeks after it ends,
    so later months are never there; asking for one that is not yet out costs nothing."""
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    return f"{year}-{month:02d}"


def last_year_to_ask(today: date) -> int:
    return today.year - 1
