"""What the upload checks say: one message per problem, by row as numbered in the file.

A million-line file can have a million problems of one kind. `by_kind` keeps the first
few of each kind in full and says how many more there are, so the report stays readable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

ERROR = "error"  # the row (or the file) is left out
WARNING = "warning"  # the row is used, but check it
NOTE = "note"  # how the file was read: nothing to fix

SHOWN_PER_KIND = 10  # rows listed in full for each kind of problem


@dataclass(frozen=True)
class UploadMessage:
    """One problem: `row` as numbered in the file (header = 1), None for the whole file."""

    row: int | None
    column: str | None
    problem: str
    severity: str = ERROR


def messages_frame(messages: Iterable[UploadMessage]) -> pd.DataFrame:
    return pd.DataFrame(
        [(m.row, m.column, m.severity, m.problem) for m in messages],
        columns=["row", "column", "severity", "problem"],
    )


def more_of_a_kind(count: int, column: str | None, what: str, severity: str) -> UploadMessage:
    """The message that stands for the rows of one kind not listed in full."""
    return UploadMessage(
        None,
        column,
        f"{count:,} more row(s) with this problem ({what}); the first {SHOWN_PER_KIND} "
        "are listed by row",
        severity,
    )
