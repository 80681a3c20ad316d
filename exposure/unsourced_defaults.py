"""Default values with no source in the data, read from unsourced_defaults.csv beside
this file: one row per parameter (and scope) with its low, central and high value, its
unit and why it was chosen. The same CSV makes docs/methodology.md's table of them
(`make docs`), so the docs and the code cannot disagree."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from exposure.assumptions import ASSUMPTION, SCENARIO_LEVELS, Assumption

UNSOURCED_CSV = Path(__file__).with_name("unsourced_defaults.csv")


@dataclass(frozen=True)
class Unsourced:
    """One row of unsourced_defaults.csv: a value per scenario level (None: not given,
    only for a ramp year after a level's last one), its unit and why it was chosen."""

    parameter: str
    scope: str  # a product group, a family key ("cotton"), a ramp year, or "" for all
    applies_to: str  # the scope in the docs' words
    values: dict[str, float | None]  # by scenario level
    unit: str
    note: str


def read_unsourced(path: Path = UNSOURCED_CSV) -> dict[tuple[str, str], Unsourced]:
    """The CSV by (parameter, scope). ValueError, naming the row, if a value is missing
    where it may not be (every level of a non-ramp row; a ramp year between given ones)."""
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    out: dict[tuple[str, str], Unsourced] = {}
    for n, row in enumerate(rows, start=2):
        values = {lvl: float(row[lvl]) if row[lvl].strip() else None for lvl in SCENARIO_LEVELS}
        item = Unsourced(
            row["parameter"], row["scope"], row["applies_to"], values, row["unit"], row["note"]
        )
        if item.parameter != "ramp" and None in values.values():
            raise ValueError(f"{path} line {n}: every scenario level needs a value")
        out[(item.parameter, item.scope)] = item
    for level in SCENARIO_LEVELS:
        given = [out[k].values[level] is not None for k in sorted(out) if k[0] == "ramp"]
        if given != sorted(given, reverse=True):
            raise ValueError(f"{path}: the {level} ramp skips a year before its last one")
    return out


UNSOURCED = read_unsourced()
# Share of the full effect reached in each year from the WRO year; later years keep the
# last value.
RAMPS: dict[str, dict[int, float]] = {
    level: {
        int(u.scope): u.values[level]
        for (name, _), u in sorted(UNSOURCED.items())
        if name == "ramp" and u.values[level] is not None
    }
    for level in SCENARIO_LEVELS
}


def unsourced(key: tuple[str, str], level: str, scope: str | None = None) -> Assumption:
    u = UNSOURCED[key]
    low, central, high = (u.values[lvl] for lvl in SCENARIO_LEVELS)
    return Assumption(
        key[0],
        u.values[level],
        u.unit,
        ASSUMPTION,
        note=f"{u.note} Scenario values low/central/high: {low:g}/{central:g}/{high:g}.",
        scope=key[1] if scope is None else scope,
    )


def _cell(text: str) -> str:
    return text.replace("|", r"\|")  # a pipe would end the Markdown table cell


def unsourced_markdown() -> str:
    """The table of unsourced_defaults.csv as docs/methodology.md shows it."""

    def value(v: float | None, bold: bool = False) -> str:
        text = "—" if v is None else f"{v:g}"
        return f"**{text}**" if bold and v is not None else text

    lines = [
        "| parameter (scope) | low / **central** / high | label | why this value |",
        "|---|---|---|---|",
    ]
    for u in UNSOURCED.values():
        low, central, high = (u.values[lvl] for lvl in SCENARIO_LEVELS)
        lines.append(
            f"| `{u.parameter}` ({u.applies_to}) | {value(low)} / {value(central, True)} / "
            f"{value(high)} | **assumption** | {_cell(u.note)} |"
        )
    return "\n".join(lines) + "\n"
