"""Exposure modeller: a trade association's own import lines, each line's exposure to the
WRO under a chosen scenario, the totals, and a report to download.

Lines come from an uploaded CSV or XLSX file (a broker's entry report, an ERP extract or
the template) or from an editable table (dashboard.modeller_input); both go through the
same checks (exposure.check_upload), and the values are checked against national US
imports (exposure.plausibility). Uploaded bytes live only in this browser session;
nothing here writes them to disk, caches them across sessions or logs them.
"""

from dataclasses import replace

import pandas as pd
import streamlit as st

import exposure
from dashboard import export, filters, model_queries, modeller_report, queries, text
from dashboard.blocks import Downloads, File, Metric, Note, Prose, Row, Table
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
from dashboard.page import Page, Section
from exposure.assumptions import ASSUMPTION, USER
from exposure.uploads import ERROR, NOTE, WARNING

BASE_YEAR = 2019  # the year whose cited Xinjiang shares and trade shares the defaults use
DEFAULT_SCENARIO = "central"
SHOWN_LINES = 5_000  # lines listed on the page; the downloads hold them all
XLSX_LINES = 100_000  # lines in the Excel report
REPORT_SOURCE = (
    "Your import lines (values as given); shares from WRO Trade Monitor reference figures "
    "(ref_figures) and the exposure model (docs/methodology.md)"
)
SIGNATURE = "_modeller_defaults_for"
MONEY_COLUMNS = ("annual_value_usd", "exposed_value_usd", "at_risk_value_usd",
                 "members_value_usd", "national_value_usd")  # fmt: skip
SHARE_COLUMNS = ("exposure_share", "enforcement", "members_share")
SUMMARIES = {
    "by_origin": ("Exposure by origin and channel", ""),
    "by_chapter_group": ("Exposure by HS chapter and product group", ""),
    "by_supplier": ("Exposure by supplier", "The {n} suppliers with the most value at risk."),
    "most_exposed": ("The most exposed lines", "The {n} lines with the most value at risk."),
    "share_of_national": (
        "Your lines beside national US imports of the same HS6 from the same origin",
        "How representative your lines are, beside all US imports of that HS6 from that "
        "origin in {year}; the national figure's source and value basis are named in each row. "
        "Your values are as given (a broker's entered value is a customs value); a share is "
        "computed only against a customs-value national figure, never against a CIF one. The "
        "warehouse has HS6 figures by origin for China, Mexico and Viet Nam only.",
    ),
}


def page() -> Page:
    return Page(
        title="Exposure modeller",
        intro="modeller/intro.md",
        data=("comtrade_annual",),
        sidebar=scenario,
        sections=lambda _s: [Section("Your import lines", lines)],
    )


def column_config() -> dict:
    money = {c: st.column_config.NumberColumn(format="%,.0f") for c in MONEY_COLUMNS}
    shares = {c: st.column_config.NumberColumn(format="percent") for c in SHARE_COLUMNS}
    return money | shares


def scenario() -> tuple[str, exposure.Scenario]:
    """The sidebar: the scenario and its enforcement, which follows a new scenario."""
    sb = st.sidebar
    sb.header("Scenario")
    level = filters.radio(
        "Scenario", SCENARIOS, "modeller_scenario", default=DEFAULT_SCENARIO, where=sb,
        help="Low, central and high bracket the unsourced assumptions; the cited Xinjiang "
        "shares are the same in all three (see the WRO impact page).",
    )  # fmt: skip
    base = default_scenarios(warehouse_version(), BASE_YEAR)[level]
    default = round(base.value("enforcement") * 100, 4)
    filters.follow_defaults(SIGNATURE, level, {"modeller_enforcement": default})
    enforcement = filters.percent_slider(
        "Enforcement", "modeller_enforcement", default, where=sb,
        help="Share of exposed trade detained or deterred. No source: an assumption. The "
        "UFLPA uplift is added on top.",
    )  # fmt: skip
    chosen = scenario_with(base, enforcement / 100.0)
    sb.caption(
        f"Applied to every line: enforcement {chosen.value('enforcement'):.1%} + UFLPA uplift "
        f"{chosen.value('uflpa_uplift', default=0.0):.1%} = "
        f"{chosen.enforcement(None):.1%} (full effect). Shares as of {BASE_YEAR}."
    )
    return level, chosen


