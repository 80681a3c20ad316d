"""Reading saved fetches back for the build: every row of every saved answer
(`read_saved`) and every request of every query.json (`saved_requests`), all as text."""

from __future__ import annotations

import gc
import json
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa

from etl.sources.fetch_dir import fetch_dirs

# What read_saved adds to every row, after the source's own columns.
SAVED_COLUMNS = ("fetched_at", "fetch_dir")
# What saved_requests gives for every request, before the source's own parameters.
REQUEST_COLUMNS = ("fetch_dir", "fetched_at", "request", "status", "file")


class RawDataError(ValueError):
    """A saved fetch dir cannot be read back (edited by hand, or a format change)."""


def as_text(value: Any) -> str | None:
    """A JSON value as the text read_raw stores: null -> None, true -> 'true'."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@contextmanager
def cycle_collection_paused():
    """Parsing an answer makes a list per row, which the cycle collector would scan
    again and again; reference counting frees them either way (docs/benchmarks.md)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def read_saved(
    raw_root: Path, dataset: str, columns_of: Callable, columns: tuple[str, ...]
) -> pd.DataFrame:
    """Every row of every saved fetch of `dataset`, all values as text, plus `fetched_at`
    (ISO UTC) and `fetch_dir` (relative to raw_root). `columns_of(body, error)` turns one
    saved JSON body into its rows as columns (name -> list of parsed values, stored as
    text); `error(msg)` makes a RawDataError naming the file. An empty frame with the
    same columns when nothing was fetched."""
    parts = []
    for fetch_dir, fetched_at in fetch_dirs(raw_root, dataset):
        rel = f"{dataset}/{fetch_dir.name}"
        for path in response_files(fetch_dir):

            def error(msg: str, path: Path = path) -> Exception:
                return RawDataError(f"{path}: {msg}")

            with cycle_collection_paused():
                found = columns_of(load_json(path), error)
            rows = len(next(iter(found.values()), []))
            found.update(fetched_at=[fetched_at] * rows, fetch_dir=[rel] * rows)
            parts.append(pa.table({c: _text_array(found[c]) for c in columns}))
    if not parts:
        return pd.DataFrame(columns=list(columns), dtype="str")
    return pa.concat_tables(parts).to_pandas(types_mapper=_TEXT_DTYPES.get)


def _text_array(values: list) -> pa.Array:
    """Values as text: null stays null, anything that is not a string becomes its JSON
    text (as_text)."""
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([as_text(v) for v in values], type=pa.string())


# read_saved's frames hold pandas' default text dtype ("str"), as pd.DataFrame(dtype="str").
_TEXT_DTYPES = {pa.string(): pd.StringDtype(na_value=float("nan"))}


def saved_requests(raw_root: Path, dataset: str, params: tuple[str, ...]) -> pd.DataFrame:
    """One row per request of every saved fetch of `dataset`, from its query.json:
    `fetch_dir`, `fetched_at`, `request`, `status`, `file` (the saved body, None when the
    answer had none) and the request's `params`, all as text. The staging models need
    them to know what a later fetch replaces, so a fetch dir whose query.json is missing,
    unreadable, or does not name exactly its saved response files is an error naming it."""
    records: list[dict[str, str | None]] = []
    for fetch_dir, fetched_at in fetch_dirs(raw_root, dataset):
        path = fetch_dir / "query.json"
        if not path.is_file():
            raise RawDataError(
                f"{path}: {'not a file' if path.exists() else 'missing'}. Every saved fetch "
                f"needs its query.json; move {fetch_dir} out of {raw_root} or fetch again"
            )
        query = load_json(path)
        requests_ = query.get("requests") if isinstance(query, dict) else None
        if not isinstance(requests_, list) or not all(isinstance(r, dict) for r in requests_):
            raise RawDataError(f"{path}: has no list of requests")
        for n, entry in enumerate(requests_, start=1):
            if not isinstance(entry.get("params"), dict):
                raise RawDataError(f"{path}: request {n} has no parameters")
        named = {as_text(r.get("file")) for r in requests_} - {None}
        saved = {f.name for f in response_files(fetch_dir)}
        if named != saved:
            unnamed = ", ".join(sorted(saved - named)) or "none"
            missing = ", ".join(sorted(named - saved)) or "none"
            raise RawDataError(
                f"{path}: does not match the saved responses (saved but not in its "
                f"requests: {unnamed}; in its requests but not saved: {missing})"
            )
        for entry in requests_:
            records.append(
                {
                    "fetch_dir": f"{dataset}/{fetch_dir.name}",
                    "fetched_at": fetched_at,
                    "request": as_text(entry.get("request")),
                    "status": as_text(entry.get("status")),
                    "file": as_text(entry.get("file")),
                    **{name: as_text(entry["params"].get(name)) for name in params},
                }
            )
    return pd.DataFrame(records, columns=[*REQUEST_COLUMNS, *params], dtype="str")


def response_files(fetch_dir: Path) -> list[Path]:
    return sorted(fetch_dir.glob("response_*.json"))


def load_json(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8-sig"), parse_float=str, parse_int=str)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RawDataError(f"{path}: not valid JSON ({exc})") from None
