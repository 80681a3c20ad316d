"""The HTTP client the API fetchers share.

`Client` is one API as a fetcher sees it: its base URL and key, a `requests.Session`
whose adapter retries 429, 5xx, timeouts and connection errors (urllib3's `Retry`:
exponential backoff, Retry-After honoured, both capped), a throttle between requests,
and redaction of the key from every message. `Client.get` returns the first answer that
is not retried, or raises FetchError with one redacted line.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (
    ConnectTimeoutError,
    InvalidHeader,
    NewConnectionError,
    ReadTimeoutError,
)
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.util import Retry

from etl.sources.redact import SECRET_HEADERS, redact

RETRY_STATUSES = (429, 500, 502, 503, 504)
MAX_WAIT = 120.0  # seconds: the longest backoff or Retry-After we wait


class FetchError(Exception):
    """An expected fetch failure. The message is one redacted line for the user."""


def utc_now() -> datetime:
    return datetime.now(UTC)


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


def _problem(error: BaseException | None, status: int | None, timeout: float | None = None) -> str:
    """What went wrong with one attempt, in words: 'returned HTTP 503', 'timed out',
    'could not be reached (Connection refused)'."""
    if status is not None:
        return f"returned HTTP {status}"
    reason = getattr(error, "reason", error)  # requests wraps urllib3's MaxRetryError
    if isinstance(error, requests.RequestException) and error.args:
        reason = getattr(error.args[0], "reason", error.args[0])
    timed_out = isinstance(error, requests.Timeout) or (
        isinstance(reason, ConnectTimeoutError | ReadTimeoutError)
        and not isinstance(reason, NewConnectionError)
    )
    if timed_out:
        return f"timed out (no answer within {timeout:g} s)" if timeout else "timed out"
    text = str(error)
    match = re.search(r"\[Errno -?\d+\] ([^'\")]+)", text)
    why = match.group(1) if match else (text.splitlines() or [type(error).__name__])[0]
    return f"could not be reached ({redact(why)[:200]})"


class LoggedRetry(Retry):
    """urllib3's Retry that tells `log` about each retry in words before waiting
    (urllib3 itself logs retries only at DEBUG, with the URL). A Retry-After that is
    not a number or a date is ignored (backoff instead), as it was before."""

    def __init__(self, *args, log: Callable[[str], None] | None = None, source: str = "", **kw):
        super().__init__(*args, **kw)
        self.log, self.source = log, source

    def new(self, **kw: Any) -> LoggedRetry:
        retry = super().new(**kw)
        retry.log, retry.source = self.log, self.source
        return retry

    def get_retry_after(self, response) -> float | None:
        try:
            return super().get_retry_after(response)
        except InvalidHeader:
            return None

    def sleep(self, response=None) -> None:
        if self.log is not None and self.history:
            last = self.history[-1]
            after = self.get_retry_after(response) if response is not None else None
            wait = after if after else self.get_backoff_time()
            done, left = len(self.history), self.total or 0
            self.log(
                f"  {self.source} {_problem(last.error, last.status)}; retrying in {wait:g} s "
                f"(attempt {done + 1} of {done + left + 1})"
            )
        super().sleep(response)


class _RedactUrllib3(logging.Filter):
    """urllib3 logs request URLs, `key=` parameter and all (a retry at WARNING, more at
    DEBUG): the WARNING repeats what LoggedRetry says, so it is dropped; the rest are
    redacted."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if message.startswith("Retrying ("):
            return False
        record.msg, record.args = redact(message), ()
        return True


_URLLIB3_FILTER = _RedactUrllib3()


def retrying_session(
    retries: int = 3, backoff: float = 1.0, *, log: Callable[[str], None] | None = None, source=""
) -> requests.Session:
    """A Session that retries GETs `retries` times on 429, 5xx, timeouts and connection
    errors: Retry-After when the server sends one, else urllib3's backoff (0, 2 x backoff,
    4 x backoff ... seconds), each wait at most MAX_WAIT."""
    for name in ("urllib3.connectionpool", "urllib3.util.retry"):
        logging.getLogger(name).addFilter(_URLLIB3_FILTER)  # a set: added once
    retry = LoggedRetry(
        total=max(0, int(retries)),
        backoff_factor=max(0.0, float(backoff)),
        backoff_max=MAX_WAIT,
        retry_after_max=MAX_WAIT,
        status_forcelist=RETRY_STATUSES,
        allowed_methods={"GET"},
        respect_retry_after_header=True,
        raise_on_status=False,  # the last answer comes back; Client.get words the error
        log=log,
        source=source,
    )
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    return session


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr)


