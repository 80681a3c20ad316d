"""Exposure modeller: a trade association's own import lines, each line's exposure to the
WRO under a chosen scenario, the totals, and a report to download.

Lines come from an uploaded CSV or XLSX file or from an editable table; both go through
the same validation (exposure.parse_upload), which reports every problem by row and keeps
the valid rows. Uploaded bytes live only in this browser session (Streamlit keeps them in
memory); nothing here writes them to disk, caches them across sessions or logs them.
Reading, exposure and the report: dashboard.modeller_view.
"""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

import exposure
from dashboard import export, filters, queries, text
from dashboard import page as skeleton
from dashboard.blocks import Table
from dashboard.db import warehouse_version
from dashboard.model_runs import SCENARIOS, default_scenarios
from dashboard.modeller_view import (
    USED,
    cell_text,
    coverage_sentence,
    empty_table,
    exposure_table,
    left_out,
    read_table,
    read_upload,
    report_meta,
    report_table,
    report_xlsx,
    scenario_with,
    totals,
)
from dashboard.render import data_table
from dashboard.render import table as draw_table
from exposure.assumptions import ASSUMPTION, USER
from exposure.uploads import ERROR, MAX_ROWS, WARNING

BASE_YEAR = 2019  # the year whose cited Xinjiang shares and trade shares the defaults use
DEFAULT_SCENARIO = "central"
INPUTS = {"upload": "Upload a file", "table": "Type lines in a table"}
LIMIT_MB = exposure.MAX_UPLOAD_BYTES / 1e6  # Streamlit counts 10^6 bytes a MB
REPORT_SOURCE = (
    "Your import lines (values as given); shares from WRO Trade Monitor reference figures "
    "(ref_figures) and the exposure model (docs/methodology.md)"
)
SIGNATURE = "_modeller_defaults_for"


# --- the page ----------------------------------------------------------------------------------


def sidebar(scenarios: dict[str, exposure.Scenario]) -> tuple[str, exposure.Scenario]:
    sb = st.sidebar
    sb.header("Scenario")
    level = filters.radio(
        "Scenario",
        SCENARIOS,
        "modeller_scenario",
        default=DEFAULT_SCENARIO,
        where=sb,
        help="Low, central and high bracket the unsourced assumptions; the cited Xinjiang "
        "shares are the same in all three (see the WRO impact page).",
    )
    base = scenarios[level]
    default = round(base.value("enforcement") * 100, 4)
    filters.follow_defaults(SIGNATURE, level, {"modeller_enforcement": default})
    enforcement = filters.percent_slider(
        "Enforcement",
        "modeller_enforcement",
        default,
        where=sb,
        help="Share of exposed trade detained or deterred. No source: an assumption. The "
        "UFLPA uplift is added on top.",
    )
    scenario = scenario_with(base, enforcement / 100.0)
    sb.caption(
        f"Applied to every line: enforcement {scenario.value('enforcement'):.1%} + UFLPA uplift "
        f"{scenario.value('uflpa_uplift', default=0.0):.1%} = "
        f"{scenario.enforcement(None):.1%} (full effect). Shares as of {BASE_YEAR}."
    )
    return level, scenario


