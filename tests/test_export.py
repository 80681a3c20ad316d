"""Publication exports: stamped figures rendered by a warm kaleido server (PNG, SVG, PDF)
and data files (CSV, XLSX) with their metadata and formula-injection neutralisation.

All data here is synthetic and named so."""

import csv
import io
import math
import os
import re
import signal
import struct
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import FrozenInstanceError
from datetime import UTC, datetime

import numpy as np
import openpyxl
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from PIL import Image

from dashboard import export, theme
from dashboard.export import ExportMeta

SOURCE = "Source: synthetic test data (not UN Comtrade), pulled 2026-06-18"
GENERATED = datetime(2026, 6, 18, 9, 30, tzinfo=UTC)
INJECTIONS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"]
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def synthetic_meta(**kw) -> ExportMeta:
    base = dict(
        title="Synthetic series: US imports from four partners",
        subtitle="Partners: Synthetic A, Synthetic B; years 2015-2025",
        source=SOURCE,
        vintage="2026-06-18",
        units="USD (synthetic)",
        filters={"Partner": "Synthetic A, Synthetic B", "Years": "2015-2025"},
        url="https://example.org/synthetic?partners=A,B",
    )
    base.update(kw)
    return ExportMeta(**base)


def synthetic_figure(*, titled: bool = False) -> go.Figure:
    """Two synthetic lines, explicit template "wro"; optionally with a title and a
    source annotation the way dashboard/charts.py makes them."""
    years = list(range(2015, 2026))
    fig = go.Figure(layout=dict(template=theme.TEMPLATE_NAME))
    fig.add_scatter(
        x=years,
        y=[5 + i for i in range(11)],
        name="Synthetic A",
        line=dict(color=theme.CHINA_COLOUR, width=3),
    )
    fig.add_scatter(x=years, y=[9 - 0.5 * i for i in range(11)], name="Synthetic B")
    fig.update_xaxes(title_text="Year")
    fig.update_yaxes(title_text="USD (synthetic)")
    if titled:
        fig.update_layout(title=dict(text="<b>Synthetic chart title</b><br><span>sub</span>"))
        fig.add_annotation(
            name="source",
            text=SOURCE,
            xref="paper",
            yref="paper",
            x=0,
            y=-0.22,
            showarrow=False,
        )
    return fig


def synthetic_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "year": [2019, 2020, 2021, 2022, 2023, 2024],
            "partner": ["Synthetic A", "Synthetic B", "Synthetic A", "Synthetic B", "X", "Y"],
            "value_usd": [1.5e9, np.nan, 2_000_000.25, 0.0, 7.0, 123456789.0],
            "change": [-3.5, 1.25, np.nan, -0.001, -1e6, 2.0],
            "note": INJECTIONS,
            '=HYPERLINK("x")': ["ok", "=2*3", None, "plain", "-", "+"],
        }
    )


# --------------------------------------------------------------------------- figure stamp


def _named(fig: go.Figure, name: str) -> list:
    return [a for a in fig.layout.annotations if a.name == name]


def test_stamp_adds_title_filters_source_footer_and_fixed_size():
    fig = synthetic_figure()
    meta = synthetic_meta()
    out = export.publication_figure(fig, meta)
    assert out.layout.width == export.EXPORT_WIDTH and out.layout.height == export.EXPORT_HEIGHT
    assert out.layout.template == pio.templates[theme.TEMPLATE_NAME]
    assert meta.title in out.layout.title.text
    (filters,) = _named(out, "export_filters")
    assert meta.subtitle in filters.text
    (source,) = _named(out, "source")
    assert source.text == SOURCE
    (footer,) = _named(out, "export_footer")
    assert theme.PROJECT_NAME in footer.text and meta.url in footer.text
    # the vintage is already in the source line: not repeated in the footer
    assert "2026-06-18" not in footer.text
    # the input is untouched
    assert fig.layout.width is None and len(fig.layout.annotations) == 0


def test_stamp_is_idempotent_and_keeps_the_chart_title_and_source():
    fig = synthetic_figure(titled=True)
    meta = synthetic_meta(vintage="synthetic-vintage-9")
    once = export.publication_figure(fig, meta)
    twice = export.publication_figure(once, meta)
    assert once.to_dict() == twice.to_dict()
    assert once.layout.title.text == fig.layout.title.text
    assert len(_named(once, "source")) == 1
    assert len(_named(once, "export_filters")) == 1
    assert len(_named(once, "export_footer")) == 1
    assert "Data vintage: synthetic-vintage-9" in _named(once, "export_footer")[0].text
    assert len(once.layout.annotations) == 3


