"""What a page section draws, as plain data: a section builds these and dashboard.render
turns them into Streamlit calls (the one place that does). Pure: no st.* here.

A section is a function that reads its own widgets and the page's shared filters and
returns a list of blocks; the embed view keeps only the Chart it is asked for.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
import plotly.graph_objects as go


@dataclass(frozen=True)
class Chart:
    """A chart with its text alternative (summary), the table behind it and downloads."""

    id: str
    fig: go.Figure
    data: pd.DataFrame
    summary: str
    table: pd.DataFrame | None = None


@dataclass(frozen=True)
class Table:
    """A table on the page (`shown`, e.g. formatted, defaults to `df`) with CSV and XLSX
    downloads of `df` that carry its title, source, units and vintage."""

    df: pd.DataFrame
    key: str
    title: str
    source: str = ""
    units: str = ""
    shown: pd.DataFrame | None = None
    column_config: dict | None = None
    vintage: str | None = None
    subtitle: str = ""
    static: bool = False  # a small table drawn whole, without downloads
    downloads: bool = True


@dataclass(frozen=True)
class Note:
    """Text: 'caption', 'markdown', 'info', 'success', 'warning', 'error' or 'subheader'.
    A note with `embed`
    set also stands in an embed of the section's chart (e.g. 'no data for ...')."""

    text: str
    kind: str = "caption"
    embed: bool = False


@dataclass(frozen=True)
class Prose:
    """A Markdown file of the page's prose (pages/text/<path>), as a caption or markdown."""

    path: str
    kind: str = "markdown"


@dataclass(frozen=True)
class Metric:
    label: str
    value: str
    delta: str | None = None


@dataclass(frozen=True)
class Row:
    """Blocks side by side: one list of blocks per column, widths as st.columns takes."""

    columns: Sequence[Sequence["Block"]]
    widths: Sequence[float] | None = None


@dataclass(frozen=True)
class Box:
    """Blocks in a bordered box, or in an expander when `expander` names its label."""

    blocks: Sequence["Block"]
    expander: str = ""
    heading: str = ""


@dataclass(frozen=True)
class Links:
    """Links to other pages of the app: (page file, title)."""

    pages: Sequence[tuple[str, str]] = field(default_factory=tuple)


@dataclass(frozen=True)
class File:
    """One file to download, made by `build()` only when clicked."""

    label: str
    build: object  # () -> bytes
    file_name: str
    mime: str
    key: str
    disabled: bool = False


@dataclass(frozen=True)
class Downloads:
    """A line of text and its download buttons (e.g. a whole table as CSV and XLSX)."""

    text: str
    files: Sequence[File]


Block = Chart | Table | Note | Prose | Metric | Row | Box | Links | Downloads


def charts_in(blocks: Sequence[Block]) -> list[Chart]:
    """Every Chart among the blocks, nested rows and boxes included, in page order."""
    found = []
    for block in blocks:
        if isinstance(block, Chart):
            found.append(block)
        elif isinstance(block, Row):
            for column in block.columns:
                found.extend(charts_in(column))
        elif isinstance(block, Box):
            found.extend(charts_in(block.blocks))
    return found


def notes_for_embed(blocks: Sequence[Block]) -> list[Note]:
    """The notes a section marks as standing in an embed of its chart."""
    return [b for b in blocks if isinstance(b, Note) and b.embed]
