"""Shared fixtures. The warehouse is built fresh from the shipped snapshot once per
test session (as datasette's tests build their fixture database from code)."""

import os
from pathlib import Path

import duckdb
import pytest

from etl.build import build

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "data" / "raw"


@pytest.fixture(scope="session")
def warehouse_path(tmp_path_factory) -> Path:
    """A warehouse built from the shipped snapshot only (no fetched API files)."""
    raw = tmp_path_factory.mktemp("raw_snapshot")
    # The snapshot without any data/raw/*_api fetch dirs a developer may have locally.
    for entry in RAW_DIR.iterdir():
        if entry.name not in ("census_api", "comtrade_api"):
            os.symlink(entry, raw / entry.name)
    db = tmp_path_factory.mktemp("warehouse") / "trade.duckdb"
    build(db_path=db, raw_root=raw, log=lambda _msg: None)
    return db


@pytest.fixture
def warehouse(warehouse_path):
    con = duckdb.connect(str(warehouse_path), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="session")
def app_env(warehouse_path):
    """Point the app (AppTest or a streamlit subprocess) at the fixture warehouse."""
    old = os.environ.get("TRADE_DB")
    os.environ["TRADE_DB"] = str(warehouse_path)
    yield warehouse_path
    if old is None:
        os.environ.pop("TRADE_DB", None)
    else:
        os.environ["TRADE_DB"] = old
