"""Read-only access to the warehouse, and the app's one caching boundary.

Each query opens its own read-only connection: a DuckDB connection must not be
shared across Streamlit sessions (threads), and read-only opens are cheap.
Results are cached per (query, parameters, database file version), so a rebuilt
warehouse is picked up without restarting the app.

TRADE_DUCKDB_THREADS and TRADE_DUCKDB_MEMORY_LIMIT cap each connection (`make serve`
sizes them so that its replicas fit the machine); unset, DuckDB's defaults apply.
"""

import functools
import os

import duckdb
import pandas as pd
import streamlit as st

from etl.paths import db_path


class WarehouseMissing(Exception):
    """The warehouse file does not exist yet (run `make data`)."""


def warehouse_version() -> str:
    path = db_path()
    try:
        stat = path.stat()
    except FileNotFoundError as exc:
        raise WarehouseMissing(
            f"The database {path} has not been built yet. Run `make data` "
            "(or `python -m etl build`) to build it from the shipped snapshot."
        ) from exc
    return f"{path}:{stat.st_mtime_ns}:{stat.st_size}"


def duckdb_settings() -> dict[str, str]:
    """DuckDB's threads and memory_limit from the environment, where set."""
    names = {"threads": "TRADE_DUCKDB_THREADS", "memory_limit": "TRADE_DUCKDB_MEMORY_LIMIT"}
    return {key: os.environ[var] for key, var in names.items() if os.environ.get(var)}


def connect() -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse file now at the path.

    The file is attached to a new in-memory database: `duckdb.connect(path)` would reuse
    a database this process still has open on the path, which after a rebuild's rename
    is the replaced file."""
    con = duckdb.connect(":memory:", config=duckdb_settings())
    try:
        path = str(db_path()).replace("'", "''")
        con.execute(f"ATTACH '{path}' AS warehouse (READ_ONLY)")
        con.execute("USE warehouse")
    except BaseException:
        con.close()
        raise
    return con


def run_query(sql: str, params: dict | None = None) -> pd.DataFrame:
    """Run one parameterised statement on a fresh read-only connection."""
    warehouse_version()
    con = connect()
    try:
        return con.execute(sql, params or {}).df()
    finally:
        con.close()


def cached_query(func):
    """Cache a query function's DataFrame by its arguments and the database version."""

    name = f"{func.__module__}.{func.__qualname__}"

    # st.cache_data keys on the decorated function's code, which is the same for every
    # query wrapped here: the query's name must be part of the key.
    @st.cache_data(show_spinner=False, max_entries=512)
    def _cached(query_name: str, version: str, args: tuple, kwargs: tuple) -> pd.DataFrame:
        return func(*args, **dict(kwargs))

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        frozen = tuple(_freeze(a) for a in args)
        frozen_kw = tuple(sorted((k, _freeze(v)) for k, v in kwargs.items()))
        result = _cached(name, warehouse_version(), frozen, frozen_kw)
        return result.copy()

    wrapper.uncached = func
    return wrapper


def shared_build(func=None, *, hash_funcs: dict | None = None):
    """Cache what a section builds for given widget values, across sessions, per database
    version: a new visitor's page and every rerun reuse the blocks the first one built.
    `hash_funcs`: how to key an argument Streamlit cannot hash cheaply (a model run by its
    settings, not its frames).

    The blocks (frames, figures) are shared objects, not copies: st.cache_data would
    unpickle every figure through plotly's validation, which costs as much as building it.
    They are read-only after the build: render copies a figure before changing it and the
    export stamps a copy."""

    if func is None:
        return functools.partial(shared_build, hash_funcs=hash_funcs)
    name = f"{func.__module__}.{func.__qualname__}"

    @st.cache_resource(show_spinner=False, max_entries=256, hash_funcs=hash_funcs)
    def _cached(build_name: str, version: str, args: tuple):
        return tuple(func(*args))

    @functools.wraps(func)
    def wrapper(*args):
        return list(_cached(name, warehouse_version(), tuple(_freeze(a) for a in args)))

    wrapper.uncached = func
    return wrapper


def _freeze(value):
    if isinstance(value, set | frozenset):
        return tuple(sorted(value))
    if isinstance(value, list):
        return tuple(value)
    return value
