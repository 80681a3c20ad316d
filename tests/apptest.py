"""Shared AppTest helpers: open a page the way a user does (the app first, then the
page, with the URL's query parameters) and read back the plotly figures it drew."""

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def open_page(page: str | None = None, params: dict | None = None, timeout: float = 60) -> AppTest:
    """Run app.py with `params` in the URL, then switch to `page` (None = Overview).
    Fails the test if the script raised."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in (params or {}).items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


def figures(at: AppTest) -> list[dict]:
    """Every plotly figure on the page, as its JSON spec, in page order."""
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def plain_title(fig: dict) -> str:
    """A figure's title without its subtitle and markup."""
    title = fig["layout"]["title"]["text"].split("<br>")[0]
    return title.replace("<b>", "").replace("</b>", "")


def link_notes(at: AppTest) -> list[str]:
    """The page's notes on its link ('Part of this link could not be used: ...')."""
    return [w.value for w in at.warning if "could not be used" in w.value]


def lazy_keys(at: AppTest, prefix: str) -> list[str]:
    """The keys of the page's lazily drawn expanders or popovers whose key starts with
    `prefix` (their element id ends in '-<key>')."""
    blocks = list(at.expander) + list(at.get("popover"))
    ids = [getattr(b.proto, "id", "") for b in blocks]
    return [i.rsplit("-", 1)[1] for i in ids if i and i.rsplit("-", 1)[-1].startswith(prefix)]


def open_chart_tables(at: AppTest) -> AppTest:
    """Open every "Table behind this chart", as a reader clicks it: each is drawn only
    when open."""
    return open_lazy(at, "open_table_")


def open_boxes(at: AppTest) -> AppTest:
    """Open every expander box (a section's long table or file): drawn only when open."""
    return open_lazy(at, "open_box_")


def open_table_downloads(at: AppTest) -> AppTest:
    """Open every table's "Download this table" popover: its buttons are drawn when open."""
    return open_lazy(at, "open_table_downloads_")


def open_lazy(at: AppTest, prefix: str) -> AppTest:
    for key in lazy_keys(at, prefix):
        at.session_state[key] = True
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at
