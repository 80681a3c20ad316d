"""Every page's sections walked through the one renderer: the whole page, then each chart
alone through the embed route (`?chart=<id>`), on the warehouse built from the snapshot."""

import pytest

from dashboard.navigation import PAGES
from dashboard.page import Section
from dashboard.sections import (
    enforcement,
    impact,
    methods,
    overview,
    paste,
    products,
    revisions,
    suppliers,
)
from tests.apptest import figures, lazy_keys, open_page

pytestmark = pytest.mark.apptest

# The Page each page file runs (pages/*.py are one line: page.run(<this>)).
BUILDERS = {
    "pages/overview.py": overview.page,
    "pages/cotton_and_textiles.py": lambda: products.page("cotton"),
    "pages/tomatoes.py": lambda: products.page("tomato"),
    "pages/where_the_trade_went.py": suppliers.page,
    "pages/tomato_paste_world_trade.py": paste.page,
    "pages/enforcement.py": enforcement.page,
    "pages/wro_impact.py": impact.page,
    "pages/data_and_methods.py": methods.page,
    "pages/revisions.py": revisions.page,
}
# Charts the shipped data cannot draw: UN Comtrade paste exports (drawn once fetched) and
# China's annual share of US tomato imports (Comtrade has no world total for those
# chapters); and the size of revisions (the shipped vintages agree: no revision to chart).
# Their embed says so.
NEED_A_FETCH = {
    "paste_share",
    "paste_exporters",
    "paste_destinations",
    "tomato:share_year",
    "revisions_by_month",
}


class _Shared:
    """Stands in for a page's shared filters: a section list reads only whether the Where
    the trade went page has periods to compare (it has, on the shipped data)."""

    periods = True


def sections_of(page_file: str) -> list[Section]:
    page = BUILDERS[page_file]()
    return list(page.sections(_Shared()) if page.sidebar else page.sections())


@pytest.mark.parametrize("page_file", sorted(BUILDERS))
def test_every_section_heading_is_drawn(app_env, page_file):
    at = open_page(page_file)
    drawn = [h.value for h in at.subheader]
    for section in sections_of(page_file):
        if section.title:
            assert section.title in drawn, (section.title, drawn)


@pytest.mark.parametrize("page_file", sorted(BUILDERS))
def test_each_chart_alone_through_the_embed_route(app_env, page_file):
    chart_ids = [c for section in sections_of(page_file) for c in section.charts]
    assert chart_ids or page_file == "pages/data_and_methods.py"
    for chart_id in chart_ids:
        at = open_page(page_file, params={"chart": chart_id})
        assert not at.main.subheader and not at.main.title  # a chart alone, no page around it
        assert not at.get("download_button")  # bare: no downloads, no table
        assert not lazy_keys(at, "open_")  # not even the closed table and downloads
        if (
            chart_id in NEED_A_FETCH
            or f"tomato:{chart_id}" in NEED_A_FETCH
            and "tomato" in page_file
        ):
            assert not figures(at)
            assert any(
                "has no data in this warehouse" in i.value or "fetched from UN Comtrade" in i.value
                for i in [*at.info, *at.markdown]
            ), (chart_id, [i.value for i in at.info])
        else:
            assert len(figures(at)) == 1, (page_file, chart_id)


def test_an_unknown_chart_id_is_said_plainly(app_env):
    at = open_page("pages/cotton_and_textiles.py", params={"chart": "nonsense"})
    assert not figures(at)
    assert any("does not have" in i.value and "group, hs" in i.value for i in at.info)


def test_pages_are_the_navigation():
    assert set(BUILDERS) | {"pages/exposure_modeller.py"} == set(PAGES)


def test_a_charts_table_and_downloads_are_drawn_only_when_opened(app_env):
    at = open_page("pages/cotton_and_textiles.py")
    chart_ids = [c for s in sections_of("pages/cotton_and_textiles.py") for c in s.charts]
    drawn = [i for i in chart_ids if f"open_table_{i}" in lazy_keys(at, "open_table_")]
    assert drawn and set(lazy_keys(at, "open_downloads_")) == {f"open_downloads_{i}" for i in drawn}
    assert not at.get("download_button") and not at.dataframe  # closed: nothing drawn
    at.session_state["open_downloads_group"] = True
    at.session_state["open_table_group"] = True
    at.run()
    assert not at.exception
    buttons = [b.proto.id.rsplit("-", 1)[1] for b in at.get("download_button")]
    assert buttons == [f"download_group_{f}" for f in ("png", "svg", "pdf", "csv", "xlsx")]
    assert len(at.dataframe) == 1 and "partner" in at.dataframe[0].value.columns