def test_stamp_escapes_markup_in_meta_text_and_falls_back_to_filters():
    meta = synthetic_meta(subtitle="", filters={"Value": "< 5 & > 1"})
    out = export.publication_figure(synthetic_figure(), meta)
    assert _named(out, "export_filters")[0].text == "Page filters: Value: &lt; 5 &amp; &gt; 1"


def test_stamp_lists_the_page_filters_once_and_wraps_a_long_link():
    long_url = "https://example.org/page?" + "&".join(f"partners=Synthetic+{i}" for i in range(40))
    meta = synthetic_meta(url=long_url, subtitle="sub")
    out = export.publication_figure(synthetic_figure(titled=True), meta)
    (filters,) = _named(out, "export_filters")
    # the titled figure shows its subtitle in the title: the stamp adds the page filters
    assert meta.subtitle not in filters.text
    assert filters.text.startswith("Page filters: Partner: Synthetic A, Synthetic B")
    footer = _named(out, "export_footer")[0].text
    lines = footer.split("<br>")
    assert all(len(line.replace("&amp;", "&")) <= export.URL_LINE_CHARS for line in lines)
    assert "".join(lines[1:]).replace("&amp;", "&") == long_url


def test_a_link_parameter_longer_than_a_line_is_cut_not_run_off_the_image():
    long_value = "cotton_hs4=5208+Woven+fabrics+of+cotton%2C+containing+85%25" * 4
    long_url = f"https://example.org/cotton_and_textiles?partners=China&{long_value}&years=2018"
    meta = synthetic_meta(url=long_url)
    footer = _named(export.publication_figure(synthetic_figure(), meta), "export_footer")[0]
    lines = footer.text.split("<br>")[1:]  # after the vintage line
    assert len(lines) > 2
    assert all(len(line.replace("&amp;", "&")) <= export.URL_LINE_CHARS for line in lines)
    assert "".join(lines).replace("&amp;", "&") == long_url


# --------------------------------------------------------------------------- rendering


@pytest.fixture(scope="module")
def server():
    srv = export.KaleidoServer()
    yield srv
    srv.shutdown()


@pytest.fixture(scope="module")
def rendered(server):
    meta = synthetic_meta()
    fig = export.publication_figure(synthetic_figure(), meta)
    assert server.starts == 0 and not server.is_alive()  # lazy: nothing until the first export
    out = {fmt: export.figure_bytes(fig, fmt, server=server) for fmt in ("png", "svg", "pdf")}
    return meta, out


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    length, chunk = struct.unpack(">I4s", data[8:16])
    assert chunk == b"IHDR" and length == 13
    return struct.unpack(">II", data[16:24])


@pytest.mark.kaleido
def test_png_is_export_size_at_scale_two_and_shows_the_china_colour(rendered):
    _, out = rendered
    w, h = export.EXPORT_WIDTH * 2, export.EXPORT_HEIGHT * 2
    assert _png_size(out["png"]) == (w, h)
    img = Image.open(io.BytesIO(out["png"]))
    img.load()  # decodes every pixel: fails on a truncated or corrupt file
    assert img.size == (w, h)
    px = np.asarray(img.convert("RGB")).astype(int)
    china = np.abs(px - np.array([0xD5, 0x5E, 0x00])).sum(axis=2) < 12
    assert china.sum() > 500  # the synthetic China-coloured line was drawn
    assert (px.sum(axis=2) < 200).sum() > 500  # and dark text (title, labels)


def _svg_text(root: ET.Element) -> str:
    return " ".join(" ".join(el.itertext()) for el in root.iter() if el.tag.endswith("text"))


@pytest.mark.kaleido
def test_svg_has_size_and_the_stamped_text(rendered):
    meta, out = rendered
    root = ET.fromstring(out["svg"])
    assert root.tag.endswith("svg")
    assert root.get("width") == str(export.EXPORT_WIDTH)
    assert root.get("height") == str(export.EXPORT_HEIGHT)
    text = _svg_text(root)
    for expected in (SOURCE, meta.title, meta.subtitle, theme.PROJECT_NAME, meta.url):
        assert expected in text, expected


