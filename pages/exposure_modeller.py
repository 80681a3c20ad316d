"""Exposure modeller: a trade association's own import lines, each line's exposure to the
WRO under a chosen scenario, the totals, and a report to download.

Lines come from an uploaded CSV or XLSX file (a broker's entry report, an ERP extract or
the template) or from an editable table; both go through the same checks
(exposure.check_upload), which report every problem by row and keep the valid rows, and
the values are checked against national US imports (exposure.plausibility). Uploaded
bytes live only in this browser session (Streamlit keeps them in memory); nothing here
writes them to disk, caches them across sessions or logs them. The input widgets:
dashboard.modeller_input; reading, exposure and the report: dashboard.modeller_view and
dashboard.modeller_report.
"""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import streamlit as st

import exposure
from dashboard import export, filters, model_queries, modeller_report, queries, text
from dashboard.components import (
    data_table,
    page_header,
    page_nav,
    require_warehouse,
    section,
    share_link,
    table_block,
)
from dashboard.db import warehouse_version
from dashboard.model_runs import SCENARIOS, default_scenarios
from dashboard.modeller_input import Lines, input_lines
from dashboard.modeller_view import (
    USED,
    coverage_sentence,
    exposure_table,
    report_meta,
    report_table,
    report_xlsx,
    scenario_with,
    totals,
)
from exposure.assumptions import ASSUMPTION, USER
from exposure.uploads import ERROR, NOTE, WARNING

BASE_YEAR = 2019  # the year whose cited Xinjiang shares and trade shares the defaults use
DEFAULT_SCENARIO = "central"
SHOWN_LINES = 5_000  # lines listed on the page; the downloads hold them all
XLSX_LINES = 100_000  # lines in the Excel report (openpyxl writes cell by cell)
REPORT_SOURCE = (
    "Your import lines (values as given); shares from WRO Trade Monitor reference figures "
    "(ref_figures) and the exposure model (docs/methodology.md)"
)
SIGNATURE = "_modeller_defaults_for"


# --- the page ----------------------------------------------------------------------------------


def sidebar(scenarios: dict[str, exposure.Scenario]) -> tuple[str, exposure.Scenario]:
    filters.check_link_params(
        {
            "modeller_scenario": filters.valid_choice(SCENARIOS.values()),
            "modeller_enforcement": lambda v: len(v) == 1 and 0 <= float(v[0]) <= 100,
        }
    )
    sb = st.sidebar
    sb.header("Scenario")
    level = sb.radio(
        "Scenario",
        list(SCENARIOS),
        index=list(SCENARIOS).index(DEFAULT_SCENARIO),
        format_func=SCENARIOS.get,
        key="modeller_scenario",
        horizontal=True,
        help="Low, central and high bracket the unsourced assumptions; the cited Xinjiang "
        "shares are the same in all three (see the WRO impact page).",
        **filters.BOUND,
    )
    filters.remember("modeller_scenario", [SCENARIOS[level]], title="Scenario")
    base = scenarios[level]
    default = round(base.value("enforcement") * 100, 4)
    if st.session_state.get(SIGNATURE) not in (None, level):
        st.session_state["modeller_enforcement"] = default  # follow the new scenario
    st.session_state[SIGNATURE] = level
    enforcement = sb.slider(
        "Enforcement",
        min_value=0.0,
        max_value=100.0,
        value=default,
        step=0.5,
        format="%.1f%%",
        key="modeller_enforcement",
        help="Share of exposed trade detained or deterred. No source: an assumption. The "
        "UFLPA uplift is added on top.",
        **filters.BOUND,
    )
    if not math.isclose(enforcement, default, abs_tol=1e-9):
        filters.remember(
            "modeller_enforcement",
            [f"{enforcement:g}"],
            title="Enforcement",
            shown=f"{enforcement:g}%",
        )
    scenario = scenario_with(base, enforcement / 100.0)
    sb.caption(
        f"Applied to every line: enforcement {scenario.value('enforcement'):.1%} + UFLPA uplift "
        f"{scenario.value('uflpa_uplift', default=0.0):.1%} = "
        f"{scenario.enforcement(None):.1%} (full effect). Shares as of {BASE_YEAR}."
    )
    return level, scenario


