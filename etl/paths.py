"""Where the ETL reads and writes. Everything is overridable by environment variable."""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = Path(__file__).resolve().parent / "seeds"
SQL_DIR = Path(__file__).resolve().parent / "sql"


def raw_dir() -> Path:
    """The shipped snapshot plus fetched API responses."""
    return Path(os.environ.get("TRADE_RAW_DIR", ROOT / "data" / "raw"))


def db_path() -> Path:
    """The warehouse file the app reads (TRADE_DB overrides the default)."""
    return Path(os.environ.get("TRADE_DB", ROOT / "data" / "trade.duckdb"))
