"""What lets a refresh stop anywhere and go on: one lock, so two refreshes never interleave,
and the plan file, rewritten atomically after every request, saying which requests are done.
Both live in `<raw>/.refresh/`; the fetched answers themselves are saved by the fetchers,
each fetch dir renamed into place whole."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from etl.refresh.plan import Request

STATE_DIR = ".refresh"


class RefreshBusy(Exception):
    """Another refresh holds the lock."""


def state_dir(raw_root: Path) -> Path:
    path = Path(raw_root) / STATE_DIR
    path.mkdir(parents=True, exist_ok=True)
    return path


class RefreshLock:
    """An OS lock on `<raw>/.refresh/lock` (released by the kernel if the process dies, so a
    killed refresh never leaves it taken), and a note of who holds it for the message."""

    def __init__(self, raw_root: Path, wait: float = 0.0):
        self.dir = state_dir(raw_root)
        self.lock = FileLock(self.dir / "lock", timeout=wait)
        self.owner = self.dir / "owner.json"
        self.wait = wait

    def __enter__(self) -> RefreshLock:
        try:
            self.lock.acquire()
        except Timeout:
            who = _read_json(self.owner) or {}
            since = who.get("started", "an unknown time")
            waited = f" after waiting {self.wait:g} s" if self.wait else ""
            raise RefreshBusy(
                f"Another refresh is running (process {who.get('pid', '?')}, started {since})"
                f"{waited}. Let it finish, or wait for it with --wait SECONDS."
            ) from None
        _write_json(self.owner, {"pid": os.getpid(), "started": _now()})
        return self

    def __exit__(self, *exc) -> None:
        self.owner.unlink(missing_ok=True)
        self.lock.release()


class PlanFile:
    """`<raw>/.refresh/plan.json`: the requests of the refresh under way, which are done
    (and how), the fetch dirs it saved, and whether the warehouse was rebuilt since."""

    def __init__(self, raw_root: Path):
        self.dir = state_dir(raw_root)
        self.path = self.dir / "plan.json"
        self.data: dict = {}

    def pending(self) -> bool:
        return self.path.exists()

    def load(self) -> list[Request]:
        self.data = _read_json(self.path)
        if not isinstance(self.data, dict) or "requests" not in self.data:
            raise ValueError(f"{self.path} is not a refresh plan; remove it to plan anew")
        return [Request.from_json(r) for r in self.data["requests"]]

    def start(self, plan: list[Request], today: str) -> None:
        self.data = {
            "started": _now(),
            "today": today,
            "requests": [r.to_json() for r in plan],
            "done": {},
            "saved": [],
            "built": False,
        }
        self.save()

    @property
    def done(self) -> dict[str, dict]:
        return self.data["done"]

    def record(self, request: Request, outcome: dict, saved_dir: str | None) -> None:
        self.data["done"][request.id] = outcome
        if saved_dir:
            self.data["saved"].append(saved_dir)
            self.data["built"] = False
        self.save()

    def forget_failures(self) -> None:
        self.data["done"] = {k: v for k, v in self.done.items() if v.get("status") != "failed"}
        self.save()

    def mark_built(self) -> None:
        self.data["built"] = True
        self.save()

    def finish(self) -> Path:
        """Move the finished plan to `history/` (what each run asked and got)."""
        history = self.dir / "history"
        history.mkdir(exist_ok=True)
        target = history / f"{self.data['started'].replace(':', '')}.json"
        os.replace(self.path, target)
        return target

    def save(self) -> None:
        _write_json(self.path, self.data)

    def discard(self) -> None:
        self.path.unlink(missing_ok=True)


def incoming_dir(raw_root: Path) -> Path:
    """Where an answer waits while it is compared with what is held; emptied at the start
    of every run (an answer not yet moved into place was not saved)."""
    path = state_dir(raw_root) / "incoming"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir()
    return path


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None


def _write_json(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
