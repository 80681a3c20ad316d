"""Publication-ready exports: stamped figures (PNG, SVG, PDF) and data files (CSV, XLSX)
that carry their own title, filters, source, vintage and units (docs/export.md).

- files.py: ExportMeta, the formats, injection-safe CSV and XLSX, file names;
- stamp.py: publication_figure, the stamped copy of a chart;
- render.py: the warm kaleido server and figure_bytes.

No ``st.*`` calls. Pages call these only when a download button is clicked
(``st.download_button(data=lambda: export.export_bytes(...))``), never on every rerun.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.export.files import (
    DATA_FORMATS,
    EXPORT_FORMATS,
    FIGURE_FORMATS,
    INJECTION_NOTE,
    INJECTION_PREFIXES,
    ExportFormat,
    ExportMeta,
    csv_bytes,
    export_formats,
    file_name,
    file_stem,
    metadata_rows,
    neutralise,
    read_export_csv,
    safe_table,
    unneutralise,
    xlsx_bytes,
    xlsx_table,
)
from dashboard.export.render import (
    PNG_SCALE,
    KaleidoServer,
    browser_path,
    figure_bytes,
    kaleido_server,
)
from dashboard.export.stamp import (
    EXPORT_HEIGHT,
    EXPORT_WIDTH,
    SOURCE_NAME,
    STAMP_PREFIX,
    URL_LINE_CHARS,
    publication_figure,
)

__all__ = [
    "DATA_FORMATS",
    "EXPORT_FORMATS",
    "EXPORT_HEIGHT",
    "EXPORT_WIDTH",
    "FIGURE_FORMATS",
    "INJECTION_NOTE",
    "INJECTION_PREFIXES",
    "PNG_SCALE",
    "SOURCE_NAME",
    "STAMP_PREFIX",
    "URL_LINE_CHARS",
    "ExportFormat",
    "ExportMeta",
    "KaleidoServer",
    "browser_path",
    "csv_bytes",
    "export_bytes",
    "export_formats",
    "figure_bytes",
    "file_name",
    "file_stem",
    "kaleido_server",
    "metadata_rows",
    "neutralise",
    "publication_figure",
    "read_export_csv",
    "safe_table",
    "unneutralise",
    "xlsx_bytes",
    "xlsx_table",
]


def export_bytes(
    fmt: str,
    meta: ExportMeta,
    *,
    fig: go.Figure | None = None,
    df: pd.DataFrame | None = None,
) -> bytes:
    """One entry point for download buttons: the stamped figure or the data file."""
    kind = EXPORT_FORMATS[fmt].kind
    if kind == "figure":
        if fig is None:
            raise ValueError(f"{fmt} export needs a figure")
        return figure_bytes(publication_figure(fig, meta), fmt)
    if df is None:
        raise ValueError(f"{fmt} export needs a table")
    return csv_bytes(df, meta) if fmt == "csv" else xlsx_bytes(df, meta)
