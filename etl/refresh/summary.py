"""What a refresh did, in words: requests made and saved, new months and years, values
revised, and the requests that failed with how to retry them."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from etl.refresh.plan import Request

SOURCE_NAMES = {"census": "Census API", "comtrade": "Comtrade"}


@dataclass
class SourceTally:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    rows: int = 0
    new: int = 0
    revised: int = 0
    removed: int = 0
    new_periods: set = field(default_factory=set)
    revised_periods: set = field(default_factory=set)
    warnings: list = field(default_factory=list)


@dataclass
class Summary:
    planned: int = 0
    dry_run: bool = False
    resumed: bool = False
    already_done: int = 0
    rebuilt: bool = False
    seconds: float = 0.0
    sources: dict = field(default_factory=dict)
    failed: list = field(default_factory=list)  # (request label, error)

    @classmethod
    def from_done(cls, plan: list[Request], done: dict, *, resumed: bool) -> Summary:
        summary = cls(planned=len(plan), resumed=resumed)
        summary.already_done = sum(r.id in done for r in plan)
        return summary

    def add(self, request: Request, outcome: dict) -> None:
        tally = self.sources.setdefault(request.source, SourceTally())
        tally.requests += 1
        tally.statuses[outcome["status"]] += 1
        if outcome["status"] == "failed":
            self.failed.append((request.label, outcome["error"]))
            return
        tally.rows += outcome.get("rows", 0)
        tally.new += outcome.get("new", 0)
        tally.revised += outcome.get("revised", 0)
        tally.removed += outcome.get("removed", 0)
        tally.new_periods |= set(outcome.get("new_periods", []))
        tally.revised_periods |= set(outcome.get("revised_periods", []))
        tally.warnings += outcome.get("warnings", [])

    def counts(self) -> dict[str, int]:
        total = Counter()
        for tally in self.sources.values():
            total.update(tally.statuses)
        return {k: total[k] for k in ("saved", "unchanged", "no data", "failed") if total[k]}

    @property
    def changed(self) -> bool:
        return any(t.statuses["saved"] for t in self.sources.values())

    def lines(self, db_path) -> list[str]:
        out = [
            f"Refresh {'finished' if not self.failed else 'stopped with failures'} in "
            f"{self.seconds:.1f} s: {sum(t.requests for t in self.sources.values())} requests"
            + (f" (going on with a plan: {self.already_done} done before)" if self.resumed else "")
            + "."
        ]
        for source, tally in sorted(self.sources.items()):
            s = tally.statuses
            out.append(
                f"  {SOURCE_NAMES[source]}: {tally.requests} requests, {tally.rows:,} rows "
                f"fetched; {s['saved']} answers saved, {s['unchanged']} unchanged (not saved), "
                f"{s['no data']} without data, {s['failed']} failed."
            )
            out.append(f"    new figures: {tally.new:,}{_periods(tally.new_periods)}")
            out.append(
                f"    values revised: {tally.revised:,}{_periods(tally.revised_periods)}; "
                f"no longer reported: {tally.removed:,}"
            )
            for warning in dict.fromkeys(tally.warnings):
                out.append(f"    {warning}")
        if self.rebuilt:
            out.append(f"  Warehouse rebuilt: {db_path}.")
        elif not self.changed:
            out.append(f"  Nothing new: nothing saved, the warehouse {db_path} is unchanged.")
        if self.failed:
            out.append(f"  {len(self.failed)} requests failed:")
            out += [f"    {label}: {error}" for label, error in self.failed]
            out.append(
                "  Everything else is saved. Run `python -m etl refresh` again to retry only "
                "the failed requests (`--new-plan` plans afresh instead)."
            )
        return out


def _periods(periods: set) -> str:
    if not periods:
        return ""
    items = sorted(periods)
    if len(items) <= 6:
        return f" ({', '.join(items)})"
    return f" ({len(items)} periods, {items[0]} to {items[-1]})"