@pytest.mark.kaleido
def test_pdf_is_a_pdf(rendered):
    _, out = rendered
    assert out["pdf"].startswith(b"%PDF")
    assert out["pdf"].rstrip().endswith(b"%%EOF")
    # one page of the export size in CSS px, i.e. 0.75 pt per px
    box = re.search(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", out["pdf"])
    assert box is not None
    assert float(box[1]) == pytest.approx(export.EXPORT_WIDTH * 0.75, abs=1)
    assert float(box[2]) == pytest.approx(export.EXPORT_HEIGHT * 0.75, abs=1)


@pytest.mark.kaleido
def test_kaleido_server_is_reused_and_thread_safe(server, rendered):
    assert server.starts == 1  # three exports, one browser
    pid = server.pid
    fig = export.publication_figure(synthetic_figure(), synthetic_meta())
    results, errors = [], []

    def work():
        try:
            results.append(export.figure_bytes(fig, "svg", server=server))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors and len(results) == 3
    assert all(r.startswith(b"<svg") for r in results)
    assert server.starts == 1 and server.pid == pid
    assert server.renders == 6


@pytest.mark.kaleido
def test_default_server_started_lazily_once_for_two_exports():
    srv = export.kaleido_server()
    before = srv.starts
    meta = synthetic_meta()
    first = export.export_bytes("svg", meta, fig=synthetic_figure())
    pid = srv.pid
    second = export.export_bytes("png", meta, fig=synthetic_figure())
    assert SOURCE.encode() in first and second.startswith(b"\x89PNG")
    assert srv.starts - before <= 1 and srv.pid == pid


@pytest.mark.kaleido
@pytest.mark.slow  # starts a second browser
def test_kaleido_server_restarts_after_the_browser_died():
    srv = export.KaleidoServer()
    try:
        fig = synthetic_figure()
        assert export.figure_bytes(fig, "svg", server=srv).startswith(b"<svg")
        pid = srv.pid
        os.kill(pid, signal.SIGTERM)  # the browser process this test started
        deadline = time.monotonic() + 20
        while srv.is_alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not srv.is_alive()
        assert export.figure_bytes(fig, "svg", server=srv).startswith(b"<svg")
        assert srv.starts == 2 and srv.pid != pid
    finally:
        srv.shutdown()
    assert not srv.is_alive()


def test_figure_bytes_rejects_unknown_formats():
    with pytest.raises(ValueError):
        export.figure_bytes(synthetic_figure(), "eps")


# --------------------------------------------------------------------------- data files


def _split_csv(data: bytes) -> tuple[list[str], str]:
    """Independent of export.read_export_csv: header lines, then the table text."""
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM for Excel
    text = data.decode("utf-8-sig")
    head, table = text.split("\r\n\r\n", 1)
    return head.split("\r\n"), table


def _assert_same_table(back: pd.DataFrame, df: pd.DataFrame, *, xml: bool = False) -> None:
    """Same columns and values; text compared after removing the neutralising quote.
    XLSX is XML, whose parsers turn a carriage return inside text into a line feed."""
    assert [export.unneutralise(c) for c in back.columns] == list(df.columns)
    for name in ("year", "value_usd", "change"):
        assert pd.api.types.is_numeric_dtype(back[name])
        np.testing.assert_array_equal(back[name].to_numpy(float), df[name].to_numpy(float))
    for i, name in enumerate(df.columns):
        if name in ("year", "value_usd", "change"):
            continue
        got = list(back.iloc[:, i])
        if xml:  # no synthetic text holds a line feed: any LF read back was a CR
            got = [g.replace("\n", "\r") if isinstance(g, str) else g for g in got]
        got = [export.unneutralise(g) for g in got]
        want = df[name].tolist()
        for g, w in zip(got, want, strict=True):
            if w is None or (isinstance(w, float) and math.isnan(w)):
                assert g is None or (isinstance(g, float) and math.isnan(g))
            else:
                assert g == w


def test_csv_header_block_then_table_round_trips():
    df, meta = synthetic_table(), synthetic_meta()
    data = export.csv_bytes(df, meta, generated_at=GENERATED)
    lines, table = _split_csv(data)
    cells = [next(csv.reader([line]))[0] for line in lines]
    assert all(c.startswith("# ") for c in cells)
    meta_back = dict(c[2:].split(": ", 1) for c in cells)
    assert meta_back["title"] == meta.title
    assert meta_back["source"] == SOURCE  # holds a comma: one quoted CSV field
    assert meta_back["vintage"] == "2026-06-18"
    assert meta_back["units"] == "USD (synthetic)"
    assert meta_back["filter.Partner"] == "Synthetic A, Synthetic B"
    assert meta_back["filter.Years"] == "2015-2025"
    assert meta_back["url"] == meta.url
    assert meta_back["project"] == theme.PROJECT_NAME
    assert meta_back["exported"] == "2026-06-18T09:30:00Z"
    assert meta_back["rows"] == "6"
    back = pd.read_csv(io.StringIO(table), keep_default_na=False, na_values=[""])
    _assert_same_table(back, df)
    # the module's own reader agrees
    meta2, back2 = export.read_export_csv(data)
    assert meta2 == meta_back
    pd.testing.assert_frame_equal(back2, back)


def test_csv_neutralises_injection_but_keeps_negative_numbers():
    df = synthetic_table()
    meta = synthetic_meta(title="=cmd|' /C calc'!A0", filters={"@who": "+SUM(A1)"})
    _, table = _split_csv(export.csv_bytes(df, meta))
    rows = list(csv.reader(io.StringIO(table)))
    header, body = rows[0], rows[1:]
    assert header[-1] == '\'=HYPERLINK("x")'
    note = [r[4] for r in body]
    assert note == ["'" + s for s in INJECTIONS]
    for row in [header, *body]:
        for i, cell in enumerate(row):
            if header[i] not in ("change",):
                assert not cell.startswith(TRIGGERS), (header[i], cell)
    assert [r[3] for r in body][0] == "-3.5"  # a number, written as a number
    assert body[1][2] == "" and body[2][3] == ""  # NaN stays empty
    head = export.csv_bytes(df, meta).decode("utf-8-sig").split("\r\n\r\n")[0]
    assert "# title: '=cmd" in head and "# filter.@who: '+SUM(A1)" in head


def test_xlsx_has_data_and_about_sheets_and_round_trips():
    df, meta = synthetic_table(), synthetic_meta()
    data = export.xlsx_bytes(df, meta, generated_at=GENERATED)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["data", "about"]
    about = {r[0]: r[1] for r in wb["about"].iter_rows(min_row=2, values_only=True)}
    csv_meta, _ = export.read_export_csv(export.csv_bytes(df, meta, generated_at=GENERATED))
    assert about == csv_meta  # the same metadata in both formats
    back = pd.read_excel(io.BytesIO(data), sheet_name="data", engine="openpyxl")
    _assert_same_table(back, df, xml=True)
    ws = wb["data"]
    assert ws["D2"].value == -3.5 and ws["D2"].data_type == "n"
    assert ws["C3"].value is None  # NaN stays an empty cell


def test_xlsx_neutralises_injection_in_data_header_and_metadata():
    df = synthetic_table()
    meta = synthetic_meta(title="=cmd|' /C calc'!A0", subtitle="-1+1", filters={"@x": "\ty"})
    wb = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(df, meta)))
    seen = 0
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    seen += 1
                    assert not cell.value.startswith(TRIGGERS), (ws.title, cell.value)
    assert seen > 20
    data = wb["data"]
    notes = [data.cell(row=r, column=5).value for r in range(2, 8)]
    assert notes == ["'" + s.replace("\r", "\n") for s in INJECTIONS]
    assert data.cell(row=1, column=6).value == '\'=HYPERLINK("x")'
    about = {r[0]: r[1] for r in wb["about"].iter_rows(min_row=2, values_only=True)}
    assert about["title"] == "'=cmd|' /C calc'!A0" and about["subtitle"] == "'-1+1"