class Client:
    """One API as a fetcher sees it. `source` names it in messages ("Census API");
    `log` gets progress lines and `warn` warnings, both redacted. Close it (or use it
    as a context manager) to release the session's connections."""

    def __init__(
        self,
        source: str,
        base_url: str,
        *,
        api_key: str | None = None,
        timeout: float = 30.0,
        retries: int = 3,
        backoff: float = 1.0,
        throttle: Throttle | None = None,
        log: Callable[[str], None] = print,
        warn: Callable[[str], None] = _to_stderr,
    ):
        self.source = source
        self.base_url = base_url
        self.api_key = api_key or None
        self.timeout = timeout
        self.attempts = max(0, int(retries)) + 1
        self.throttle = throttle or Throttle(0)
        self._log, self._warn = log, warn
        self.session = retrying_session(retries, backoff, log=self.say, source=source)

    @property
    def secrets(self) -> list[str]:
        return [self.api_key] if self.api_key else []

    def redact(self, text: object) -> str:
        return redact(text, self.secrets)

    def say(self, message: str) -> None:
        self._log(self.redact(message))

    def warn(self, message: str) -> None:
        self._warn(self.redact(message))

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def get(
        self,
        url: str,
        params: Sequence[tuple[str, str]] | dict[str, str] | None = None,
        *,
        what: str = "",
        headers: dict[str, str] | None = None,
    ) -> HttpResponse:
        """GET `url` (after the throttle's wait), retried by the session. Any 4xx but 429
        fails at once. Raises FetchError with a one-line, redacted message, e.g.
        "Census API returned HTTP 500 after 4 attempts for HS 52 2019-01..2024-12"."""
        secrets: Iterable[str] = self.secrets + [
            v for k, v in (headers or {}).items() if k in SECRET_HEADERS and v
        ]
        suffix = f" for {what}" if what else ""
        tries = f"after {self.attempts} attempt{'s' if self.attempts > 1 else ''}"
        self.throttle.wait()
        try:
            r = self.session.get(url, params=params, headers=headers, timeout=self.timeout)
        except (requests.RequestException, Urllib3Error) as exc:
            problem = _problem(exc, None, self.timeout)
            fatal = f"{self.source} {problem} {tries}{suffix}"
        else:
            attempts = len(getattr(r.raw.retries, "history", ())) + 1
            if r.status_code in RETRY_STATUSES:
                fatal = f"{self.source} returned HTTP {r.status_code} {tries}{suffix}"
            elif r.status_code >= 400:
                fatal = (
                    f"{self.source} returned HTTP {r.status_code}{suffix}: "
                    f"{_snippet(r.content) or r.reason}"
                )
            else:
                return HttpResponse(
                    status=r.status_code,
                    body=r.content,
                    url=redact(r.url, secrets),
                    retrieved_at=utc_now(),
                    attempts=attempts,
                    content_type=r.headers.get("Content-Type", ""),
                )
        # Raised outside any `except` so no chained exception carries an unredacted URL.
        raise FetchError(redact(fatal, secrets))


def _snippet(body: bytes, limit: int = 200) -> str:
    text = " ".join(body.decode("utf-8", errors="replace").split())
    return text[:limit] + "..." if len(text) > limit else text


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
