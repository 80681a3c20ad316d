"""The Exposure modeller page: its reading functions on malformed files
(dashboard.modeller_view), and the page in AppTest with an
upload and with typed lines, checked against exposure.line_exposure on the warehouse."""

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

import exposure
from dashboard import export, render, text
from tests.apptest import open_page

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")
PAGE = "pages/exposure_modeller.py"

LINES_CSV = (
    b"hs_code,origin,annual_value_usd,quantity,quantity_unit,supplier\n"
    b"610910,CHN,1000000,5000,u,Alpha\n"
    b"520812,Vietnam,250000,,,Beta\n"
    b"200290,CHN,40000,,kg,Gamma\n"
    b"6109,MEX,90000,,,Delta\n"
    b"847130,CHN,300000,,,Zeta\n"
)
MALFORMED_CSV = (
    b"hs_code,origin,annual_value_usd,supplier\n"
    b"61091X,CHN,1000,Bad code\n"
    b"610910,CHN,-50,Negative\n"
    b"610910,Atlantis,100,Unknown country\n"
    b"620342,VNM,2500,Good line\n"
)


@pytest.fixture(scope="module")
def page():
    """The page's pure functions (reading, exposure, report)."""
    from dashboard import modeller_view

    return modeller_view


@pytest.fixture
def tables(model_tables):
    return model_tables


# --- reading: nothing crashes, every problem is a message -----------------------------------