def lines(chosen: tuple[str, exposure.Scenario]) -> list:
    """The input (its widgets drawn here), the checks, then the exposure and the report."""
    level, scenario_ = chosen
    countries = queries.country_codes()
    names = dict(zip(countries["iso3"], countries["name"], strict=True))
    got = input_lines(countries)
    if got.lines.empty:
        out = checks(got, got.messages)
        if not got.where:
            out.append(Note("Upload a file or add lines to the table to see their exposure.",
                            "info"))  # fmt: skip
        return out
    result = exposure_table(got.lines, scenario_, queries.product_group_lines(), names)
    national = model_queries.national_imports_by_hs6(BASE_YEAR)
    covered = model_queries.national_imports_of_covered_products(BASE_YEAR)
    found = modeller_report.national_checks(result, national, covered, names)
    if found:
        messages = pd.concat([got.messages, exposure.messages_frame(found)], ignore_index=True)
        got = replace(got, messages=messages)
    summaries = modeller_report.report(result, national, names)
    return checks(got, got.messages) + results(result, scenario_, level, got, summaries)


def checks(got: Lines, messages: pd.DataFrame) -> list:
    """Every check's message, by row; whole-file messages also in words above."""
    where = got.where
    if messages.empty:
        if got.lines.empty:
            return []
        every = "All " if len(got.lines) > 1 else ""
        n = text.plural(len(got.lines), "line")
        return [Note(f"{every}{n} from {where} passed the checks.", "success")]
    errors = int((messages["severity"] == ERROR).sum())
    warnings = int((messages["severity"] == WARNING).sum())
    row_word = "line" if where == "the table above" else "row"
    counts = f"{text.plural(errors, 'error')}, {text.plural(warnings, 'warning')}"
    whole = messages[messages["row"].isna() & messages["column"].isna()]
    said = "".join(f"\n- {m}" for m in whole["problem"])
    used = text.plural(len(got.lines), "line")
    if got.lines.empty:
        summary = Note(f"No line from {where} can be used ({counts}).{said}", "error")
    elif got.left_out:
        summary = Note(f"{used} from {where} used; {text.plural(got.left_out, row_word)} with "
                       f"an error left out ({counts}).{said}", "warning")  # fmt: skip
    elif errors or warnings:
        summary = Note(f"{used} from {where} used ({counts}).{said}", "info")
    else:
        summary = Note(f"{used} from {where} used.{said}", "success")
    shown = messages.rename(columns={"row": row_word})
    shown[row_word] = shown[row_word].map(lambda r: "whole file" if pd.isna(r) else str(int(r)))
    shown["column"] = shown["column"].fillna("")
    out = [summary, Note(f"**Checks, {row_word} by {row_word}**", "markdown"),
           Table(shown, key="modeller_messages", title="Checks", static=len(shown) <= 100,
                 downloads=False)]  # fmt: skip
    if (messages["severity"] == NOTE).any():
        out.append(Note("'note' says how the file was read: nothing to fix."))
    return out


