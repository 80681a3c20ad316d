"""Upload validation: malformed files give row-level messages, valid rows still compute."""

import io

import pandas as pd
import pytest
from openpyxl import Workbook

from exposure.uploads import (
    ERROR,
    MAX_UPLOAD_BYTES,
    WARNING,
    parse_upload,
    template_csv,
)

COUNTRIES = pd.DataFrame(
    {"iso3": ["CHN", "VNM", "MEX", "BGD"], "name": ["China", "Vietnam", "Mexico", "Bangladesh"]}
)
HEADER = "hs_code,origin,annual_value_usd,quantity,supplier\n"


def parse(text: str | bytes, name: str = "lines.csv"):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return parse_upload(data, name, COUNTRIES)


def problems(messages, severity=ERROR):
    return {(m.row, m.column) for m in messages if m.severity == severity}


def test_valid_csv_keeps_leading_zeros_and_text_codes():
    df, messages = parse(HEADER + "0702,MEX,1000,5,Acme\n610910,china,2500.5,,\n")
    assert not [m for m in messages if m.severity == ERROR]
    assert list(df["hs_code"]) == ["0702", "610910"]
    assert list(df["origin_iso3"]) == ["MEX", "CHN"]  # names and any case accepted
    assert list(df["annual_value_usd"]) == [1000.0, 2500.5]
    assert list(df["row"]) == [2, 3]  # row numbers as in the file (header is row 1)


def test_missing_required_columns():
    df, messages = parse("hs_code,supplier\n610910,Acme\n")
    assert df.empty
    assert len(messages) == 1
    m = messages[0]
    assert m.row == 1 and "origin" in m.column and "annual_value_usd" in m.column
    assert "missing required column" in m.problem


def test_bad_codes_unknown_country_negative_and_non_numeric_are_row_level():
    body = (
        "610910,CHN,100,,\n"  # row 2 ok
        "61A910,CHN,100,,\n"  # row 3 letters
        "123456789012,CHN,100,,\n"  # row 4 too long
        ",CHN,100,,\n"  # row 5 empty code
        "610910,Atlantis,100,,\n"  # row 6 unknown country
        "610910,VNM,-5,,\n"  # row 7 negative
        "610910,VNM,lots,,\n"  # row 8 non-numeric
        '610910,MEX,"1,234.5",,\n'  # row 9 ok with thousands separator
    )
    df, messages = parse(HEADER + body)
    assert list(df["row"]) == [2, 9]
    assert df["annual_value_usd"].iloc[1] == 1234.5
    assert problems(messages) == {
        (3, "hs_code"),
        (4, "hs_code"),
        (5, "hs_code"),
        (6, "origin"),
        (7, "annual_value_usd"),
        (8, "annual_value_usd"),
    }
    text = {m.row: m.problem for m in messages if m.severity == ERROR}
    assert "Atlantis" in text[6] and "negative" in text[7] and "'lots'" in text[8]


def test_odd_length_code_gets_its_leading_zero_back_with_a_warning():
    df, messages = parse(HEADER + "702,MEX,10,,\n")
    assert list(df["hs_code"]) == ["0702"]
    assert problems(messages, WARNING) == {(2, "hs_code")}


def test_bad_quantity_is_a_warning_and_the_row_stays():
    df, messages = parse(HEADER + "610910,CHN,10,-3,\n")
    assert len(df) == 1 and pd.isna(df["quantity"].iloc[0])
    assert problems(messages, WARNING) == {(2, "quantity")}


def test_row_numbers_count_lines_in_the_file_with_quoted_newlines():
    body = '610910,CHN,10,,"Acme\nLtd"\n610910,XXX,10,,\n'
    df, messages = parse(HEADER + body)
    assert problems(messages) == {(4, "origin")}


def test_windows_1252_bytes_are_read_and_the_guess_is_said():
    data = (HEADER + "610910,CHN,10,,Société Générale\n").encode("cp1252")
    df, messages = parse(data)
    assert list(df["supplier"]) == ["Société Générale"]
    assert len(messages) == 1 and messages[0].severity == WARNING and messages[0].row is None
    assert "not UTF-8 (byte 0xE9 on line 2)" in messages[0].problem
    assert "Windows-1252" in messages[0].problem


def test_bytes_no_encoding_here_reads_are_an_error():
    data = HEADER.encode() + b"610910,CHN,10,,\x81\x8d\n"  # undefined in Windows-1252
    df, messages = parse(data)
    assert df.empty and len(messages) == 1 and messages[0].severity != WARNING
    assert "not UTF-8 text" in messages[0].problem and "line 2" in messages[0].problem


