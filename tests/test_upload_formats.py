"""The files trade associations have (issue 14): one test per format, each with the message
that says how the file was read; the lenient column matching; the limits."""

import codecs
import io

import pandas as pd
import pytest
from openpyxl import Workbook

from exposure.upload_columns import match_columns
from exposure.upload_read import Limits
from exposure.uploads import ERROR, NOTE, WARNING, check_upload

COUNTRIES = pd.DataFrame(
    {
        "iso3": ["CHN", "VNM", "MEX", "BGD", "KOR", "TUR"],
        "name": ["China", "Vietnam", "Mexico", "Bangladesh", "South Korea", "Turkey"],
    }
)


def check(data: bytes, name: str = "lines.csv", **options):
    return check_upload(data, name, COUNTRIES, **options)


def said(upload, severity=None) -> list[str]:
    return [m.problem for m in upload.messages if severity in (None, m.severity)]


def errors(upload) -> set:
    return {(m.row, m.column) for m in upload.messages if m.severity == ERROR}


# --- CSV encodings and separators --------------------------------------------------------


def test_utf16_with_bom_tab_separated_is_excels_unicode_text():
    text = "HTS\tCountry of Origin\tEntered Value\r\n610910\tChina\t1200.5\r\n0702\tMexico\t30\r\n"
    up = check(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), "unicode.txt")
    assert list(up.lines["hs_code"]) == ["610910", "0702"]
    assert list(up.lines["annual_value_usd"]) == [1200.5, 30.0]
    assert list(up.lines["row"]) == [2, 3]
    assert "The file is UTF-16 text (Excel's 'Unicode Text'): read as such." in said(up, NOTE)
    assert "Columns are separated by tabs." in said(up, NOTE)
    assert not errors(up)


def test_utf16_big_endian_with_bom():
    text = "hs_code,origin,annual_value_usd\n520812,VNM,10\n"
    up = check(codecs.BOM_UTF16_BE + text.encode("utf-16-be"))
    assert list(up.lines["hs_code"]) == ["520812"] and "UTF-16" in said(up, NOTE)[0]


def test_utf8_without_bom_comma_needs_no_word():
    up = check(b"hs_code,origin,annual_value_usd\n610910,CHN,10\n")
    assert len(up.lines) == 1 and up.messages == []


def test_utf8_with_bom_semicolons_says_the_separator():
    up = check(codecs.BOM_UTF8 + b"hs_code;origin;annual_value_usd\r\n610910;CHN;10\r\n")
    assert list(up.lines["annual_value_usd"]) == [10.0]
    assert said(up) == ["Columns are separated by semicolons."]


def test_windows_1252_semicolon_file_with_european_numbers():
    """Excel's 'CSV' in a European locale: Windows-1252, ';', '1.000,50'."""
    text = (
        "HTS;Country of Origin;Entered Value;Quantity;Supplier\r\n"
        "6109.10.0012;China;1.250.000,50;5.000;Société Générale\r\n"
        "6203.42.4011;Vietnam;480 000,5;2;Bêta\r\n"
        "2002.90.0050;CN;64000;12;Gamma\r\n"
    )
    up = check(text.encode("cp1252"))
    assert list(up.lines["annual_value_usd"]) == [1_250_000.5, 480_000.5, 64_000.0]
    assert list(up.lines["quantity"]) == [5000.0, 2.0, 12.0]
    assert list(up.lines["hs_code"]) == ["6109100012", "6203424011", "2002900050"]
    assert list(up.lines["supplier"])[0] == "Société Générale"
    european = [p for p in said(up, WARNING) if "read the European way" in p]
    assert len(european) == 1 and "'1.000,50' is 1000.50" in european[0]
    assert "separated by semicolons" in european[0]
    assert any("read as Windows-1252" in p for p in said(up, WARNING))
    assert not errors(up)


def test_european_numbers_are_not_guessed_in_a_comma_file():
    up = check(b'hs_code,origin,annual_value_usd\n610910,CHN,"1.000,50"\n610910,CHN,7\n')
    assert list(up.lines["row"]) == [3]
    (problem,) = [m.problem for m in up.messages if m.severity == ERROR]
    assert "'1.000,50' is written the European way" in problem
    assert "separated by commas" in problem