def show_messages(got: Lines, messages: pd.DataFrame) -> None:
    """Every check's message, by row; whole-file messages also in words above."""
    lines, where = got.lines, got.where
    if messages.empty:
        if not lines.empty:
            every = "All " if len(lines) > 1 else ""
            st.success(f"{every}{text.plural(len(lines), 'line')} from {where} passed the checks.")
        return
    errors = int((messages["severity"] == ERROR).sum())
    warnings = int((messages["severity"] == WARNING).sum())
    row_word = "line" if where == "the table above" else "row"
    counts = f"{text.plural(errors, 'error')}, {text.plural(warnings, 'warning')}"
    whole = messages[messages["row"].isna() & messages["column"].isna()]
    said = "".join(f"\n- {m}" for m in whole["problem"])
    if lines.empty:
        st.error(f"No line from {where} can be used ({counts}).{said}")
    elif got.left_out:
        st.warning(
            f"{text.plural(len(lines), 'line')} from {where} used; "
            f"{text.plural(got.left_out, row_word)} with an error left out ({counts}).{said}"
        )
    elif errors or warnings:
        st.info(f"{text.plural(len(lines), 'line')} from {where} used ({counts}).{said}")
    else:
        st.success(f"{text.plural(len(lines), 'line')} from {where} used.{said}")
    shown = messages.rename(columns={"row": row_word})
    shown[row_word] = shown[row_word].map(lambda r: "whole file" if pd.isna(r) else str(int(r)))
    shown["column"] = shown["column"].fillna("")
    st.markdown(f"**Checks, {row_word} by {row_word}**")
    if len(shown) <= 100:
        st.table(shown, hide_index=True, border="horizontal")
    else:
        data_table(shown, key="modeller_messages")
    if (messages["severity"] == NOTE).any():
        st.caption("'note' says how the file was read: nothing to fix.")


def results(result, scenario, level, got: Lines, summaries: dict) -> None:
    t = totals(result)
    section("Exposure of your lines")
    cols = st.columns(4)
    cols[0].metric(f"Annual value, {text.plural(t['lines'], 'line')}", text.usd(t["value"]))
    cols[1].metric("Exposed to Xinjiang inputs", text.usd(t["exposed"]))
    cols[2].metric("At risk (x enforcement)", text.usd(t["at_risk"]))
    cols[3].metric("Lines that can't be mapped", f"{t['unmapped']:,}")
    st.caption(
        f"{SCENARIOS[level]} scenario, full effect. Exposed = value x Xinjiang share x covered "
        "content (x third-country reliance for origins other than China); at risk = exposed x "
        f"enforcement ({scenario.enforcement(None):.1%}). The values are yours, from "
        f"{got.where}; the shares come from the warehouse's cited figures and the model's "
        "assumptions, listed below. 'row' is the row number in your file (the header is row 1 "
        "when it is the first) or the line number in the table. " + coverage_sentence(t)
    )
    shown = report_table(result)
    if len(shown) > SHOWN_LINES:
        st.caption(
            f"The first {SHOWN_LINES:,} of {len(shown):,} lines are listed here; the CSV report "
            "holds them all."
        )
    data_table(shown.head(SHOWN_LINES), key="modeller_lines", column_config=MONEY | SHARES)
    about = report_meta(scenario, SCENARIOS[level], REPORT_SOURCE, got.left_out)
    summary_tables(summaries, about)
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
    downloads(shown, about, used, got, summaries)


