"""The running app in a real headless Chromium: every page, a filter, a page switch,
a permalink; a screenshot of each page is saved under artifacts/screenshots/."""

import pytest
from playwright.sync_api import expect

from tests.browser import (
    browser_page,
    open_chart_downloads,
    screenshot,
    selected_partners,
    wait_for_charts,
)

pytestmark = pytest.mark.browser

PAGES = {
    "overview": "",
    "cotton": "cotton_and_textiles",
    "tomatoes": "tomatoes",
    "went": "where_the_trade_went",
    "paste": "tomato_paste_world_trade",
    "enforcement": "enforcement",
    "data": "data_and_methods",
    "revisions": "revisions",
}


@pytest.fixture
def page(browser):
    with browser_page(browser, height=1800) as pg:
        yield pg


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_with_charts_and_no_exception(app_url, page, name):
    page.goto(f"{app_url}/{PAGES[name]}")
    if name in ("data", "revisions"):
        page.wait_for_selector('[data-testid="stDataFrame"]', timeout=45_000)
    else:
        wait_for_charts(page)
    assert page.locator('[data-testid="stException"]').count() == 0
    screenshot(page, name)


def test_filter_change_redraws_and_carries_to_the_next_page(app_url, page):
    page.goto(f"{app_url}/cotton_and_textiles")
    wait_for_charts(page, 2)
    first_chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(first_chart).to_contain_text("Vietnam")
    # Remove Vietnam from the partners multiselect in the sidebar (the default: China and
    # the largest suppliers in the latest 12 months of Census data from every supplier).
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name="Remove Vietnam").first.click()
    page.wait_for_url("**partners=*", timeout=20_000)
    wait_for_charts(page, 2)
    expect(first_chart).not_to_contain_text("Vietnam", timeout=20_000)
    assert "partners=" in page.url
    # Switch page in the sidebar navigation: the choice carries over.
    sidebar.get_by_role("link", name="Tomatoes").click()
    page.wait_for_url("**/tomatoes**", timeout=20_000)
    wait_for_charts(page)
    assert "partners=" in page.url
    assert selected_partners(page) == ["China", "India", "Bangladesh", "Indonesia"]
    screenshot(page, "tomatoes_after_filter")


def test_permalink_reopens_the_same_view(app_url, page):
    # Streamlit writes the option's label into the URL.
    link = "cotton_group=Cotton+made-ups+%28home+textiles%29&partners=China&years=2018&years=2023"
    page.goto(f"{app_url}/cotton_and_textiles?{link}")
    wait_for_charts(page)
    assert page.get_by_text("could not be used").count() == 0
    first_chart = page.locator('[data-testid="stPlotlyChart"]').first
    expect(first_chart).to_contain_text("made-ups", timeout=20_000)
    expect(first_chart).not_to_contain_text("Vietnam")
    expect(first_chart).to_contain_text("2018-2023")


def test_tampered_link_shows_a_note_not_an_exception(app_url, page):
    page.goto(f"{app_url}/cotton_and_textiles?partners=%3Cscript%3E&years=abc")
    wait_for_charts(page)
    expect(page.get_by_text("could not be used").first).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0


def test_link_to_this_view_follows_the_filters(app_url, page):
    page.goto(f"{app_url}/cotton_and_textiles")
    wait_for_charts(page, 2)
    sidebar = page.locator('[data-testid="stSidebar"]')
    sidebar.get_by_role("button", name="Remove Vietnam").first.click()
    page.wait_for_url("**partners=*", timeout=20_000)
    code = sidebar.locator('[data-testid="stCode"]')
    expect(code).not_to_contain_text("Vietnam", timeout=20_000)
    link = code.inner_text()
    assert "/cotton_and_textiles?" in link and "partners=China" in link
    # The link, opened fresh, gives the same partners.
    page.goto(link.strip())
    wait_for_charts(page, 2)
    expect(page.locator('[data-testid="stSidebar"] span[data-tag]').first).to_be_visible()
    assert selected_partners(page) == ["China", "India", "Bangladesh", "Indonesia"]


def test_embed_view_shows_one_chart_alone(app_url, page):
    page.goto(f"{app_url}/cotton_and_textiles?embed=true&chart=group&partners=China")
    wait_for_charts(page)
    assert page.locator('[data-testid="stPlotlyChart"]').count() == 1
    assert page.get_by_role("heading", name="Cotton and textiles").count() == 0
    expect(page.locator('[data-testid="stPlotlyChart"]')).to_contain_text("cotton apparel")
    screenshot(page, "embed_group")


def test_chart_downloads_png_svg_and_csv_with_source(app_url, page):
    import struct

    from dashboard.export import read_export_csv

    page.goto(f"{app_url}/cotton_and_textiles?partners=China&partners=Vietnam")
    wait_for_charts(page, 2)
    assert page.get_by_role("button", name="PNG image").count() == 0  # drawn when opened
    panel = open_chart_downloads(page)
    with page.expect_download(timeout=60_000) as dl:
        panel.get_by_role("button", name="PNG image").click()
    png = dl.value.path().read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (2200, 1300)
    with page.expect_download(timeout=60_000) as dl:
        open_chart_downloads(page).get_by_role("button", name="SVG (vector)").click()
    svg = dl.value.path().read_text()
    assert "UN Comtrade Database" in svg and "WRO Trade Monitor" in svg
    with page.expect_download(timeout=60_000) as dl:
        open_chart_downloads(page).get_by_role("button", name="CSV data").click()
    meta, table = read_export_csv(dl.value.path().read_bytes())
    assert "UN Comtrade" in " ".join(meta.values())
    assert set(table["partner"]) == {"China", "Vietnam"}
