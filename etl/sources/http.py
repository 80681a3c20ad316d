"""Plumbing shared by the API fetchers.

- `get`: one HTTP GET with a timeout, retries with exponential backoff on 429, 5xx,
  timeouts and connection errors (honouring Retry-After), and an optional throttle.
- `redact`: every message, exception and saved file goes through it, so API keys
  (`key=` query values, the `Ocp-Apim-Subscription-Key` header) never leave memory.
- `FetchDir`: a fetch writes into a hidden temp dir and renames it into place as
  `raw_dir()/<dataset>/<UTC stamp>/` only when the whole fetch succeeded.
- `fetch_dirs` / `load_json` / `saved_requests`: what the `read_raw` and
  `read_requests` functions read back.
"""

from __future__ import annotations

import email.utils
import gc
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import requests

REDACTED = "REDACTED"
SECRET_PARAMS = ("key", "subscription-key", "api_key", "apikey", "token")
SECRET_HEADERS = ("Ocp-Apim-Subscription-Key",)

# key=... in a query string or anywhere in text (not "monkey=")
_PARAM_RE = re.compile(
    r"(?i)(?<![A-Za-z0-9_-])((?:" + "|".join(map(re.escape, SECRET_PARAMS)) + r")=)"
    r"[^&\s'\"<>#,;)]+"
)
# "Ocp-Apim-Subscription-Key: v", "'Ocp-Apim-Subscription-Key': 'v'", "...Key=v"
_HEADER_RE = re.compile(
    r"(?i)((?:" + "|".join(map(re.escape, SECRET_HEADERS)) + r")['\"]?\s*[:=]\s*['\"]?)"
    r"[^'\"\s,}&]+"
)

STAMP_FORMAT = "%Y-%m-%dT%H%M%SZ"  # directory names: 2026-11-28T131500Z
STAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}Z$")
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # fetched_at as text: 2026-11-28T13:15:00Z


class FetchError(Exception):
    """An expected fetch failure. The message is one redacted line for the user."""


class RawDataError(ValueError):
    """A saved fetch dir cannot be read back (edited by hand, or a format change)."""


def redact(text: object, secrets: Iterable[str | None] = ()) -> str:
    """`text` with API keys replaced by REDACTED (query values, header values and the
    literal `secrets`, also URL-encoded)."""
    out = str(text)
    for secret in secrets:
        if secret:
            for form in {secret, requests.utils.quote(secret, safe="")}:
                out = out.replace(form, REDACTED)
    out = _PARAM_RE.sub(lambda m: m.group(1) + REDACTED, out)
    return _HEADER_RE.sub(lambda m: m.group(1) + REDACTED, out)


def redact_params(params: Sequence[tuple[str, str]] | dict[str, Any]) -> dict[str, Any]:
    """Query parameters as a dict for query.json, secret values replaced."""
    items = params.items() if isinstance(params, dict) else params
    return {
        k: (REDACTED if k.lower() in SECRET_PARAMS or k in SECRET_HEADERS else v) for k, v in items
    }


def utc_now() -> datetime:
    return datetime.now(UTC)


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime(ISO_FORMAT)


# --- HTTP -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpResponse:
    status: int
    body: bytes
    url: str  # redacted
    retrieved_at: datetime  # UTC
    attempts: int
    content_type: str = ""


class Throttle:
    """At least `min_interval` seconds between the starts of two requests."""

    def __init__(
        self,
        min_interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.min_interval = max(0.0, float(min_interval))
        self.clock = clock
        self.sleep = sleep
        self._last: float | None = None

    def wait(self) -> None:
        if self._last is not None and self.min_interval > 0:
            remaining = self.min_interval - (self.clock() - self._last)
            if remaining > 0:
                self.sleep(remaining)
        self._last = self.clock()


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None if absent or bad."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or utc_now())).total_seconds())


def _short_reason(exc: BaseException, secrets: Iterable[str | None]) -> str:
    """The innermost cause of a requests exception, e.g. 'Connection refused'."""
    text = str(exc)
    match = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)
    reason = match.group(1) if match else (text.splitlines() or [type(exc).__name__])[0]
    return redact(reason, secrets)[:200]


def _snippet(body: bytes, secrets: Iterable[str | None], limit: int = 200) -> str:
    text = body.decode("utf-8", errors="replace")
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[:limit] + "..."
    return redact(text, secrets)


