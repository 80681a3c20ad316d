"""Tomatoes: fresh tomatoes, paste and preserved tomatoes, sauces and seeds."""

from dashboard import product_views as views
from dashboard.components import page_header, page_nav, require_warehouse, section, share_link

page_nav()
page_header(
    "Tomatoes",
    "US imports of fresh tomatoes (HS 0702), paste and preserved tomatoes (2002), tomato "
    "sauces (210320) and vegetable seeds for sowing (120991, which includes tomato seeds), by "
    "partner. Annual series are UN Comtrade (CIF value); monthly series are US Census "
    "(customs value) at chapter level only.",
)
if require_warehouse():
    f = views.sidebar("tomato")
    section("By WRO product group")
    views.group_section("tomato", f)
    section("By HS code: chapter, heading, line")
    views.drilldown_section("tomato", f)
    section("China's share, where the data has a world total")
    views.china_share_section("tomato")
    section("Monthly, 2024 onwards (whole chapters)")
    views.monthly_section("tomato", f)
    share_link()
