"""The app's pages, in the order and groups the sidebar shows them (st.navigation)."""

from dataclasses import dataclass

import streamlit as st


@dataclass(frozen=True)
class PageInfo:
    file: str
    title: str
    icon: str
    url_path: str


GROUPS = {
    "Trade": (
        PageInfo("pages/overview.py", "Overview", ":material/home:", ""),
        PageInfo(
            "pages/cotton_and_textiles.py",
            "Cotton and textiles",
            ":material/apparel:",
            "cotton_and_textiles",
        ),
        PageInfo("pages/tomatoes.py", "Tomatoes", ":material/nutrition:", "tomatoes"),
        PageInfo(
            "pages/where_the_trade_went.py",
            "Where the trade went",
            ":material/swap_horiz:",
            "where_the_trade_went",
        ),
        PageInfo(
            "pages/tomato_paste_world_trade.py",
            "Tomato paste world trade",
            ":material/public:",
            "tomato_paste_world_trade",
        ),
        PageInfo("pages/enforcement.py", "Enforcement", ":material/gavel:", "enforcement"),
    ),
    "Model": (
        PageInfo("pages/wro_impact.py", "WRO impact", ":material/query_stats:", "wro_impact"),
        PageInfo(
            "pages/exposure_modeller.py",
            "Exposure modeller",
            ":material/upload_file:",
            "exposure_modeller",
        ),
    ),
    "About the data": (
        PageInfo(
            "pages/data_and_methods.py",
            "Data and methods",
            ":material/menu_book:",
            "data_and_methods",
        ),
        PageInfo("pages/revisions.py", "Revisions", ":material/history:", "revisions"),
    ),
}
# file -> title, every page in sidebar order (tests and benchmarks walk this)
PAGES = {p.file: p.title for group in GROUPS.values() for p in group}


def pages() -> dict[str, list]:
    """st.Page objects by group, for st.navigation."""
    return {
        group: [
            st.Page(
                p.file, title=p.title, icon=p.icon, url_path=p.url_path, default=p.url_path == ""
            )
            for p in infos
        ]
        for group, infos in GROUPS.items()
    }


def draw_menu(pages_by_group: dict[str, list]) -> None:
    """The sidebar's menu: each group's name over links to its pages. Streamlit's own
    sectioned menu puts the section headers straight inside its <ul>, which screen readers
    cannot read as a list (axe: list, listitem), so the app draws its own from page links."""
    for group, group_pages in pages_by_group.items():
        st.sidebar.markdown(f"**{group}**")
        for page in group_pages:
            st.sidebar.page_link(page)