def get(
    url: str,
    params: Sequence[tuple[str, str]] | dict[str, str] | None = None,
    *,
    headers: dict[str, str] | None = None,
    timeout: float = 30.0,
    retries: int = 3,
    backoff: float = 1.0,
    max_wait: float = 120.0,
    sleep: Callable[[float], None] = time.sleep,
    throttle: Throttle | None = None,
    session: requests.Session | None = None,
    secrets: Iterable[str | None] = (),
    source: str = "API",
    what: str = "",
    log: Callable[[str], None] | None = None,
) -> HttpResponse:
    """GET `url` and return the response of the first attempt that is not retryable.

    Retries (`retries` more attempts after the first) on 429, 5xx, timeouts and
    connection errors, waiting Retry-After when the server sends one, otherwise
    `backoff * 2**n` seconds (both capped at `max_wait`). Any other 4xx fails at
    once. Raises FetchError with a one-line, redacted message, e.g.
    "Census API returned HTTP 500 after 4 attempts for HS 52 2019-01..2024-12".
    """
    secrets = [s for s in secrets if s]
    for name, value in (headers or {}).items():
        if name in SECRET_HEADERS:
            secrets.append(value)
    sess = session or requests.Session()
    attempts = max(0, int(retries)) + 1
    suffix = f" for {what}" if what else ""
    problem = ""
    try:
        for attempt in range(1, attempts + 1):
            if throttle is not None:
                throttle.wait()
            wait: float | None = None
            fatal: str | None = None
            response = None
            try:
                response = sess.get(url, params=params, headers=headers, timeout=timeout)
            except requests.Timeout:
                problem = f"timed out (no answer within {timeout:g} s)"
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                problem = f"could not be reached ({_short_reason(exc, secrets)})"
            except requests.RequestException as exc:
                fatal = f"{source} request failed{suffix}: {_short_reason(exc, secrets)}"
            if fatal is not None:
                break
            if response is not None:
                status = response.status_code
                if status == 429 or 500 <= status <= 599:
                    problem = f"returned HTTP {status}"
                    wait = retry_after_seconds(response.headers.get("Retry-After"))
                elif status >= 400:
                    fatal = (
                        f"{source} returned HTTP {status}{suffix}: "
                        f"{_snippet(response.content, secrets) or response.reason}"
                    )
                    break
                else:
                    return HttpResponse(
                        status=status,
                        body=response.content,
                        url=redact(response.url, secrets),
                        retrieved_at=utc_now(),
                        attempts=attempt,
                        content_type=response.headers.get("Content-Type", ""),
                    )
            if attempt == attempts:
                break
            if wait is None:
                wait = backoff * 2 ** (attempt - 1)
            wait = min(max(0.0, wait), max_wait)
            if log is not None:
                log(
                    f"  {source} {problem}{suffix}; retrying in {wait:g} s "
                    f"(attempt {attempt + 1} of {attempts})"
                )
            sleep(wait)
    finally:
        if session is None:
            sess.close()
    if fatal is None:
        fatal = f"{source} {problem} after {attempts} attempt{'s' if attempts > 1 else ''}{suffix}"
    # Raised outside any `except` so no chained exception carries an unredacted URL.
    raise FetchError(redact(fatal, secrets))


# --- JSON -----------------------------------------------------------------------------


def parse_json_body(body: bytes, *, source: str, what: str, status: int = 200) -> Any:
    """Decode a response body; numbers stay text (`parse_float=str`), so nothing is
    rounded and codes keep their leading zeros. FetchError if empty or malformed."""
    if not body.strip():
        raise FetchError(f"{source} returned an empty body with HTTP {status} for {what}")
    try:
        return json.loads(body.decode("utf-8-sig"), parse_float=str, parse_int=str)
    except UnicodeDecodeError as exc:
        raise FetchError(f"{source} returned a body that is not UTF-8 for {what}") from exc
    except json.JSONDecodeError as exc:
        raise FetchError(
            f"{source} returned malformed JSON for {what}: {exc.msg} "
            f"at line {exc.lineno} column {exc.colno}"
        ) from None