def results(result, scenario_, level, got: Lines, summaries: dict) -> list:
    t = totals(result)
    shown = report_table(result)
    about = report_meta(scenario_, SCENARIOS[level], REPORT_SOURCE, got.left_out)
    frame = scenario_.frame()
    used = frame[frame["name"].isin(USED)]
    unsourced = int(used["label"].isin([ASSUMPTION, USER]).sum())
    out = [
        Note("Exposure of your lines", "subheader"),
        Row(
            [
                [Metric(f"Annual value, {text.plural(t['lines'], 'line')}", text.usd(t["value"]))],
                [Metric("Exposed to Xinjiang inputs", text.usd(t["exposed"]))],
                [Metric("At risk (x enforcement)", text.usd(t["at_risk"]))],
                [Metric("Lines that can't be mapped", f"{t['unmapped']:,}")],
            ]
        ),  # fmt: skip
        Note(
            f"{SCENARIOS[level]} scenario, full effect. Exposed = value x Xinjiang share x "
            "covered content (x third-country reliance for origins other than China); at risk = "
            f"exposed x enforcement ({scenario_.enforcement(None):.1%}). The values are yours, "
            f"from {got.where}; the shares come from the warehouse's cited figures and the "
            "model's assumptions, listed below. 'row' is the row number in your file (the "
            "header is row 1 when it is the first) or the line number in the table. "
            + coverage_sentence(t)
        ),
    ]
    if len(shown) > SHOWN_LINES:
        out.append(Note(f"The first {SHOWN_LINES:,} of {len(shown):,} lines are listed here; "
                        "the CSV report holds them all."))  # fmt: skip
    out.append(Table(shown.head(SHOWN_LINES), key="modeller_lines", title="Your lines",
                     column_config=column_config(), downloads=False))  # fmt: skip
    out += summary_tables(summaries, about)
    out += [
        Note("**Assumptions behind these numbers**", "markdown"),
        Table(
            used[["name", "scope", "value", "label", "source_ids", "quote", "note"]],
            key="modeller_assumptions",
            title="Assumptions",
            downloads=False,
        ),  # fmt: skip
        Note(
            f"{unsourced} of these {len(used)} values have no source ('assumption') or were "
            "set by you; the others carry their cited figure ids and quotes (reference "
            "figures COT-, TOM-) or the trade-data rows they were computed from "
            "(docs/methodology.md)."
        ),  # fmt: skip
        Note("**Download the report**", "markdown"),
        report_downloads(shown, about, used, got, summaries),
        Prose("modeller/downloads.md", "caption"),
    ]
    return out


def summary_tables(summaries: dict, about) -> list:
    """The report's summary tables, each with its CSV and XLSX downloads."""
    out = []
    for key, (title, note) in SUMMARIES.items():
        table = summaries.get(key)
        if table is None or table.empty:
            continue
        out.append(Note(f"**{title}**", "markdown"))
        if note:
            out.append(Note(note.format(n=len(table), year=BASE_YEAR)))
        out.append(Table(
            table, key=f"modeller_{key}", title=f"Your lines: {title[0].lower()}{title[1:]}",
            source=REPORT_SOURCE, units="USD as given in your lines; shares as fractions",
            vintage=about.vintage, subtitle=about.filters.get("rows left out", ""),
            column_config=column_config(),
        ))  # fmt: skip
    return out


def report_downloads(table, meta, used, got: Lines, summaries: dict) -> Downloads:
    """CSV and XLSX reports, built only on click from this session's lines."""
    book, book_meta = table, meta
    if len(table) > XLSX_LINES:
        book = table.nlargest(XLSX_LINES, "at_risk_value_usd").sort_values("row")
        lines_kept = f"the {XLSX_LINES:,} of {len(table):,} lines most at risk"
        book_meta = replace(meta, filters=meta.filters | {"lines": lines_kept})
    return Downloads("", [
        File("CSV report", lambda: export.csv_bytes(table, meta), export.file_name(meta, "csv"),
             export.EXPORT_FORMATS["csv"].mime, "modeller_report_csv"),
        File("Excel report", lambda: report_xlsx(book, book_meta, used, got.messages, summaries),
             export.file_name(meta, "xlsx"), export.EXPORT_FORMATS["xlsx"].mime,
             "modeller_report_xlsx"),
    ])  # fmt: skip