def test_a_control_character_before_a_formula_does_not_unmask_it_in_xlsx():
    """The XLSX writer drops control characters openpyxl refuses: '\x01=...' must not
    become a live '=...' formula there (found by uploading such a supplier name)."""
    df = pd.DataFrame({"supplier": ['\x01=HYPERLINK("http://x.example","y")', "\x02\x03+1"]})
    meta = synthetic_meta(title="\x01=cmd")
    wb = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(df, meta)))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
    assert [c.value for c in wb["data"]["A"][1:]] == ['\'=HYPERLINK("http://x.example","y")', "'+1"]
    _, table = _split_csv(export.csv_bytes(df, meta))
    assert [r[0] for r in csv.reader(io.StringIO(table))][1:] == [
        '\'\x01=HYPERLINK("http://x.example","y")',
        "'\x02\x03+1",
    ]


def test_xlsx_writes_time_zones_as_text_and_keeps_naive_dates():
    """Excel has no time zones: aware datetimes (a datetime64 column or objects) become
    ISO text; naive ones stay dates."""
    df = pd.DataFrame(
        {
            "aware": pd.to_datetime(["2026-06-18T09:30:00Z", None], utc=True),
            "objects": [datetime(2026, 6, 18, 9, 30, tzinfo=UTC), "text"],
            "naive": pd.to_datetime(["2026-06-18", "2026-06-19"]),
        }
    )
    wb = openpyxl.load_workbook(io.BytesIO(export.xlsx_bytes(df, synthetic_meta())))
    rows = list(wb["data"].iter_rows(min_row=2, values_only=True))
    assert rows[0][:2] == ("2026-06-18T09:30:00+00:00", "2026-06-18T09:30:00+00:00")
    assert rows[1][0] is None and rows[1][1] == "text"
    assert [r[2] for r in rows] == [datetime(2026, 6, 18), datetime(2026, 6, 19)]


