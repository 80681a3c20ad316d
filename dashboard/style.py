"""What the theme (.streamlit/config.toml) cannot set: a visible keyboard focus indicator
where Streamlit draws none, and readable colours for syntax-highlighted code
(dashboard/accessibility.css)."""

from pathlib import Path

import streamlit as st

STYLE_SHEET = Path(__file__).with_name("accessibility.css")


def accessibility() -> None:
    """Add the style sheet to the page. Call once per script run, on every page; a style
    sheet alone takes no space on the page."""
    st.html(STYLE_SHEET)