MONEY = {
    c: st.column_config.NumberColumn(format="%,.0f")
    for c in (
        "annual_value_usd",
        "exposed_value_usd",
        "at_risk_value_usd",
        "members_value_usd",
        "national_value_usd",
    )
}
SHARES = {
    c: st.column_config.NumberColumn(format="percent")
    for c in ("exposure_share", "enforcement", "members_share")
}
SUMMARIES = {
    "by_origin": ("Exposure by origin and channel", ""),
    "by_chapter_group": ("Exposure by HS chapter and product group", ""),
    "by_supplier": ("Exposure by supplier", "The {n} suppliers with the most value at risk."),
    "most_exposed": ("The most exposed lines", "The {n} lines with the most value at risk."),
    "share_of_national": (
        "Your lines beside national US imports of the same HS6 from the same origin",
        "How representative your lines are: their value as a share of all US imports of that "
        "HS6 from that origin in {year}. The national figure is named in each row; your "
        "values are as given (a broker's entered value is a customs value, without freight "
        "and insurance, while a CIF figure includes them), so a share against a CIF figure "
        "reads a little low. The warehouse has HS6 figures by origin for China, Mexico and "
        "Viet Nam only; other origins show none.",
    ),
}


def summary_tables(summaries: dict, about) -> None:
    """The report's summary tables, each with its CSV and XLSX downloads."""
    for key, (title, note) in SUMMARIES.items():
        table = summaries.get(key)
        if table is None or table.empty:
            continue
        st.markdown(f"**{title}**")
        if note:
            st.caption(note.format(n=len(table), year=BASE_YEAR))
        table_block(
            table,
            key=f"modeller_{key}",
            title=f"Your lines: {title[0].lower()}{title[1:]}",
            source=REPORT_SOURCE,
            units="USD as given in your lines; shares as fractions",
            vintage=about.vintage,
            subtitle=about.filters.get("rows left out", ""),
            column_config=MONEY | SHARES,
        )


def downloads(table: pd.DataFrame, meta, used, got: Lines, summaries: dict) -> None:
    """CSV and XLSX reports, built only on click from this session's lines."""
    st.markdown("**Download the report**")
    book, book_meta = table, meta
    if len(table) > XLSX_LINES:
        book = table.nlargest(XLSX_LINES, "at_risk_value_usd").sort_values("row")
        book_meta = replace(
            meta,
            filters=meta.filters
            | {"lines": f"the {XLSX_LINES:,} of {len(table):,} lines most at risk"},
        )
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
        data=lambda: report_xlsx(book, book_meta, used, got.messages, summaries),
        file_name=export.file_name(meta, "xlsx"),
        mime=export.EXPORT_FORMATS["xlsx"].mime,
        key="modeller_report_xlsx",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )
    whole = "the lines" if book is table else f"the {XLSX_LINES:,} lines most at risk"
    st.caption(
        "The CSV starts with '# key: value' lines (scenario and every assumption used, with its "
        "basis, source ids and quote), then one blank line and every line. The Excel file has "
        f"{whole}, an 'about' sheet, the assumptions, the checks and the summary tables."
    )


def page() -> None:
    page_nav()
    page_header(
        "Exposure modeller",
        "Your own import lines, each with its exposure to the WRO under a chosen scenario. "
        "Upload a broker's entry report, an ERP extract or any CSV or Excel file, or type the "
        "lines in a table. Files stay in your browser session: they are not saved on the "
        "server.",
    )
    if not require_warehouse():
        return
    scenarios = default_scenarios(warehouse_version(), BASE_YEAR)
    level, scenario = sidebar(scenarios)
    countries = queries.country_codes()
    groups = queries.product_group_lines()
    names = dict(zip(countries["iso3"], countries["name"], strict=True))
    section("Your import lines")
    got = input_lines(countries)
    messages = got.messages
    if got.lines.empty:
        show_messages(got, messages)
        if not got.where:
            st.info("Upload a file or add lines to the table to see their exposure.")
        share_link()
        return
    result = exposure_table(got.lines, scenario, groups, names)
    national = model_queries.national_imports_by_hs6(BASE_YEAR)
    covered = model_queries.national_imports_of_covered_products(BASE_YEAR)
    checks = modeller_report.national_checks(result, national, covered, names)
    if checks:
        messages = pd.concat([messages, exposure.messages_frame(checks)], ignore_index=True)
        got = replace(got, messages=messages)
    show_messages(got, messages)
    results(result, scenario, level, got, modeller_report.report(result, national, names))
    share_link()


page()