def test_a_semicolon_file_with_decimal_points_is_read_the_us_way():
    up = check(b"hs_code;origin;annual_value_usd\n610910;CHN;1,200.50\n610910;CHN;2.5\n")
    assert list(up.lines["annual_value_usd"]) == [1200.5, 2.5]
    assert not any("European" in p for p in said(up))


def test_a_file_that_mixes_both_styles_is_not_read_the_european_way():
    up = check(b"hs_code;origin;annual_value_usd\n610910;CHN;1.000,50\n610910;CHN;2.5\n")
    assert list(up.lines["annual_value_usd"]) == [2.5]
    assert errors(up) == {(2, "annual_value_usd")}


def test_tab_separated_utf8():
    up = check(b"hs_code\torigin\tannual_value_usd\n610910\tCHN\t10\n", "lines.tsv")
    assert list(up.lines["hs_code"]) == ["610910"]
    assert said(up) == ["Columns are separated by tabs."]


def test_header_rows_above_the_table_and_a_totals_row_are_left_out():
    text = (
        "Entry summary report,,\n"
        "Run date: 2024-03-01,,\n"
        ",,\n"
        "HTS Number,Country of Origin,Entered Value\n"
        "6109100012,CN,100\n"
        "5208120000,VN,50\n"
        "Total,,150\n"
    )
    up = check(text.encode())
    assert list(up.lines["row"]) == [5, 6]
    assert list(up.lines["origin_iso3"]) == ["CHN", "VNM"]
    notes = said(up, NOTE)
    assert any(n.startswith("The header is row 4; the 2 non-blank row(s) above it") for n in notes)
    assert "1 totals row(s) left out (row 7): a total is not an import line." in notes
    assert not errors(up)


def test_rows_with_fewer_or_more_cells_than_the_header():
    up = check(b"hs_code,origin,annual_value_usd,supplier\n610910,CHN,10\n610910,CHN,5,Acme,x\n")
    assert list(up.lines["row"]) == [2, 3]
    assert list(up.lines["supplier"]) == ["", "Acme"]
    (problem,) = said(up, WARNING)
    assert "the row has 5 cells where the header has 4" in problem and "'x'" in problem


def test_row_numbers_count_blank_lines_and_line_breaks_in_quotes():
    text = (
        'hs_code,origin,annual_value_usd,supplier\r\n\r\n610910,CHN,1,"A\r\nB"\r\n'
        "\r\n61X,CHN,1,\r\n"
    )
    up = check(text.encode())
    assert list(up.lines["row"]) == [3]
    assert errors(up) == {(6, "hs_code")}


# --- Excel -----------------------------------------------------------------------------


def workbook(sheets: dict[str, list[list]]) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


BOOK = {
    "Summary": [["Members' imports 2024"], ["Lines", 3]],
    "Entry lines": [
        ["ACE entry line report"],
        [],
        ["Entry Number", "HTS Number", "COO", "Entered Value", "Manufacturer Name"],
        ["E1", 6109100012, "CN", 1000, "Alpha"],
        ["E2", "0702000020", "MX", 250.5, "Beta"],
        ["E3", 702000020, "Mexico", 10, "Gamma"],
        ["Total", None, None, 1260.5, None],
    ],
    "Notes": [["HS code", "origin", "value"], ["610910", "CHN", 1]],
}


def test_xlsx_the_first_sheet_with_the_needed_columns_is_read():
    up = check(workbook(BOOK), "lines.xlsx")
    assert up.sheet == "Entry lines" and up.sheets == ("Summary", "Entry lines", "Notes")
    assert list(up.lines["row"]) == [4, 5, 6]
    assert list(up.lines["hs_code"]) == ["6109100012", "0702000020", "0702000020"]
    assert list(up.lines["supplier"]) == ["Alpha", "Beta", "Gamma"]
    notes = said(up, NOTE)
    assert "Sheet 'Entry lines' read (the first with the required columns)." in notes
    assert any(n.startswith("The header is row 3; the 1 non-blank row(s) above it") for n in notes)
    assert "1 totals row(s) left out (row 7): a total is not an import line." in notes
    warnings = {(m.row, m.problem.split(";")[0]) for m in up.messages if m.severity == WARNING}
    assert (4, "HS code stored as a number in Excel") in warnings
    assert (6, "HS code stored as a number in Excel") in warnings
    assert (6, "HS code '702000020' has an odd number of digits: read as '0702000020' "
               "(leading zero)") in warnings  # fmt: skip
    assert not errors(up)


