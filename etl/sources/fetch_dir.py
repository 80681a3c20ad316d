"""Where a fetch writes: a hidden temp dir, renamed into place as
`raw_dir()/<dataset>/<UTC stamp>/` only when the whole fetch succeeded. It holds every
answer's body byte for byte and a query.json describing each request (keys redacted)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from etl.sources.redact import redact, redact_params

if TYPE_CHECKING:
    from etl.sources.http import HttpResponse

STAMP_FORMAT = "%Y-%m-%dT%H%M%SZ"  # directory names: 2026-11-28T131500Z
STAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{6}Z$")
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # fetched_at as text: 2026-11-28T13:15:00Z


def iso(ts: datetime) -> str:
    return ts.astimezone(UTC).strftime(ISO_FORMAT)


def _utc_now() -> datetime:
    return datetime.now(UTC)


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
        now: Callable[[], datetime] = _utc_now,
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
