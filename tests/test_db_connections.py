"""The app's warehouse connections: each query reads the file now at the path (a rebuild
renames a new file over it while other queries may still be reading the old one), and
the per-replica DuckDB limits come from the environment."""

import os

import duckdb
import pytest

from dashboard import db


def write_warehouse(path, value: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("create table t as select ?::integer as v", [value])
    con.close()


@pytest.fixture
def warehouse_file(tmp_path, monkeypatch):
    path = tmp_path / "trade.duckdb"
    write_warehouse(path, 1)
    monkeypatch.setenv("TRADE_DB", str(path))
    monkeypatch.delenv("TRADE_DUCKDB_THREADS", raising=False)
    monkeypatch.delenv("TRADE_DUCKDB_MEMORY_LIMIT", raising=False)
    return path


def rebuild(path, value: int) -> None:
    """As etl.build publishes: a new file renamed over the old one."""
    new = path.with_name(f".{path.name}.building")
    write_warehouse(new, value)
    os.replace(new, path)


def test_a_query_after_a_rebuild_reads_the_new_file_while_an_old_reader_is_open(
    warehouse_file,
):
    reader = db.connect()  # another session's query, still running on the old file
    try:
        assert reader.execute("select v from t").fetchone() == (1,)
        rebuild(warehouse_file, 2)
        assert db.run_query("select v from t")["v"].tolist() == [2]
        assert reader.execute("select v from t").fetchone() == (1,)
    finally:
        reader.close()


def test_connections_are_read_only(warehouse_file):
    con = db.connect()
    try:
        with pytest.raises(duckdb.Error, match="read-only"):
            con.execute("create table u (x integer)")
    finally:
        con.close()


def test_duckdb_limits_come_from_the_environment(warehouse_file, monkeypatch):
    monkeypatch.setenv("TRADE_DUCKDB_THREADS", "1")
    monkeypatch.setenv("TRADE_DUCKDB_MEMORY_LIMIT", "300MB")
    got = db.run_query(
        "select current_setting('threads') as threads, "
        "current_setting('memory_limit') as memory_limit"
    )
    assert got["threads"].tolist() == [1]
    assert got["memory_limit"].tolist() == ["286.1 MiB"]  # 300 MB in DuckDB's units


def test_unset_limits_leave_duckdb_defaults(warehouse_file):
    assert db.duckdb_settings() == {}
    got = db.run_query("select current_setting('threads') as threads")
    with duckdb.connect() as default:
        want = default.execute("select current_setting('threads')").fetchone()[0]
    assert got["threads"].tolist() == [want]
