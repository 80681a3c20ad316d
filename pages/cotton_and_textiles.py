"""Cotton and textiles: US imports by product group and HS code, China against other suppliers."""

import streamlit as st

from dashboard import product_views as views
from dashboard.components import page_nav, require_warehouse

page_nav()
st.title("Cotton and textiles")
st.caption(
    "US imports of cotton and textile products (HS chapters 50-63) by partner. Annual series "
    "are UN Comtrade (CIF value); monthly series are US Census (customs value). The two bases "
    "are never added or divided."
)
if require_warehouse():
    f = views.sidebar("cotton")
    st.subheader("By WRO product group")
    views.group_section("cotton", f)
    st.subheader("By HS code: chapter, heading, line")
    views.drilldown_section("cotton", f)
    st.subheader("China's share, where the data has a world total")
    views.china_share_section("cotton")
    st.subheader("Monthly, 2024 onwards")
    views.monthly_section("cotton", f)
