"""Tomatoes: fresh tomatoes, paste and preserved tomatoes, sauces and seeds."""

import streamlit as st

from dashboard import product_views as views
from dashboard.components import page_nav, require_warehouse

page_nav()
st.title("Tomatoes")
st.caption(
    "US imports of fresh tomatoes (HS 0702), paste and preserved tomatoes (2002), tomato "
    "sauces (210320) and vegetable seeds for sowing (120991, which includes tomato seeds), by "
    "partner. Annual series are UN Comtrade (CIF value); monthly series are US Census "
    "(customs value) at chapter level only."
)
if require_warehouse():
    f = views.sidebar("tomato")
    st.subheader("By WRO product group")
    views.group_section("tomato", f)
    st.subheader("By HS code: chapter, heading, line")
    views.drilldown_section("tomato", f)
    st.subheader("China's share, where the data has a world total")
    views.china_share_section("tomato")
    st.subheader("Monthly, 2024 onwards (whole chapters)")
    views.monthly_section("tomato", f)
