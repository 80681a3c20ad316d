"""The refresh itself: take the lock, plan (or go on with the plan a killed or failed run
left), fetch each request into `.refresh/incoming/`, keep the answer only if it changes what
is held (moved into `<raw>/<dataset>/` whole), rebuild the warehouse if anything was saved,
and say what happened."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from etl import build, paths
from etl.refresh import scope as scope_mod
from etl.refresh.holdings import CensusHoldings, ComtradeHoldings, Diff
from etl.refresh.plan import Request, make_plan, plan_lines
from etl.refresh.state import PlanFile, RefreshLock, incoming_dir
from etl.refresh.summary import Summary
from etl.sources import census, comtrade, http
from etl.sources.fetch_dir import STAMP_FORMAT, fetch_dirs
from etl.sources.redact import redact


@dataclass
class Settings:
    raw_root: Path = field(default_factory=paths.raw_dir)
    db_path: Path = field(default_factory=paths.db_path)
    today: date = field(default_factory=date.today)
    sources: tuple[str, ...] = ("census", "comtrade")
    dry_run: bool = False
    new_plan: bool = False
    wait: float = 0.0
    retries: int = 3
    backoff: float = 1.0
    census_min_interval: float = 1.0  # the keyless Census API: be polite
    comtrade_min_interval: float = 1.0  # the keyless preview and the free key: 1 call a second
    timeout: float = 60.0
    scope: scope_mod.Scope | None = None
    progress: bool | None = None  # None: a bar on a terminal, a line a request elsewhere
    out: TextIO = sys.stdout
    err: TextIO = sys.stderr
    build_log: Callable[[str], None] | None = None


def refresh(s: Settings) -> Summary:
    """Run (or go on with) a refresh; RefreshBusy if another one holds the lock."""
    started = time.perf_counter()
    with RefreshLock(s.raw_root, s.wait):
        plan_file = PlanFile(s.raw_root)
        if plan_file.pending() and s.new_plan:
            plan_file.discard()
        resumed = plan_file.pending()
        if resumed:
            plan = plan_file.load()
            if not s.dry_run:
                plan_file.forget_failures()
        else:
            if s.scope is None and not s.db_path.exists():
                # the product groups' HS6 lines are the warehouse's mapping
                _say(s, f"No warehouse at {s.db_path} yet: building it from {s.raw_root} first.")
                _build(s)
            scope = s.scope or scope_mod.default_scope(s.db_path)
            plan = make_plan(
                scope,
                CensusHoldings.load(s.raw_root),
                ComtradeHoldings.load(s.raw_root),
                s.today,
                comtrade_keyed=bool(os.environ.get(comtrade.KEY_ENV)),
                sources=s.sources,
            )
        keyed = bool(os.environ.get(comtrade.KEY_ENV))
        if s.dry_run:
            todo = [r for r in plan if r.id not in plan_file.data.get("done", {})]
            head = "Going on with the plan of an unfinished refresh" if resumed else "Plan"
            _say(s, f"{head} (dry run: nothing is fetched):")
            for line in plan_lines(todo, comtrade_keyed=keyed):
                _say(s, line)
            return Summary(planned=len(todo), dry_run=True)
        if not resumed:
            plan_file.start(plan, s.today.isoformat())
        else:
            _say(s, f"Going on with the refresh started {plan_file.data['started']}.")
        summary = fetch_all(s, plan, plan_file, resumed=resumed)
        if plan_file.data["saved"] and not plan_file.data["built"] or not s.db_path.exists():
            _build(s)
            plan_file.mark_built()
            summary.rebuilt = True
        if not summary.failed:
            plan_file.finish()
        summary.seconds = time.perf_counter() - started
        return summary


def fetch_all(s: Settings, plan: list[Request], plan_file: PlanFile, *, resumed: bool) -> Summary:
    census_held = CensusHoldings.load(s.raw_root)
    comtrade_held = ComtradeHoldings.load(s.raw_root)
    incoming = incoming_dir(s.raw_root)
    summary = Summary.from_done(plan, plan_file.done, resumed=resumed)
    todo = [r for r in plan if r.id not in plan_file.done]
    show_bar = s.progress if s.progress is not None else s.err.isatty()
    bar = tqdm(total=len(todo), unit="request", desc="Refreshing", file=s.err,
               disable=not show_bar, dynamic_ncols=True)  # fmt: skip

    def log(message: str) -> None:
        # each call fetches one request: its "[1/1] ..." line would repeat the bar
        if not message.startswith(("[", "No COMTRADE_API_KEY")):
            bar.write(message, file=s.err)

    options = dict(timeout=s.timeout, retries=s.retries, backoff=s.backoff, log=log, warn=log)
    apis = {
        "census": census.client(throttle=http.Throttle(s.census_min_interval), **options),
        "comtrade": comtrade.client(throttle=http.Throttle(s.comtrade_min_interval), **options),
    }
    try:
        for n, request in enumerate(todo, start=1):
            api = apis[request.source]
            try:
                if request.source == "census":
                    outcome, saved = _census(request, api, census_held, s.raw_root, incoming)
                else:
                    outcome, saved = _comtrade(request, api, comtrade_held, s.raw_root, incoming)
            except (http.FetchError, ValueError, OSError) as exc:
                outcome, saved = {"status": "failed", "error": redact(exc, api.secrets)}, None
            plan_file.record(request, outcome, saved)
            summary.add(request, outcome)
            bar.update(1)
            bar.set_postfix(summary.counts(), refresh=False)
            if not show_bar:
                _say(s, f"[{n}/{len(todo)}] {request.label}: {_outcome_words(outcome)}")
    finally:
        bar.close()
        for api in apis.values():
            api.close()
        shutil.rmtree(incoming, ignore_errors=True)
    return summary


def _census(request, api, held: CensusHoldings, raw_root: Path, incoming: Path):
    stamp = _stamp_after(raw_root, census.DATASET)
    result = census.fetch(
        api, [request.hs], request.start, request.end, ["ALL"], raw_root=incoming, now=stamp
    )
    if result.rows == 0:
        shutil.rmtree(result.directory)
        return {"status": "no data", "rows": 0}, None
    answer = census.read_raw(incoming)
    diff = held.diff(request.hs, request.start, request.end, answer)
    saved = _keep_if_changed(result.directory, raw_root / census.DATASET, diff)
    if saved:
        held.replace(request.hs, request.start, request.end, answer)
    return _outcome(diff, result, saved), saved


def _comtrade(request, api, held: ComtradeHoldings, raw_root: Path, incoming: Path):
    result = comtrade.fetch(
        api, request.cmd, [request.year], reporters=request.reporters,
        partners=request.partners, flow=request.flow, freq="A", raw_root=incoming,
        now=_stamp_after(raw_root, comtrade.DATASET),
    )  # fmt: skip
    if result.rows == 0:
        shutil.rmtree(result.directory)
        return {"status": "no data", "rows": 0}, None
    answer = comtrade.read_raw(incoming)
    diff = held.diff(answer)
    saved = _keep_if_changed(result.directory, raw_root / comtrade.DATASET, diff)
    if saved:
        held.add(answer)
    return _outcome(diff, result, saved), saved


def _keep_if_changed(directory: Path, parent: Path, diff: Diff) -> str | None:
    """Move a fetch dir into place (one rename) if its answer changes anything, else drop
    it: an unchanged answer would only add a vintage that says nothing new."""
    if not diff.changed:
        shutil.rmtree(directory)
        return None
    parent.mkdir(parents=True, exist_ok=True)
    target = parent / directory.name
    os.rename(directory, target)  # same filesystem: atomic; the name is new (_stamp_after)
    return f"{parent.name}/{directory.name}"


def _outcome(diff: Diff, result, saved: str | None) -> dict:
    return {
        "status": "saved" if saved else "unchanged",
        "rows": result.rows,
        "new": diff.new,
        "revised": diff.revised,
        "removed": diff.removed,
        "new_periods": sorted(map(str, diff.new_periods)),
        "revised_periods": sorted(map(str, diff.revised_periods)),
        "warnings": list(result.warnings),
        "saved": saved,
    }


def _outcome_words(outcome: dict) -> str:
    if outcome["status"] == "failed":
        return f"failed: {outcome['error']}"
    if outcome["status"] != "saved":
        return outcome["status"]
    return (
        f"saved, {outcome['rows']:,} rows: {outcome['new']:,} new, "
        f"{outcome['revised']:,} revised, {outcome['removed']:,} no longer reported"
    )


def _stamp_after(raw_root: Path, dataset: str) -> Callable[[], datetime]:
    """The time a fetch is stamped with: now, or a second after the latest saved fetch of
    the dataset, so a fetch dir moved into place never takes an existing name."""

    def now() -> datetime:
        current = datetime.now(UTC)
        done = fetch_dirs(raw_root, dataset)
        if done:
            latest = datetime.strptime(done[-1][0].name, STAMP_FORMAT).replace(tzinfo=UTC)
            current = max(current, latest + timedelta(seconds=1))
        return current

    return now


def _build(s: Settings) -> None:
    log = s.build_log or (lambda _m: None)
    _say(s, f"Rebuilding the warehouse {s.db_path} ...")
    build.build(db_path=s.db_path, raw_root=s.raw_root, log=log)


def _say(s: Settings, message: str) -> None:
    print(message, file=s.out, flush=True)