def test_utf8_bom_is_accepted():
    df, messages = parse(b"\xef\xbb\xbf" + (HEADER + "610910,CHN,10,,\n").encode())
    assert len(df) == 1 and not problems(messages)


def test_semicolon_separated_csv():
    df, _ = parse("hs_code;origin;annual_value_usd\n610910;CHN;10\n")
    assert list(df["hs_code"]) == ["610910"]


def test_semicolon_csv_with_windows_line_ends_and_a_blank_line():
    """Excel's European 'CSV': ';' between fields, CRLF, often a trailing blank line."""
    text = "hs_code;origin;annual_value_usd\r\n\r\n610910;CHN;10\r\n520812;VNM;20\r\n\r\n"
    df, messages = parse(text)
    assert list(df["hs_code"]) == ["610910", "520812"] and not problems(messages)


@pytest.mark.parametrize(
    "header", ["HS code,Country of origin,Annual value (USD)", "HS-code,Origin,Value (USD)"]
)
def test_headers_as_people_write_them(header):
    df, messages = parse(f"{header}\n610910,CHN,10\n")
    assert list(df["annual_value_usd"]) == [10] and not problems(messages)


def test_country_names_match_whatever_the_spacing_and_case():
    df, messages = parse(HEADER + "610910,Viet Nam,10,,\n610910,CHINA,5,,\n610910,vnm,1,,\n")
    assert list(df["origin_iso3"]) == ["VNM", "CHN", "VNM"] and not problems(messages)


def test_a_dot_before_three_digits_is_read_as_decimal_with_a_warning():
    df, messages = parse("hs_code;origin;annual_value_usd\n610910;CHN;1.234\n610910;CHN;2.5\n")
    assert list(df["annual_value_usd"]) == [1.234, 2.5]
    assert problems(messages, WARNING) == {(2, "annual_value_usd")}
    warning = next(m for m in messages if m.severity == WARNING)
    assert "if the dot separates thousands" in warning.problem


def test_oversized_file():
    data = b"x" * (MAX_UPLOAD_BYTES + 1)
    df, messages = parse(data)
    assert df.empty and "limit is 200 MB" in messages[0].problem


@pytest.mark.parametrize("data", [b"", b"   \n\n"])
def test_empty_file(data):
    df, messages = parse(data)
    assert df.empty and messages and messages[0].row is None


def test_header_only():
    df, messages = parse(HEADER)
    assert df.empty and "no data rows" in messages[-1].problem


def test_template_rows_are_examples_and_are_skipped():
    data = template_csv()
    text = data.decode("utf-8")
    assert text.startswith("hs_code,origin,annual_value_usd")
    assert "\n0702," in text  # leading zero shown
    df, messages = parse(data)
    assert df.empty
    skipped = [m for m in messages if "example row" in m.problem]
    assert len(skipped) == len(text.strip().splitlines()) - 1
    # without the EXAMPLE label the rows themselves are valid
    df, messages = parse(text.replace("EXAMPLE", "Acme"))
    assert len(df) == len(skipped) and not problems(messages)


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_valid_xlsx_including_numeric_codes():
    data = xlsx(
        [
            ["HS Code", "Country of origin", "Annual value USD", "Supplier"],
            ["0702", "MEX", 1000, "A"],
            [610910, "CHN", 2500.25, "B"],  # code typed as a number
            [702, "MEX", 10, "C"],  # Excel dropped the leading zero
            ["610910", "Nowhere", 5, "D"],
        ]
    )
    df, messages = parse(data, "lines.xlsx")
    assert list(df["hs_code"]) == ["0702", "610910", "0702"]
    assert list(df["row"]) == [2, 3, 4]
    assert problems(messages) == {(5, "origin")}
    assert (3, "hs_code") in problems(messages, WARNING)
    assert (4, "hs_code") in problems(messages, WARNING)


def test_corrupt_xlsx():
    data = xlsx([["hs_code", "origin", "annual_value_usd"], ["610910", "CHN", 1]])
    broken = data[: len(data) // 2]
    df, messages = parse(broken, "lines.xlsx")
    assert df.empty
    assert len(messages) == 1 and "can't be opened" in messages[0].problem


def test_xlsx_bytes_named_csv_are_read_as_xlsx():
    data = xlsx([["hs_code", "origin", "annual_value_usd"], ["610910", "CHN", 1]])
    df, _ = parse(data, "lines.csv")
    assert list(df["hs_code"]) == ["610910"]


def test_old_xls_is_refused():
    df, messages = parse(b"\xd0\xcf\x11\xe0 not really", "lines.xls")
    assert df.empty and ".xls" in messages[0].problem