def as_text(value: Any) -> str | None:
    """A JSON value as the text read_raw stores: null -> None, true -> 'true'."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


# --- Fetch directories ----------------------------------------------------------------


@dataclass
class FetchResult:
    directory: Path
    rows: int
    requests: int
    warnings: list[str] = field(default_factory=list)


class FetchDir:
    """A fetch's output: `<raw_root>/<dataset>/.<stamp>.partial-<pid>/` while it runs,
    renamed to `<raw_root>/<dataset>/<stamp>/` by `commit()`. Used as a context
    manager, any exception removes the partial dir (earlier fetch dirs are never
    touched)."""

    def __init__(
        self,
        raw_root: Path,
        dataset: str,
        *,
        now: Callable[[], datetime] = utc_now,
        secrets: Iterable[str | None] = (),
    ):
        self.dataset = dataset
        self.parent = Path(raw_root) / dataset
        self.parent.mkdir(parents=True, exist_ok=True)
        self.secrets = [s for s in secrets if s]
        self.started = now().astimezone(UTC).replace(microsecond=0)
        while (self.parent / self.started.strftime(STAMP_FORMAT)).exists():
            self.started += timedelta(seconds=1)  # two fetches in one second
        self.tmp = self.parent / f".{self.stamp}.partial-{os.getpid()}"
        self.tmp.mkdir()
        self.requests: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        self.rows = 0

    @property
    def stamp(self) -> str:
        return self.started.strftime(STAMP_FORMAT)

    def __enter__(self) -> FetchDir:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.discard()

    def record(
        self,
        response: HttpResponse,
        *,
        params: Sequence[tuple[str, str]] | dict[str, Any],
        rows: int,
        label: str,
        note: str | None = None,
    ) -> str | None:
        """Save the body byte for byte (if it has one) and describe the request."""
        n = len(self.requests) + 1
        name = None
        if response.body:
            name = f"response_{n:03d}.json"
            (self.tmp / name).write_bytes(response.body)
        entry = {
            "request": n,
            "label": label,
            "url": redact(response.url, self.secrets),
            "params": redact_params(params),
            "status": response.status,
            "attempts": response.attempts,
            "retrieved_at": iso(response.retrieved_at),
            "rows": rows,
            "file": name,
            "bytes": len(response.body),
            "sha256": hashlib.sha256(response.body).hexdigest() if response.body else None,
        }
        if note:
            entry["note"] = note
        self.requests.append(entry)
        self.rows += rows
        return name

    def warn(self, message: str) -> None:
        self.warnings.append(redact(message, self.secrets))

    def commit(self, description: dict[str, Any]) -> FetchResult:
        """Write query.json and move the dir into place."""
        query = {
            "dataset": self.dataset,
            "fetched_at": iso(self.started),
            **description,
            "rows": self.rows,
            "warnings": self.warnings,
            "requests": self.requests,
        }
        text = redact(json.dumps(query, indent=2, ensure_ascii=False), self.secrets) + "\n"
        (self.tmp / "query.json").write_text(text, encoding="utf-8")
        while True:
            final = self.parent / self.stamp
            try:
                if final.exists():
                    raise FileExistsError(final)
                os.rename(self.tmp, final)
                break
            except OSError:
                if not final.exists():
                    raise
                self.started += timedelta(seconds=1)  # lost a race for the name
        return FetchResult(final, self.rows, len(self.requests), list(self.warnings))

    def discard(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)


def fetch_dirs(raw_root: Path, dataset: str) -> list[tuple[Path, str]]:
    """Completed fetch dirs of `dataset`, oldest first, with their time as ISO text.
    Hidden `.partial` dirs (a fetch that is running or was killed) are skipped."""
    parent = Path(raw_root) / dataset
    if not parent.is_dir():
        return []
    out = []
    for entry in sorted(parent.iterdir()):
        if entry.is_dir() and STAMP_RE.match(entry.name):
            stamp = datetime.strptime(entry.name, STAMP_FORMAT).replace(tzinfo=UTC)
            out.append((entry, iso(stamp)))
    return out


@contextmanager
def cycle_collection_paused():
    """Parsing a saved answer makes a list per row: with the cycle collector on, it scans
    them again and again (about half of json.loads's time on a large answer). They are
    freed by reference counting either way."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


# What read_saved adds to every row, after the source's own columns.
SAVED_COLUMNS = ("fetched_at", "fetch_dir")


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
    text (as_text). Arrow builds the column about twice as fast as pandas from a list."""
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([as_text(v) for v in values], type=pa.string())


# read_saved's frames hold pandas' default text dtype ("str"), as pd.DataFrame(dtype="str").
_TEXT_DTYPES = {pa.string(): pd.StringDtype(na_value=float("nan"))}


# What saved_requests gives for every request, before the source's own parameters.
REQUEST_COLUMNS = ("fetch_dir", "fetched_at", "request", "status", "file")


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