def test_xlsx_another_sheet_can_be_chosen():
    up = check(workbook(BOOK), "lines.xlsx", sheet="Notes")
    assert up.sheet == "Notes" and list(up.lines["hs_code"]) == ["610910"]
    assert "Sheet 'Notes' read (chosen)." in said(up, NOTE)
    up = check(workbook(BOOK), "lines.xlsx", sheet="Summary")
    assert up.lines.empty and any("missing required column" in p for p in said(up, ERROR))


def test_xlsx_with_no_sheet_holding_the_columns_reads_the_first():
    up = check(workbook({"A": [["x", "y"], [1, 2]], "B": [["z"]]}), "lines.xlsx")
    assert up.sheet == "A" and any("missing required column" in p for p in said(up, ERROR))


def test_xlsx_number_cells_are_not_read_as_european_or_dot_thousands():
    up = check(
        workbook({"S": [["hs_code", "origin", "annual_value_usd"], ["610910", "CHN", 1.234]]})
    )
    assert list(up.lines["annual_value_usd"]) == [1.234]
    assert not said(up, WARNING)


# --- columns ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (["HTS", "COO", "Value (USD)"], {"hs_code": 0, "origin": 1, "annual_value_usd": 2}),
        (
            ["Entry No.", "HTS Number", "Country of Origin", "Entered Value", "Qty", "UOM"],
            {"hs_code": 1, "origin": 2, "annual_value_usd": 3, "quantity": 4, "quantity_unit": 5},
        ),
        (
            ["Tariff No", "Ctry of Origin", "Unit Value", "Total Entered Value USD", "Vendor"],
            {"hs_code": 0, "origin": 1, "annual_value_usd": 3, "supplier": 4},
        ),
        (
            ["HTS Number (10 digit)", "Origin Country", "Line Value", "Manufacturer (MID)"],
            {"hs_code": 0, "origin": 1, "annual_value_usd": 2, "supplier": 3},
        ),
        (["Entry Number", "Description", "Country of Export"], {}),
    ],
)
def test_broker_and_erp_column_names(header, expected):
    assert match_columns(header) == expected


def test_countries_as_brokers_write_them():
    text = "hts,coo,value\n610910,CN,1\n610910,VN,1\n610910,Korea, Republic of,1\n610910,KR,1\n"
    up = check(text.replace("Korea, Republic of", '"Korea, Republic of"').encode())
    assert list(up.lines["origin_iso3"]) == ["CHN", "VNM", "KOR", "KOR"] and not errors(up)


def test_a_column_can_be_chosen_by_hand():
    text = b"code,from,usd a year,other value\n610910,CHN,10,99\n"
    up = check(text)
    assert up.lines.empty and any("missing required column(s): origin" in p for p in said(up))
    up = check(text, columns={"hs_code": 0, "origin": 1, "annual_value_usd": 3})
    assert list(up.lines["annual_value_usd"]) == [99.0] and not errors(up)


# --- limits and many problems ----------------------------------------------------------------


def test_the_limits_are_configurable(monkeypatch):
    data = b"hs_code,origin,annual_value_usd\n" + b"610910,CHN,1\n" * 5
    up = check(data, limits=Limits(max_bytes=40))
    assert up.lines.empty and "the limit is 4e-05 MB" in said(up)[0]
    monkeypatch.setenv("MODELLER_MAX_ROWS", "3")
    monkeypatch.setenv("MODELLER_MAX_UPLOAD_MB", "0.5")
    assert Limits.from_env() == Limits(max_bytes=500_000, max_rows=3)
    assert Limits.from_env().size == "0.5 MB"
    up = check(data)
    assert len(up.lines) == 3
    assert "The file has 5 lines; the limit is 3: only the first 3 (to row 4) were read." in said(
        up, WARNING
    )


def test_many_problems_of_one_kind_list_ten_then_a_count():
    data = b"hs_code,origin,annual_value_usd\n" + b"610910,Atlantis,1\n" * 25 + b"610910,CHN,1\n"
    up = check(data)
    listed = [m for m in up.messages if m.column == "origin" and m.row is not None]
    assert [m.row for m in listed] == list(range(2, 12))
    (more,) = [m for m in up.messages if m.column == "origin" and m.row is None]
    assert more.problem.startswith("15 more row(s) with this problem (unknown country 'Atlantis'")
    assert up.left_out == 25 and list(up.lines["row"]) == [27]
