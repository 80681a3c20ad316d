"""Cotton and textiles: US imports by product group and HS code, China against other suppliers."""

from dashboard import page
from dashboard.sections import products

page.run(products.page("cotton"))
