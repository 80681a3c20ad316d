"""Tomatoes: fresh tomatoes, paste and preserved tomatoes, sauces and seeds."""

from dashboard import product_views as views
from dashboard.components import page_header, page_nav, require_warehouse

page_nav()
page_header(
    "Tomatoes",
    "US imports of fresh tomatoes (HS 0702), paste and preserved tomatoes (2002), tomato "
    "sauces (210320) and vegetable seeds for sowing (120991, which includes tomato seeds), by "
    "partner. Annual series are UN Comtrade (CIF value); monthly series are US Census "
    "(customs value) at chapter level only.",
)
if require_warehouse():
    views.product_page("tomato", monthly_heading="Monthly, 2024 onwards (whole chapters)")
