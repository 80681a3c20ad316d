"""Shared fixtures. The warehouse is built fresh from the shipped snapshot once per
test session (as datasette's tests build their fixture database from code).

Test tiers (pyproject.toml): files and tests carry `apptest`, `browser`, `kaleido` or
`slow` themselves; the hook below also marks, by the fixtures a test uses, every test on
the built warehouse `slow` and every AppTest on it `apptest`, so `make test-fast`
stays pure whoever adds a test."""

import os
from pathlib import Path

import duckdb
import pytest

from etl.build import build

ROOT = Path(__file__).resolve().parent.parent
RAW_DIR = ROOT / "data" / "raw"


def pytest_collection_modifyitems(items):
    for item in items:
        if "warehouse_path" in item.fixturenames:
            item.add_marker(pytest.mark.slow)
        if "app_env" in item.fixturenames:
            item.add_marker(pytest.mark.apptest)


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


@pytest.fixture(scope="session")
def model_tables(warehouse_path) -> dict:
    """What the exposure model reads from the warehouse, and its default scenarios."""
    import exposure

    con = duckdb.connect(str(warehouse_path), read_only=True)
    try:
        out = {
            "countries": con.sql("select iso3, name from dim_country").df(),
            "groups": con.sql("select * from dim_product_group").df(),
            "refs": con.sql("select * from ref_figures").df(),
            "hs": con.sql("select * from mart_us_imports_by_year_partner_hs").df(),
        }
    finally:
        con.close()
    out["scenarios"] = exposure.default_scenarios(out["refs"], 2019, out["hs"])
    return out


# --- the running app in headless Chromium (tests/browser.py) --------------------------------


@pytest.fixture(scope="session")
def app_url(warehouse_path):
    """`streamlit run app.py` on a free loopback port, one for the whole session."""
    from tests.browser import running_app

    with running_app(warehouse_path) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    from tests.browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()
