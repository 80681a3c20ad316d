"""The Exposure modeller (and the WRO impact page it sits beside) in a real headless
Chromium: download the template, upload it
back filled in, see every line computed, download the CSV report and check it; upload
malformed files and see the messages, never an exception. Uploads are sent from memory
(Playwright file payloads), as a browser would send them."""

import io

import pytest
from playwright.sync_api import expect

import exposure
from dashboard import export
from tests.browser import browser_page, open_table_downloads, screenshot, wait_for_charts

pytestmark = pytest.mark.browser

PAGE = "exposure_modeller"
OWN_LINES = [
    "610910,CHN,1000000,5000,u,Alpha Garments",
    "520812,Vietnam,250000,,,Beta Mills",
    "200290,CHN,40000,,kg,Gamma Foods",
    "847130,CHN,300000,,,Zeta Electronics",
]


@pytest.fixture
def page(browser):
    with browser_page(browser, height=2200, accept_downloads=True) as pg:
        yield pg


@pytest.fixture
def model(model_tables):
    return {**model_tables, "central": model_tables["scenarios"]["central"]}


def open_modeller(page, app_url):
    page.goto(f"{app_url}/{PAGE}")
    page.wait_for_selector("text=Download the template (CSV)", timeout=45_000)
    settle(page)


def settle(page):
    page.wait_for_function(
        "!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=45_000
    )


def upload(page, name: str, data: bytes, mime: str = "text/csv"):
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        {"name": name, "mimeType": mime, "buffer": data}
    )
    page.wait_for_selector(f"text={name}", timeout=45_000)
    page.wait_for_timeout(500)
    settle(page)


def download(page, label: str) -> bytes:
    with page.expect_download(timeout=45_000) as info:
        page.get_by_role("button", name=label).click()
    return info.value.path().read_bytes()


def test_template_round_trip_and_csv_report(app_url, page, model):
    open_modeller(page, app_url)
    template = download(page, "Download the template (CSV)")
    assert template == exposure.template_csv()

    # The template as downloaded: its rows are examples, skipped with a message each.
    upload(page, "template.csv", template)
    expect(page.get_by_text("example row from the template: skipped").first).to_be_visible()
    assert page.get_by_text("example row from the template: skipped").count() == 3
    assert page.locator('[data-testid="stException"]').count() == 0

    # Filled in by the user: header kept, examples replaced by their own lines.
    header = template.decode().splitlines()[0]
    filled = ("\n".join([header, *OWN_LINES]) + "\n").encode()
    upload(page, "our_imports.csv", filled)
    page.wait_for_selector("text=Exposure of your lines", timeout=45_000)
    # 520812 from Viet Nam at $250,000 is more than the US imported in 2019: warned, kept.
    expect(
        page.get_by_text("4 lines from file our_imports.csv used (0 errors, 1 warning).")
    ).to_be_visible()
    checks = page.locator('[data-testid="stTable"]').first
    expect(checks).to_contain_text("more than all US imports of HS 520812 from Vietnam in 2019")
    screenshot(page, "exposure_modeller_lines")

    lines, _ = exposure.parse_upload(filled, "our_imports.csv", model["countries"])
    want = exposure.line_exposure(lines, model["central"], model["groups"])
    meta, report = export.read_export_csv(download(page, "CSV report"))
    assert list(report["hs_code"].astype(str)) == ["610910", "520812", "200290", "847130"]
    assert list(report["supplier"]) == [line.split(",")[-1] for line in OWN_LINES]
    assert list(report["at_risk_value_usd"]) == pytest.approx(list(want["at_risk_value_usd"]))
    assert list(report["mapping_status"]) == ["mapped", "mapped", "mapped", "not covered"]
    assert meta["filter.scenario"] == "Central"
    assert "COT-02" in meta["filter.assumption.xinjiang_share[cotton_apparel]"]
    assert "assumption" in meta["filter.assumption.enforcement"]
    assert page.locator('[data-testid="stException"]').count() == 0


