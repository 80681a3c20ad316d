"""Cotton and textiles: US imports by product group and HS code, China against other suppliers."""

from dashboard import product_views as views
from dashboard.components import page_header, page_nav, require_warehouse, section, share_link

page_nav()
page_header(
    "Cotton and textiles",
    "US imports of cotton and textile products (HS chapters 50-63) by partner. Annual series "
    "are UN Comtrade (CIF value); monthly series are US Census (customs value). The two bases "
    "are never added or divided.",
)
if require_warehouse():
    f = views.sidebar("cotton")
    section("By WRO product group")
    views.group_section("cotton", f)
    section("By HS code: chapter, heading, line")
    views.drilldown_section("cotton", f)
    section("China's share, where the data has a world total")
    views.china_share_section("cotton")
    section("Monthly, 2024 onwards")
    views.monthly_section("cotton", f)
    share_link()