def input_lines(countries: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """The lines from the chosen input, their messages, and where they came from."""
    st.download_button(
        "Download the template (CSV)",
        data=exposure.template_csv(),
        file_name="import_lines_template.csv",
        mime="text/csv",
        key="modeller_template",
        on_click="ignore",
        icon=":material/download:",
        help="Its three example rows (supplier EXAMPLE, value 0) are skipped on upload.",
    )
    st.caption(
        "Columns: **hs_code** (2 to 10 digits, kept as text), **origin** (ISO3 code or country "
        "name) and **annual_value_usd** are required; quantity, quantity_unit and supplier "
        "are optional."
    )
    mode = st.radio(
        "Lines from", list(INPUTS), format_func=INPUTS.get, key="modeller_input", horizontal=True
    )
    if mode == "upload":
        upload = st.file_uploader(
            f"CSV (UTF-8) or Excel .xlsx file, up to {LIMIT_MB:.0f} MB and {MAX_ROWS:,} rows",
            type=["csv", "xlsx", "xls", "txt"],
            key="modeller_upload",
            max_upload_size=max(1, math.ceil(LIMIT_MB)),
            help="The file stays in this browser session: it is not saved on the server.",
        )
        if upload is None:
            return pd.DataFrame(), pd.DataFrame(), ""
        lines, messages = parsed_upload(upload, countries)
        return lines, messages, f"file {upload.name}"
    table = st.data_editor(
        empty_table(),
        num_rows="dynamic",
        key="modeller_editor",
        hide_index=True,
        width="stretch",
        column_config={
            "hs_code": st.column_config.TextColumn("hs_code", help="2 to 10 digits"),
            "origin": st.column_config.TextColumn("origin", help="ISO3 code or country name"),
            "annual_value_usd": st.column_config.TextColumn(
                "annual_value_usd", help="US dollars a year, e.g. 1200000 or 1,200,000"
            ),
            "quantity": st.column_config.TextColumn("quantity", help="optional"),
            "quantity_unit": st.column_config.TextColumn("quantity_unit", help="optional"),
            "supplier": st.column_config.TextColumn("supplier", help="optional"),
        },
    )
    # Blank lines are skipped by the validator; the others keep their line numbers.
    if all(not cell_text(v).strip() for v in table.to_numpy().ravel()):
        return pd.DataFrame(), pd.DataFrame(), ""
    lines, messages = read_table(table, countries)
    return lines, messages, "the table above"


def parsed_upload(upload, countries: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Parse once per uploaded file; the result is kept in this session's state only."""
    memo = st.session_state.get("_modeller_parsed")
    if memo is not None and memo[0] == upload.file_id:
        return memo[1], memo[2]
    lines, messages = read_upload(upload.getvalue(), upload.name, countries)
    st.session_state["_modeller_parsed"] = (upload.file_id, lines, messages)
    return lines, messages


def show_messages(messages: pd.DataFrame, lines: pd.DataFrame, where: str) -> None:
    """Every validation message, by row; whole-file problems also in words above."""
    if messages.empty:
        if not lines.empty:
            every = "All " if len(lines) > 1 else ""
            st.success(f"{every}{text.plural(len(lines), 'line')} from {where} passed the checks.")
        return
    errors = int((messages["severity"] == ERROR).sum())
    warnings = int((messages["severity"] == WARNING).sum())
    row_word = "line" if where == "the table above" else "row"
    counts = f"{text.plural(errors, 'error')}, {text.plural(warnings, 'warning')}"
    whole = messages[messages["row"].isna()]
    said = "".join(f"\n- {m}" for m in whole["problem"])
    if lines.empty:
        st.error(f"No line from {where} can be used ({counts}).{said}")
    elif errors:
        st.warning(
            f"{text.plural(len(lines), 'line')} from {where} used; {row_word}s with an error are "
            f"left out ({counts}).{said}"
        )
    else:
        st.info(f"{text.plural(len(lines), 'line')} from {where} used ({counts}).{said}")
    shown = messages.rename(columns={"row": row_word})
    shown[row_word] = shown[row_word].map(lambda r: "whole file" if pd.isna(r) else str(int(r)))
    shown["column"] = shown["column"].fillna("")
    st.markdown(f"**Checks, {row_word} by {row_word}**")
    if len(shown) <= 100:
        st.table(shown, hide_index=True, border="horizontal")
    else:
        data_table(shown, key="modeller_messages")


def results(lines, scenario, level, groups, names, where, messages) -> None:
    result = exposure_table(lines, scenario, groups, names)
    t = totals(result)
    st.subheader("Exposure of your lines")
    cols = st.columns(4)
    cols[0].metric(f"Annual value, {text.plural(t['lines'], 'line')}", text.usd(t["value"]))
    cols[1].metric("Exposed to Xinjiang inputs", text.usd(t["exposed"]))
    cols[2].metric("At risk (x enforcement)", text.usd(t["at_risk"]))
    cols[3].metric("Lines that can't be mapped", f"{t['unmapped']}")
    st.caption(
        f"{SCENARIOS[level]} scenario, full effect. Exposed = value x Xinjiang share x covered "
        "content (x third-country reliance for origins other than China); at risk = exposed x "
        f"enforcement ({scenario.enforcement(None):.1%}). The values are yours, from {where}; "
        "the shares come from the warehouse's cited figures and the model's assumptions, "
        "listed below. 'row' is the row number in your file (the header is row 1) or the line "
        "number in the table. " + coverage_sentence(t)
    )
    shown = report_table(result)
    data_table(
        shown,
        key="modeller_lines",
        column_config={
            "annual_value_usd": st.column_config.NumberColumn(format="%,.0f"),
            "exposed_value_usd": st.column_config.NumberColumn(format="%,.0f"),
            "at_risk_value_usd": st.column_config.NumberColumn(format="%,.0f"),
            "exposure_share": st.column_config.NumberColumn(format="percent"),
            "enforcement": st.column_config.NumberColumn(format="percent"),
        },
    )
    money = {
        c: st.column_config.NumberColumn(format="%,.0f")
        for c in ("annual_value_usd", "exposed_value_usd", "at_risk_value_usd")
    }
    # the totals' downloads say what the full report says about vintage and left-out rows
    about = report_meta(scenario, SCENARIOS[level], REPORT_SOURCE, left_out(messages))
    totals_table = {
        "source": REPORT_SOURCE,
        "units": "USD as given in your lines",
        "vintage": about.vintage,
        "subtitle": about.filters.get("rows left out", ""),
        "column_config": money,
    }
    left, right = st.columns([1, 1])
    with left:
        st.markdown("**Totals by product group**")
        by_group = (
            result.assign(product_group=result["product_group_label"].replace("", "(none)"))
            .groupby(["product_group", "mapping_status"], as_index=False, dropna=False)[
                ["annual_value_usd", "exposed_value_usd", "at_risk_value_usd"]
            ]
            .sum(min_count=1)
        )
        draw_table(
            Table(
                by_group,
                key="modeller_by_group",
                title="Your lines: totals by product group",
                **totals_table,
            )
        )
    with right:
        st.markdown("**Totals by origin and channel**")
        by_origin = result.groupby(["origin_name", "channel"], as_index=False)[
            ["annual_value_usd", "exposed_value_usd", "at_risk_value_usd"]
        ].sum(min_count=1)
        draw_table(
            Table(
                by_origin.rename(columns={"origin_name": "origin"}),
                key="modeller_by_origin",
                title="Your lines: totals by origin and channel",
                **totals_table,
            )
        )
    frame = scenario.frame()
    used = frame[frame["name"].isin(USED)]
    st.markdown("**Assumptions behind these numbers**")
    data_table(
        used[["name", "scope", "value", "label", "source_ids", "quote", "note"]],
        key="modeller_assumptions",
    )
    unsourced = int(used["label"].isin([ASSUMPTION, USER]).sum())
    st.caption(
        f"{unsourced} of these {len(used)} values have no source ('assumption') or were set by "
        "you; the others carry their cited figure ids and quotes (reference figures COT-, TOM-) "
        "or the trade-data rows they were computed from (docs/methodology.md)."
    )
    downloads(shown, scenario, SCENARIOS[level], used, messages)


def downloads(table: pd.DataFrame, scenario, label: str, used, messages) -> None:
    """CSV and XLSX reports, built only on click from this session's lines."""
    meta = report_meta(scenario, label, REPORT_SOURCE, left_out(messages))
    st.markdown("**Download the report**")
    cols = st.columns(4)
    cols[0].download_button(
        "CSV report",
        data=lambda: export.csv_bytes(table, meta),
        file_name=export.file_name(meta, "csv"),
        mime=export.EXPORT_FORMATS["csv"].mime,
        key="modeller_report_csv",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    cols[1].download_button(
        "Excel report",
        data=lambda: report_xlsx(table, meta, used, messages),
        file_name=export.file_name(meta, "xlsx"),
        mime=export.EXPORT_FORMATS["xlsx"].mime,
        key="modeller_report_xlsx",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    st.caption(
        "The CSV starts with '# key: value' lines (scenario and every assumption used, with its "
        "basis, source ids and quote), then one blank line and the table. The Excel file has "
        "the lines, an 'about' sheet and an 'assumptions' sheet."
    )


def body() -> list:
    """The page below its header (it draws its own input widgets and results)."""
    scenarios = default_scenarios(warehouse_version(), BASE_YEAR)
    level, scenario = sidebar(scenarios)
    countries = queries.country_codes()
    groups = queries.product_group_lines()
    names = dict(zip(countries["iso3"], countries["name"], strict=True))
    lines, messages, where = input_lines(countries)
    show_messages(messages, lines, where)
    if lines.empty:
        if not where:
            st.info("Upload a file or add lines to the table to see their exposure.")
    else:
        results(lines, scenario, level, groups, names, where, messages)
    return []


skeleton.run(
    skeleton.Page(
        title="Exposure modeller",
        intro="modeller/intro.md",
        sections=lambda: [skeleton.Section("Your import lines", body)],
    )
)
