"""Model parameters, each carried as an `Assumption` with its source or its label, and
the `Scenario` that holds one set of them (the defaults: exposure/defaults.py).

Every number the model uses is one of these. A value with no source in the data is
labelled "assumption" and is meant to be changed by the user (`Scenario.with_value`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace

import pandas as pd

from exposure.domain import UFLPA_DATE, WRO_YEAR

# Labels, from strongest to weakest footing.
SOURCED = "sourced"  # the value is a cited figure as printed
DERIVED = "derived from cited figures"  # arithmetic on cited figures (e.g. a ratio)
DATA = "computed from the trade data"  # arithmetic on warehouse trade values
DEFINITION = "definition"  # follows from how the product group is defined
ASSUMPTION = "assumption"  # no source: a value chosen for the model, change it freely
USER = "set by the user"
LABELS = (SOURCED, DERIVED, DATA, DEFINITION, ASSUMPTION, USER)

SCENARIO_LEVELS = ("low", "central", "high")


@dataclass(frozen=True)
class Assumption:
    """One model parameter with its provenance.

    `scope` says what it applies to (a product group, a year, or "" for all).
    """

    name: str
    value: float
    unit: str
    label: str
    source_ids: tuple[str, ...] = ()
    quote: str = ""
    note: str = ""
    scope: str = ""

    def __post_init__(self):
        if self.label not in LABELS:
            raise ValueError(f"unknown label {self.label!r}; use one of {LABELS}")
        value = float(self.value)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{self.name}[{self.scope}]: value must be a finite number")
        if self.unit.startswith("share") and not 0.0 <= value <= 1.0:
            raise ValueError(f"{self.name}[{self.scope}] = {value}: shares must be in [0, 1]")

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.scope)


@dataclass(frozen=True)
class Scenario:
    """A named set of assumptions for one base year."""

    name: str
    base_year: int
    assumptions: tuple[Assumption, ...] = field(default_factory=tuple)

    def __post_init__(self):
        keys = [a.key for a in self.assumptions]
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            raise ValueError(f"duplicate assumptions: {sorted(dupes)}")

    def get(self, name: str, scope: str = "") -> Assumption | None:
        for a in self.assumptions:
            if a.name == name and a.scope == scope:
                return a
        return None

    def value(self, name: str, scope: str = "", default: float | None = None) -> float:
        a = self.get(name, scope)
        if a is None:
            if default is None:
                raise KeyError(f"scenario {self.name!r} has no assumption {name}[{scope}]")
            return default
        return float(a.value)

    def with_value(self, name: str, value: float, scope: str = "", note: str = "") -> Scenario:
        """A copy with one value changed by the user; the old value is kept in the note."""
        old = self.get(name, scope)
        if old is None:
            new = Assumption(name, float(value), "share", USER, note=note, scope=scope)
            return replace(self, assumptions=self.assumptions + (new,))
        was = f"default {old.value:g} ({old.label}"
        was += f", {', '.join(old.source_ids)})" if old.source_ids else ")"
        new = replace(
            old,
            value=float(value),
            label=USER,
            note=f"{note + '; ' if note else ''}changed by the user; {was}; {old.note}".strip("; "),
        )
        return replace(
            self, assumptions=tuple(new if a.key == old.key else a for a in self.assumptions)
        )

    def ramp(self, year: int) -> float:
        """Share of the full effect reached in `year` (0 before the WRO year)."""
        if year < WRO_YEAR:
            return 0.0
        years = sorted(int(a.scope) for a in self.assumptions if a.name == "ramp")
        if not years:
            return 1.0
        known = [y for y in years if y <= year]
        return self.value("ramp", str(known[-1])) if known else 0.0

    def enforcement(self, year: int | None = None) -> float:
        """Enforcement intensity in `year` (None: the full effect, UFLPA included)."""
        base = self.value("enforcement")
        uplift = self.value("uflpa_uplift", default=0.0)
        return min(1.0, base + uplift * uflpa_year_fraction(year))

    def direct_share(self, group: str, covered_content: float | None = None) -> float:
        """Share of China-origin imports of `group` attributable to Xinjiang inputs.

        `covered_content` replaces the group's covered-content share (for one line).
        """
        content = (
            self.value("covered_content", group, 0.0)
            if covered_content is None or pd.isna(covered_content)
            else float(covered_content)
        )
        return self.value("xinjiang_share", group, 0.0) * content

    def indirect_reliance(self, group: str, partner: str = "") -> float:
        """A third country's reliance on Chinese inputs for `group` (per partner if set)."""
        specific = self.get("indirect_reliance", f"{partner}:{group}") if partner else None
        if specific is not None:
            return float(specific.value)
        return self.value("indirect_reliance", group, 0.0)

    def indirect_share(
        self, group: str, partner: str = "", covered_content: float | None = None
    ) -> float:
        """Share of a third country's imports of `group` attributable to Xinjiang inputs."""
        return self.indirect_reliance(group, partner) * self.direct_share(group, covered_content)

    def frame(self) -> pd.DataFrame:
        """The assumptions as a table (one row each), for display beside results."""
        rows = [
            {
                "scenario": self.name,
                "name": a.name,
                "scope": a.scope,
                "value": a.value,
                "unit": a.unit,
                "label": a.label,
                "source_ids": ", ".join(a.source_ids),
                "quote": a.quote,
                "note": a.note,
            }
            for a in self.assumptions
        ]
        return pd.DataFrame(
            rows,
            columns=[
                "scenario",
                "name",
                "scope",
                "value",
                "unit",
                "label",
                "source_ids",
                "quote",
                "note",
            ],
        )


def uflpa_year_fraction(year: int | None) -> float:
    """Share of `year` with the UFLPA in force (it took effect on 21 June 2022)."""
    if year is None:
        return 1.0
    start, end = (
        pd.Timestamp(year=year, month=1, day=1),
        pd.Timestamp(year=year + 1, month=1, day=1),
    )
    if UFLPA_DATE >= end:
        return 0.0
    if UFLPA_DATE <= start:
        return 1.0
    return (end - UFLPA_DATE).days / (end - start).days


def assumptions_frame(scenarios: Iterable[Scenario] | Mapping[str, Scenario]) -> pd.DataFrame:
    """All scenarios' assumptions in one table."""
    items = scenarios.values() if isinstance(scenarios, Mapping) else scenarios
    return pd.concat([s.frame() for s in items], ignore_index=True)