def test_malformed_uploads_show_messages_never_an_exception(app_url, page):
    open_modeller(page, app_url)
    latin1 = (
        "hs_code,origin,annual_value_usd,supplier\n61091X,CHN,1000,Café Étoile\n610910,CHN,-50,Ok\n"
    )
    # Saved by Excel on Windows (Windows-1252): read, with a warning; each bad row reported.
    upload(page, "latin1.csv", latin1.encode("cp1252"))
    expect(page.get_by_text("No line from file latin1.csv can be used").first).to_be_visible()
    expect(page.get_by_text("byte 0xE9 on line 2").first).to_be_visible()
    expect(page.get_by_text("HS code '61091X' must contain digits only").first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0

    # The same rows saved as UTF-8: now each problem is reported on its own row.
    upload(page, "utf8.csv", (latin1 + "620342,VNM,2500,Good\n").encode("utf-8"))
    expect(page.get_by_text("1 line from file utf8.csv used").first).to_be_visible()
    checks = page.locator('[data-testid="stTable"]').first
    expect(checks).to_contain_text("HS code '61091X' must contain digits only")
    expect(checks).to_contain_text("'-50' is negative")
    expect(page.get_by_text("Exposure of your lines")).to_be_visible()
    screenshot(page, "exposure_modeller_messages")
    # the totals' own download says what the report says: vintage and the rows left out
    with page.expect_download(timeout=45_000) as info:
        open_table_downloads(page).get_by_role("button", name="CSV data").click()
    meta, totals = export.read_export_csv(info.value.path().read_bytes())
    assert meta["title"] == "Your lines: exposure by origin and channel"
    assert meta["vintage"].startswith("Xinjiang shares and trade shares as of base year")
    assert meta["subtitle"].startswith("2 row(s) of the input had errors")
    assert totals["annual_value_usd"].sum() == 2500

    upload(page, "broken.xlsx", b"PK\x03\x04 not a workbook", "application/octet-stream")
    expect(page.get_by_text("The Excel file can't be opened").first).to_be_visible()
    upload(page, "empty.csv", b"")
    expect(page.get_by_text("The file is empty.").first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_a_european_workbook_and_csv_are_read(app_url, page):
    """A broker's workbook (title rows, several sheets, a totals row) and a European CSV
    (Windows-1252, ';', '1.000,50'): read, said how, computed."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Summary"
    wb.active.append(["Members' imports"])
    ws = wb.create_sheet("Entry lines")
    for row in (
        ["ACE entry line report"],
        ["Entry Number", "HTS Number", "COO", "Entered Value", "Manufacturer Name"],
        ["E1", 6109100012, "CN", 1250000, "Alpha"],
        ["E2", "6203424011", "VN", 480000.5, "Beta"],
        ["Total", None, None, 1730000.5, None],
    ):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    open_modeller(page, app_url)
    upload(page, "lines.xlsx", buf.getvalue(), "application/octet-stream")
    expect(page.get_by_text("2 lines from file lines.xlsx used").first).to_be_visible()
    expect(page.get_by_text("Sheet 'Entry lines' read").first).to_be_visible()
    expect(page.get_by_text("Exposure by origin and channel")).to_be_visible()
    csv = (
        "HTS;Country of Origin;Entered Value;Supplier\r\n"
        "6109.10.0012;China;1.250.000,00;Société\r\n6203.42.4011;Vietnam;480 000,50;Bêta\r\n"
    ).encode("cp1252")
    upload(page, "european.csv", csv)
    expect(page.get_by_text("Numbers were read the European way").first).to_be_visible()
    expect(page.get_by_text("2 lines from file european.csv used").first).to_be_visible()
    screenshot(page, "exposure_modeller_european")
    assert page.locator('[data-testid="stException"]').count() == 0


def test_wro_impact_page_renders_and_a_slider_link_applies(app_url, page):
    page.goto(f"{app_url}/wro_impact?impact_scenario=High+effect&impact_enforcement=60")
    wait_for_charts(page, count=3)
    assert page.locator('[data-testid="stException"]').count() == 0
    expect(page.get_by_text("Changed from the high effect defaults").first).to_be_visible()
    expect(page.get_by_text("Published estimates: reference points, not a series")).to_be_visible()
    screenshot(page, "wro_impact")
    page.get_by_role("button", name="Restore defaults").click()
    page.wait_for_timeout(500)
    settle(page)
    expect(page.get_by_text("Changed from the high effect defaults")).to_have_count(0)
    assert "impact_scenario" not in page.url and "impact_enforcement" not in page.url