def xlsx(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


BAD_FILES = {
    "empty": (b"", "lines.csv"),
    "blank": (b"\n\n  \n", "lines.csv"),
    "not any encoding": (b"hs_code,origin,annual_value_usd\n610910,CHN,5\x81\n", "lines.csv"),
    "oversized": (b"a" * (exposure.MAX_UPLOAD_BYTES + 1), "lines.csv"),
    "corrupt xlsx": (b"PK\x03\x04" + b"\x00garbage" * 50, "lines.xlsx"),
    "binary": (bytes(range(256)) * 20, "lines.csv"),
    "old xls": (b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "lines.xls"),
    "header only": (b"hs_code,origin,annual_value_usd\n", "lines.csv"),
    "wrong columns": (b"a,b,c\n1,2,3\n", "lines.csv"),
}  # fmt: skip


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_malformed_files_give_messages_not_exceptions(page, tables, name):
    data, filename = BAD_FILES[name]
    lines, messages = page.read_upload(data, filename, tables["countries"])
    assert lines.empty
    assert not messages.empty
    assert list(messages.columns) == ["row", "column", "severity", "problem"]
    assert (messages["severity"] == "error").any()


def test_a_windows_1252_file_is_read_with_a_warning_naming_the_line(page, tables):
    data = "hs_code,origin,annual_value_usd,supplier\n610910,CHN,5,Café\n".encode("cp1252")
    lines, messages = page.read_upload(data, "lines.csv", tables["countries"])
    assert list(lines["supplier"]) == ["Café"]
    assert list(messages["severity"]) == ["warning"]
    assert "line 2" in messages["problem"].iloc[0] and "Windows-1252" in messages["problem"].iloc[0]


def test_bad_rows_are_reported_by_row_and_good_rows_still_compute(page, tables):
    lines, messages = page.read_upload(MALFORMED_CSV, "lines.csv", tables["countries"])
    assert list(lines["row"]) == [5]
    by_row = {(int(r["row"]), r["column"]) for _, r in messages.iterrows()}
    assert by_row == {(2, "hs_code"), (3, "annual_value_usd"), (4, "origin")}
    result = page.exposure_table(lines, tables["scenarios"]["central"], tables["groups"], {})
    assert result["at_risk_value_usd"].iloc[0] > 0


def test_an_unforeseen_failure_is_a_message(page, tables, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(page.exposure, "parse_upload", broken)
    lines, messages = page.read_upload(LINES_CSV, "lines.csv", tables["countries"])
    assert lines.empty and "could not be read" in messages["problem"].iloc[0]


def test_xlsx_upload_keeps_leading_zeros_as_text(page, tables):
    data = xlsx(
        [["hs_code", "origin", "annual_value_usd"], ["0702", "MEX", 1200], [610910, "CHN", 5]]
    )
    lines, messages = page.read_upload(data, "lines.xlsx", tables["countries"])
    assert list(lines["hs_code"]) == ["0702", "610910"]
    assert any("stored as a number" in p for p in messages["problem"])


def test_the_template_round_trips_with_its_examples_skipped(page, tables):
    lines, messages = page.read_upload(exposure.template_csv(), "t.csv", tables["countries"])
    assert lines.empty
    assert (messages["problem"].str.contains("example row")).sum() == 3


def test_typed_lines_are_numbered_as_table_lines(page, tables):
    typed = pd.DataFrame(
        {
            "hs_code": ["610910", "61091X"],
            "origin": ["China", "CHN"],
            "annual_value_usd": [1000.0, 10.0],
            "quantity": [None, None],
            "quantity_unit": [None, None],
            "supplier": [None, None],
        }
    )
    lines, messages = page.read_table(typed, tables["countries"])
    assert list(lines["row"]) == [1]
    assert list(lines["origin_iso3"]) == ["CHN"]
    assert list(messages["row"]) == [2]


# --- the report --------------------------------------------------------------------------------


def test_report_carries_the_lines_and_every_assumption(page, tables):
    lines, _ = page.read_upload(LINES_CSV, "lines.csv", tables["countries"])
    scenario = page.scenario_with(tables["scenarios"]["central"], 0.7)
    result = page.exposure_table(lines, scenario, tables["groups"], {"CHN": "China"})
    table = page.report_table(result)
    meta = page.report_meta(scenario, "Central", "test source")
    head, body = export.read_export_csv(export.csv_bytes(table, meta))
    assert list(body["hs_code"].astype(str)) == ["610910", "520812", "200290", "6109", "847130"]
    assert body["at_risk_value_usd"].iloc[0] == pytest.approx(1_000_000 * 0.852437 * 0.8)
    assert "set by the user" in head["filter.assumption.enforcement"]
    assert "COT-02" in head["filter.assumption.xinjiang_share[cotton_apparel]"]
    assert "About 70 percent" in head["filter.assumption.xinjiang_share[tomato_paste_preserved]"]
    frame = scenario.frame()
    used = frame[frame["name"].isin(page.USED)]
    book = load_workbook(io.BytesIO(page.report_xlsx(table, meta, used)))
    assert book.sheetnames == ["data", "about", "assumptions"]
    assert book["assumptions"].max_row == len(used) + 1


def test_report_says_which_rows_were_left_out(page, tables):
    lines, messages = page.read_upload(MALFORMED_CSV, "lines.csv", tables["countries"])
    assert page.left_out(messages) == 3
    result = page.exposure_table(lines, tables["scenarios"]["central"], tables["groups"], {})
    table = page.report_table(result)
    meta = page.report_meta(tables["scenarios"]["central"], "Central", "test", 3)
    head, body = export.read_export_csv(export.csv_bytes(table, meta))
    assert len(body) == 1
    assert head["filter.rows left out"].startswith("3 row(s) of the input had errors")
    book = load_workbook(io.BytesIO(page.report_xlsx(table, meta, pd.DataFrame(), messages)))
    assert book.sheetnames == ["data", "about", "assumptions", "checks"]
    rows = list(book["checks"].iter_rows(values_only=True))
    assert rows[0] == tuple(messages.columns) and len(rows) == len(messages) + 1


# --- the page in AppTest -----------------------------------------------------------------------


def expected(tables, data: bytes, scenario) -> pd.DataFrame:
    lines, _ = exposure.parse_upload(data, "lines.csv", tables["countries"])
    return exposure.line_exposure(lines, scenario, tables["groups"])


def test_page_starts_empty_with_the_limit_stated(app_env):
    at = open_page(PAGE)
    assert at.get("file_uploader")
    assert "up to 200 MB and 1,000,000 lines" in at.file_uploader(key="modeller_upload").label
    assert any("Upload a file or add lines" in i.value for i in at.info)
    assert "Download the template (CSV)" in [b.label for b in at.get("download_button")]
    # No chart on this page, so the share link offers no chart to embed.
    link_note = next(c.value for c in at.sidebar.caption if c.value.startswith("Opens this page"))
    assert "embed" not in link_note


def test_an_upload_is_computed_line_by_line(app_env, tables):
    at = open_page(PAGE)
    at.file_uploader(key="modeller_upload").set_value(("lines.csv", LINES_CSV, "text/csv")).run()
    assert not at.exception, [e.message for e in at.exception]
    want = expected(tables, LINES_CSV, tables["scenarios"]["central"])
    known = want[want["mapping_status"] != "unmapped"]
    assert at.metric[2].value == text.usd(known["at_risk_value_usd"].sum())
    shown = next(d.value for d in at.dataframe if "shares_used" in d.value.columns)
    assert list(shown["at_risk_value_usd"].fillna(-1)) == pytest.approx(
        list(want["at_risk_value_usd"].fillna(-1))
    )
    assert list(shown["mapping_status"]) == [
        "mapped",
        "mapped",
        "mapped",
        "unmapped",
        "not covered",
    ]
    assert "COT-02" in shown["shares_used"].iloc[0]
    # the unmapped line has no value at risk: its cell shows a dash, not Streamlit's "None"
    assert shown["at_risk_value_usd"].isna().any()
    lines_table = next(d for d in at.dataframe if "shares_used" in d.value.columns)
    assert lines_table.proto.placeholder == render.MISSING_CELL == "–"
    # beside "Lines that can't be mapped", the caption says what the totals count as nothing
    caption = next(c.value for c in at.caption if c.value.startswith("Central scenario"))
    assert "1 line ($300.00 k) is outside the products the WRO covers" in caption
    assert "1 line (" in caption and "can't be mapped to a product group" in caption
    labels = [b.label for b in at.get("download_button")]
    assert "CSV report" in labels and "Excel report" in labels
    assumptions = next(d.value for d in at.dataframe if "quote" in d.value.columns)
    assert "assumption" in set(assumptions["label"])


def test_scenario_and_enforcement_change_the_lines(app_env, tables):
    at = open_page(PAGE)
    at.file_uploader(key="modeller_upload").set_value(("lines.csv", LINES_CSV, "text/csv")).run()
    central = at.metric[2].value
    at.radio(key="modeller_scenario").set_value("low").run()
    low = tables["scenarios"]["low"]
    assert at.slider(key="modeller_enforcement").value == pytest.approx(25.0)
    want = expected(tables, LINES_CSV, low)
    assert at.metric[2].value == text.usd(
        want.loc[want["mapping_status"] != "unmapped", "at_risk_value_usd"].sum()
    )
    assert at.metric[2].value != central
    at.slider(key="modeller_enforcement").set_value(40.0).run()
    want = expected(tables, LINES_CSV, low.with_value("enforcement", 0.4))
    assert at.metric[2].value == text.usd(
        want.loc[want["mapping_status"] != "unmapped", "at_risk_value_usd"].sum()
    )


def test_a_malformed_upload_shows_row_messages(app_env):
    at = open_page(PAGE)
    up = at.file_uploader(key="modeller_upload")
    up.set_value(("bad.csv", MALFORMED_CSV, "text/csv")).run()
    assert not at.exception
    assert any("1 line from file bad.csv used" in w.value for w in at.warning)
    checks = at.table[0].value
    assert list(checks["row"]) == ["2", "3", "4"]
    at.file_uploader(key="modeller_upload").set_value(
        ("bytes.csv", BAD_FILES["not any encoding"][0], "text/csv")
    ).run()
    assert not at.exception
    assert any("not UTF-8" in e.value for e in at.error)


def test_the_world_total_is_not_an_origin(app_env):
    at = open_page(PAGE)
    data = (
        b"hs_code,origin,annual_value_usd\n"
        b"610910,WLD,100\n610910,World (all partners),5\n610910,CHN,100\n"
    )
    at.file_uploader(key="modeller_upload").set_value(("w.csv", data, "text/csv")).run()
    assert not at.exception
    assert any("1 line from file w.csv used" in w.value for w in at.warning)
    assert list(at.table[0].value["row"]) == ["2", "3"]


def test_typed_lines_in_the_table(app_env, tables):
    at = open_page(PAGE)
    at.radio(key="modeller_input").set_value("table").run()
    assert at.data_editor[0].editing_mode == "dynamic"
    at.session_state["modeller_editor"] = {
        "edited_rows": {},
        "added_rows": [
            {"hs_code": "610910", "origin": "China", "annual_value_usd": "2,000,000"},
            {},  # a blank line: skipped, the next lines keep their numbers
            {"hs_code": "620342", "origin": "VNM", "annual_value_usd": "500000"},
            {"hs_code": "99X", "origin": "CHN", "annual_value_usd": "5"},
        ],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    typed = b"hs_code,origin,annual_value_usd\n610910,China,2000000\n620342,VNM,500000\n"
    want = expected(tables, typed, tables["scenarios"]["central"])
    assert at.metric[2].value == text.usd(want["at_risk_value_usd"].sum())
    checks = at.table[0].value
    assert list(checks["line"]) == ["4"]
    assert any("2 lines from the table above used" in w.value for w in at.warning)


def test_no_chart_or_figure_is_made_from_uploads(app_env):
    """The page shows the user's numbers in tables only; no warehouse series is mixed in."""
    at = open_page(PAGE)
    at.file_uploader(key="modeller_upload").set_value(("lines.csv", LINES_CSV, "text/csv")).run()
    assert not [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


# --- issue 14: workbooks, column choice, plausibility and the report's tables ----------------


def test_a_workbook_opens_on_the_sheet_with_the_columns_and_another_can_be_chosen(app_env):
    data = xlsx_sheets(
        {
            "Summary": [["Members' imports"], ["lines", 2]],
            "Lines": [
                ["ACE entry line report"],
                ["HTS Number", "COO", "Entered Value", "Supplier"],
                [6109100012, "CN", 1000, "Alpha"],
                ["5208120000", "VN", 500, "Beta"],
                ["Total", None, 1500, None],
            ],
        }
    )
    at = open_page(PAGE)
    at.file_uploader(key="modeller_upload").set_value(("book.xlsx", data, XLSX_MIME)).run()
    assert not at.exception, [e.message for e in at.exception]
    sheet = next(s for s in at.selectbox if s.label == "Sheet")
    assert sheet.value == "Lines" and sheet.options == ["Summary", "Lines"]
    columns = {s.label: s.value for s in at.selectbox if s.label != "Sheet"}
    assert columns["HS / HTS code *"] == 0 and columns["Country of origin *"] == 1
    assert at.metric[0].value == text.usd(1500)  # the totals row is not a line
    notes = at.table[0].value["problem"].tolist()
    assert "1 totals row(s) left out (row 5): a total is not an import line." in notes
    sheet.set_value("Summary").run()
    assert not at.exception
    assert any("No line from file book.xlsx can be used" in e.value for e in at.error)
    assert "missing required column(s)" in at.table[0].value["problem"].iloc[-1]


def test_columns_the_page_does_not_know_can_be_chosen(app_env):
    data = b"code,from,usd a year\n610910,CHN,1000\n620342,VNM,500\n"
    at = open_page(PAGE)
    at.file_uploader(key="modeller_upload").set_value(("odd.csv", data, "text/csv")).run()
    problem = at.table[0].value["problem"].iloc[0]
    assert "missing required column(s): origin, annual_value_usd" in problem
    chooser = {s.label: s for s in at.selectbox}
    chooser["Country of origin *"].set_value(1).run()
    chooser = {s.label: s for s in at.selectbox}
    chooser["Value (USD) *"].set_value(2).run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.metric[0].value == text.usd(1500)


def test_implausible_values_are_warned_and_the_report_has_its_tables(app_env, tables):
    data = b"hs_code,origin,annual_value_usd,supplier\n610910,CHN,1e12,Alpha\n620342,BGD,5,Beta\n"
    at = open_page(PAGE)
    at.file_uploader(key="modeller_upload").set_value(("big.csv", data, "text/csv")).run()
    assert not at.exception, [e.message for e in at.exception]
    checks = at.table[0].value
    warned = checks[checks["severity"] == "warning"]
    assert list(warned["row"]) == ["2", "whole file"]
    assert "more than all US imports of HS 610910 from China in 2019" in warned["problem"].iloc[0]
    assert "covered products from China add up to $1.00 trillion" in warned["problem"].iloc[1]
    shown = {tuple(d.value.columns) for d in at.dataframe}
    assert ("origin", "channel", "lines", "annual_value_usd", "exposed_value_usd",
            "at_risk_value_usd") in shown  # fmt: skip
    assert any("hs_chapter" in c for c in shown) and any(c[0] == "supplier" for c in shown)
    national = next(d.value for d in at.dataframe if "members_share" in d.value.columns)
    assert list(national["origin_iso3"]) == ["CHN", "BGD"]
    labels = [b.label for b in at.get("download_button")]
    assert "CSV report" in labels and "Excel report" in labels


def test_the_excel_report_holds_the_summary_tables(page, tables):
    lines, _ = page.read_upload(LINES_CSV, "lines.csv", tables["countries"])
    result = page.exposure_table(lines, tables["scenarios"]["central"], tables["groups"], {})
    from dashboard import modeller_report

    summaries = modeller_report.report(result, pd.DataFrame(), {})
    meta = page.report_meta(tables["scenarios"]["central"], "Central", "test")
    book = load_workbook(
        io.BytesIO(
            page.report_xlsx(page.report_table(result), meta, pd.DataFrame(), None, summaries)
        )
    )
    assert book.sheetnames[:3] == ["data", "about", "assumptions"]
    assert {"by_origin", "by_chapter_group", "by_supplier", "most_exposed"} <= set(book.sheetnames)
    rows = list(book["by_origin"].iter_rows(values_only=True))
    assert sum(r[3] for r in rows[1:]) == pytest.approx(result["annual_value_usd"].sum())


XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_sheets(sheets: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
