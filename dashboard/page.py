"""The page skeleton every page follows: a title and intro, the page's shared filters, then
a short list of sections, each drawn through dashboard.render. A section whose widgets
change only itself runs as a fragment, so changing them reruns that section alone.

The embed view (`?embed=true&chart=<id>`) is a route here, not a check in each section: it
draws the one section that makes the chart, its widgets in the closed sidebar, and only
that chart.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from dashboard import currency_view, filters, queries, render
from dashboard.blocks import Block, Prose, charts_in, notes_for_embed
from dashboard.db import WarehouseMissing
from dashboard.embed import target_chart
from dashboard.text import md


@dataclass(frozen=True)
class Section:
    """A heading and the function that builds what it draws from the page's shared filters
    (`build(shared)`, or `build()` for a page without shared filters). `charts`: the ids of
    the charts it can draw (the embed route and the link box list them)."""

    title: str
    build: Callable[..., Sequence[Block]]
    charts: tuple[str, ...] = ()
    fragment: bool = False


@dataclass(frozen=True)
class Page:
    title: str
    intro: str  # a prose file under pages/text/
    sections: Callable[..., Sequence[Section]]  # (shared) -> sections, or () -> sections
    sidebar: Callable[[], object] | None = None  # draws the shared filters, returns them
    known_keys: tuple[str, ...] = field(default=filters.SHARED_KEYS)
    data: tuple[str, ...] = ()  # the series it draws (currency_view.SERIES), dated on top


def run(page: Page) -> None:
    """Draw a page, or the one chart the embed route asks for."""
    route_through_app()
    filters.start_page()
    target = target_chart()
    if target is None:
        st.title(page.title)
        render.draw(Prose(page.intro, kind="caption"))
    notes = st.empty()  # link notes, filled once every widget has read the link
    if not warehouse_ready():
        return
    if target is None and page.data:
        data_age(page.data)
    shared = page.sidebar() if page.sidebar else None
    sections = page.sections(shared) if page.sidebar else page.sections()
    if target is None:
        chart_ids = [c for s in sections for c in s.charts]
        link = st.sidebar.empty()  # filled last; a fragment's rerun refills it
        for section in sections:
            run_section(
                section, shared if page.sidebar else None, lambda: link_box(link, chart_ids)
            )
        link_box(link, chart_ids)
    else:
        embed(sections, shared if page.sidebar else None, target)
    problems = filters.link_problems(page.known_keys)
    if problems:
        notes.warning(
            "Part of this link could not be used: " + "; ".join(problems) + ". The filters "
            "show what is in effect (defaults where nothing could be read).",
            icon="⚠️",
        )


def route_through_app() -> None:
    """Run every page through app.py's st.navigation. A server whose first visitor opens a
    page's own address runs that file alone, the way Streamlit ran a `pages/` folder before
    st.navigation existed (its flag is set until st.navigation is first called): switch the
    flag off and rerun, so the page is drawn inside the app's navigation."""
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def _build(section: Section, shared) -> Sequence[Block]:
    return section.build(shared) if shared is not None else section.build()


def run_section(section: Section, shared, refresh_link=lambda: None) -> None:
    """Draw a section; as a fragment, its own widgets rerun it alone, and then refresh the
    link box, which holds their values too."""

    def draw() -> None:
        if section.title:
            st.subheader(section.title)
        render.blocks(_build(section, shared))

    def draw_fragment() -> None:
        draw()
        refresh_link()  # on a full run the page's last link box replaces this one

    if section.fragment:
        st.fragment(draw_fragment)()
    else:
        draw()


def embed(sections: Sequence[Section], shared, target: str) -> None:
    """The chart `target` alone, for an iframe; a plain note if the page has no such chart."""
    for section in sections:
        if target in section.charts:
            built = _build(section, shared)
            found = [c for c in charts_in(built) if c.id == target]
            notes = notes_for_embed(built)
            if found:
                render.chart(found[0], bare=True)
            for note in notes:
                render.note(note)
            if not found and not notes:
                st.info(f"The chart '{md(target)}' has no data in this warehouse.")
            return
    ids = [c for s in sections for c in s.charts]
    where = f"its charts are {', '.join(ids)}" if ids else "it has no charts"
    st.info(
        f"This link asks for the chart '{md(target[:40])}', which this page does not have "
        f"({where}). Remove `chart=` from the link to see the whole page."
    )


def link_box(holder, chart_ids: list[str]) -> None:
    """The permalink of the current view in the sidebar: every filter is in the URL."""
    with holder.container():
        st.markdown("**Link to this view**")
        st.code(filters.current_link(), language=None, wrap_lines=True)
        embed_hint = (
            " Add `embed=true&chart=<id>` to show one chart alone, e.g. for an iframe (ids: "
            + ", ".join(chart_ids)
            + ")."
            if chart_ids
            else ""
        )
        st.caption("Opens this page with the same filters." + embed_hint)


def data_age(series: tuple[str, ...]) -> None:
    """How current the page's data are, and a note when the Census months are old."""
    rows = queries.data_currency()
    line = currency_view.currency_line(rows, series)
    if line:
        st.caption(line)
    stale = currency_view.stale_note(rows, series, date.today())
    if stale:
        st.warning(stale, icon=":material/schedule:")


def warehouse_ready() -> bool:
    """Show a plain message instead of a traceback when the database is missing."""
    try:
        queries.events()
    except WarehouseMissing as exc:
        st.error(str(exc))
        return False
    return True
