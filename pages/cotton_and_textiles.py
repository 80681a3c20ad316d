"""Cotton and textiles: US imports by product group and HS code, China against other suppliers."""

from dashboard import product_views as views
from dashboard.components import page_header, page_nav, require_warehouse

page_nav()
page_header(
    "Cotton and textiles",
    "US imports of cotton and textile products (HS chapters 50-63) by partner. Annual series "
    "are UN Comtrade (CIF value); monthly series are US Census (customs value). The two bases "
    "are never added or divided.",
)
if require_warehouse():
    views.product_page("cotton", monthly_heading="Monthly, 2024 onwards")