def test_xlsx_more_sheets_go_through_the_same_writer_and_neutralising():
    df = synthetic_table()
    checks = pd.DataFrame({"row": [2, None], "message": ["=bad cell", "ok"]})
    data = export.xlsx_bytes(df, synthetic_meta(), more_sheets={"checks": checks})
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["data", "about", "checks"]
    assert list(wb["checks"].iter_rows(values_only=True)) == [
        ("row", "message"),
        (2, "'=bad cell"),
        (None, "ok"),
    ]
    assert all(cell.font.b for ws in wb.worksheets for cell in ws[1])  # header rows


def test_neutralise_touches_text_only():
    assert export.neutralise(-3.5) == -3.5
    assert export.neutralise("-3.5") == "'-3.5"
    assert export.neutralise("Synthetic") == "Synthetic"
    assert export.neutralise(None) is None
    assert math.isnan(export.neutralise(float("nan")))
    mixed = pd.DataFrame({"m": [-1, "=x", None], "n": pd.Series([-2, 3, 4], dtype="Int64")})
    safe = export.safe_table(mixed)
    assert safe["m"].tolist()[:2] == [-1, "'=x"]
    assert safe["n"].tolist() == [-2, 3, 4]


# --------------------------------------------------------------------------- names, formats


def test_file_stem_is_safe():
    stem = export.file_stem
    assert stem(ExportMeta(title="US imports: cotton → China (2015–2025)")) == (
        "us-imports-cotton-china-2015-2025"
    )
    assert stem(ExportMeta(title="../../etc/passwd")) == "etc-passwd"
    assert stem(ExportMeta(title="Côte d'Ivoire")) == "cote-d-ivoire"
    assert stem(ExportMeta(title="")) == "wro-trade-monitor-export"
    assert stem(ExportMeta(title="CON")) == "con-export"
    assert len(stem(ExportMeta(title="x " * 200))) <= 80
    assert export.file_name(ExportMeta(title="A b"), "xlsx") == "a-b.xlsx"


def test_export_formats_and_meta():
    assert list(export.EXPORT_FORMATS) == ["png", "svg", "pdf", "csv", "xlsx"]
    assert export.EXPORT_FORMATS["png"].mime == "image/png"
    assert export.EXPORT_FORMATS["svg"].mime == "image/svg+xml"
    assert [f.fmt for f in export.export_formats(figure=False)] == ["csv", "xlsx"]
    assert [f.fmt for f in export.export_formats(data=False)] == ["png", "svg", "pdf"]
    meta = ExportMeta(title="Synthetic")
    assert meta.project == theme.PROJECT_NAME
    with pytest.raises(FrozenInstanceError):
        meta.title = "changed"
