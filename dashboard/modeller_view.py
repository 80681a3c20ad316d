"""What the Exposure modeller page computes from a user's lines, as pure functions (no
st.*): reading and validating an upload or the typed table, each line's exposure under a
scenario, the totals, and the report with its metadata. Nothing here writes to disk.
"""

from __future__ import annotations

import csv
import io
import math

import numpy as np
import pandas as pd

import exposure
from dashboard import export, text
from exposure.upload_read import Limits, RawTable, UnreadableFile, read_raw
from exposure.upload_validate import Upload, empty_lines, validate
from exposure.uploads import ERROR, OPTIONAL_COLUMNS, REQUIRED_COLUMNS

EDITOR_COLUMNS = list(REQUIRED_COLUMNS) + list(OPTIONAL_COLUMNS)
USED = ("xinjiang_share", "covered_content", "indirect_reliance", "enforcement", "uflpa_uplift")
STATUS_WORDS = {
    "mapped": "mapped",
    "not covered": "not a covered product (exposure 0)",
    "unmapped": "can't be mapped (exposure unknown)",
}


# --- reading lines ---------------------------------------------------------


def read_file(
    data: bytes, filename: str, sheet: str | None = None, limits: Limits | None = None
) -> RawTable | list[exposure.UploadMessage]:
    """The file's table as text (before any check), or the messages saying why it can't be
    read. Never raises."""
    try:
        return read_raw(data, filename, sheet, limits)
    except UnreadableFile as exc:
        return exc.messages
    except Exception as exc:  # a malformed file must never crash the page
        return [could_not_read(exc)]


def check_file(raw, countries: pd.DataFrame, columns: dict[str, int] | None = None) -> Upload:
    """Check a table read by read_file (or pass its messages on). Never raises."""
    if not isinstance(raw, RawTable):
        return Upload(empty_lines(), list(raw))
    try:
        return validate(raw, countries, columns)
    except Exception as exc:
        return Upload(empty_lines(), [could_not_read(exc)])


def could_not_read(exc: Exception) -> exposure.UploadMessage:
    return exposure.UploadMessage(
        None, None, f"The file could not be read ({type(exc).__name__}).", ERROR
    )


def read_upload(
    data: bytes, filename: str, countries: pd.DataFrame, **options
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate an uploaded file: (valid lines, one message per problem, by row).

    Never raises: anything the validator did not foresee becomes a file-level message.
    """
    try:
        lines, messages = exposure.parse_upload(data, filename, countries, **options)
    except Exception as exc:  # a malformed file must never crash the page
        lines, messages = empty_lines(), [could_not_read(exc)]
    return lines, exposure.messages_frame(messages)


def table_to_csv(table: pd.DataFrame) -> bytes:
    """The editable table as CSV text, so typed lines get exactly the file validation."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(EDITOR_COLUMNS)
    for _, row in table.iterrows():
        writer.writerow([cell_text(row.get(c)) for c in EDITOR_COLUMNS])
    return buf.getvalue().encode("utf-8")


def cell_text(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_table(table: pd.DataFrame, countries: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Validate typed lines. Rows are numbered as lines of the table (1 = first line)."""
    if table.empty:
        return pd.DataFrame(), exposure.messages_frame([])
    lines, messages = read_upload(table_to_csv(table), "table.csv", countries)
    lines = lines.assign(row=lines["row"] - 1) if not lines.empty else lines
    messages = messages.assign(row=messages["row"].map(lambda r: r - 1 if pd.notna(r) else r))
    return lines, messages


def empty_table() -> pd.DataFrame:
    """The editable table: every column is text, so whatever is typed reaches the same
    validation as a file (a number column would refuse '1,200' and hold blanks badly)."""
    return pd.DataFrame({c: pd.Series(dtype="object") for c in EDITOR_COLUMNS})


# --- exposure and the report (pure) ----------------------------------------------------------


def scenario_with(base: exposure.Scenario, enforcement: float | None) -> exposure.Scenario:
    """The scenario, with the enforcement share set by the user if it differs."""
    if enforcement is None or math.isclose(enforcement, base.value("enforcement"), abs_tol=1e-9):
        return base
    return base.with_value("enforcement", enforcement)


def exposure_table(
    lines: pd.DataFrame,
    scenario: exposure.Scenario,
    groups: pd.DataFrame,
    names: dict[str, str],
) -> pd.DataFrame:
    """Each valid line with its product group, channel, shares, exposed and at-risk value."""
    out = exposure.line_exposure(lines, scenario, groups)
    labels = dict(zip(groups["product_group"], groups["product_group_label"], strict=True))
    out["product_group_label"] = out["product_group"].map(labels).fillna("").astype(object)
    origins = {c: names.get(c, c) for c in out["origin_iso3"].unique()}
    out["origin_name"] = out["origin_iso3"].map(origins).astype(object)
    keys = ["origin_iso3", "product_group", "mapping_status"]
    group = out.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    combos = out[keys].drop_duplicates()
    words = [shares_used(scenario, o, g, s) for o, g, s in combos.itertuples(index=False)]
    out["shares_used"] = pd.Categorical(np.array(words, dtype=object)[group])
    return out


def shares_used(scenario: exposure.Scenario, origin: str, group, status: str) -> str:
    """The assumptions behind one line's share, with their basis, in words."""
    if status != "mapped" or not isinstance(group, str):
        return ""
    parts = [
        describe(scenario.get("xinjiang_share", group)),
        describe(scenario.get("covered_content", group)),
    ]
    if origin != "CHN":
        specific = scenario.get("indirect_reliance", f"{origin}:{group}")
        parts.append(describe(specific or scenario.get("indirect_reliance", group)))
    return " x ".join(p for p in parts if p)


def describe(a) -> str:
    if a is None:
        return ""
    ids = f", {', '.join(a.source_ids)}" if a.source_ids else ""
    return f"{a.name} {a.value:.4g} ({a.label}{ids})"


REPORT_COLUMNS = {
    "row": "row",
    "hs_code": "hs_code",
    "origin_iso3": "origin_iso3",
    "origin_name": "origin",
    "supplier": "supplier",
    "annual_value_usd": "annual_value_usd",
    "quantity": "quantity",
    "quantity_unit": "quantity_unit",
    "product_group_label": "product_group",
    "mapping_status": "mapping_status",
    "mapping_note": "mapping_note",
    "channel": "channel",
    "exposure_share": "exposure_share",
    "exposed_value_usd": "exposed_value_usd",
    "enforcement": "enforcement",
    "at_risk_value_usd": "at_risk_value_usd",
    "shares_used": "shares_used",
}


def report_table(result: pd.DataFrame) -> pd.DataFrame:
    """The lines as shown and downloaded. Computed dollars are rounded to the cent (binary
    floating point would print 511462.19999999995); shares keep their precision."""
    table = result[list(REPORT_COLUMNS)].rename(columns=REPORT_COLUMNS)
    money = ["exposed_value_usd", "at_risk_value_usd"]
    return table.assign(**{c: table[c].round(2) for c in money if c in table})


def left_out(messages: pd.DataFrame) -> int:
    """How many rows of the input an error kept out of the results."""
    return int(messages.loc[messages["severity"] == ERROR, "row"].nunique())  # NaN: file


def report_meta(
    scenario: exposure.Scenario, label: str, source: str, rows_left_out: int = 0
) -> export.ExportMeta:
    """The report's header block: the scenario, every assumption the lines used, and how
    many input rows were left out."""
    assumptions = {}
    if rows_left_out:
        assumptions["rows left out"] = (
            f"{rows_left_out} row(s) of the input had errors and are not in this report "
            "(listed in the Excel report's 'checks' sheet and on the page)"
        )
    for a in scenario.assumptions:
        if a.name not in USED:
            continue
        key = f"assumption.{a.name}" + (f"[{a.scope}]" if a.scope else "")
        basis = a.label + (f"; sources {', '.join(a.source_ids)}" if a.source_ids else "")
        quote = f"; quote: {a.quote}" if a.quote else ""
        assumptions[key] = f"{a.value:g} ({a.unit}; {basis}{quote}; {a.note})"
    return export.ExportMeta(
        title=f"Exposure of import lines to the WRO, {label} scenario",
        subtitle=f"Full effect (UFLPA included); cited shares as of {scenario.base_year}",
        source=source,
        vintage=f"Xinjiang shares and trade shares as of base year {scenario.base_year}",
        units="USD as given in the uploaded lines; shares as fractions (0-1)",
        filters={"scenario": label, **assumptions},
    )


def report_xlsx(
    table: pd.DataFrame,
    meta: export.ExportMeta,
    assumptions: pd.DataFrame,
    messages: pd.DataFrame | None = None,
    summaries: dict[str, pd.DataFrame] | None = None,
) -> bytes:
    """The XLSX report: sheets data and about (dashboard.export), the assumptions, the
    checks (every message about the input, rows left out included) when there are any, and
    the summary tables by sheet name. One writer, every sheet."""
    sheets = {"assumptions": assumptions}
    if messages is not None and not messages.empty:
        sheets["checks"] = messages
    sheets.update(summaries or {})
    return export.xlsx_bytes(table, meta, more_sheets=sheets)


def totals(result: pd.DataFrame) -> dict[str, float]:
    unmapped = result["mapping_status"] == "unmapped"
    not_covered = result["mapping_status"] == "not covered"
    known = result[~unmapped]
    return {
        "lines": len(result),
        "value": float(result["annual_value_usd"].sum()),
        "exposed": float(known["exposed_value_usd"].sum()),
        "at_risk": float(known["at_risk_value_usd"].sum()),
        "unmapped": int(unmapped.sum()),
        "unmapped_value": float(result.loc[unmapped, "annual_value_usd"].sum()),
        "not_covered": int(not_covered.sum()),
        "not_covered_value": float(result.loc[not_covered, "annual_value_usd"].sum()),
    }


def coverage_sentence(t: dict) -> str:
    """What the totals leave out or count as nothing, in words ('' when all is mapped)."""
    out = []
    if n := t["unmapped"]:
        out.append(
            f"{text.plural(n, 'line')} ({text.usd(t['unmapped_value'])}) can't be mapped to a "
            f"product group and {'are' if n != 1 else 'is'} left out of the exposed and "
            "at-risk totals: see mapping_note."
        )
    if n := t["not_covered"]:
        out.append(
            f"{text.plural(n, 'line')} ({text.usd(t['not_covered_value'])}) "
            f"{'are' if n != 1 else 'is'} outside the products the WRO covers ('not "
            "covered'): counted in the annual value with no exposure."
        )
    return " ".join(out)
