"""Where the trade went: every supplier's US imports of a product in two periods."""

from dashboard import page
from dashboard.sections import suppliers

page.run(suppliers.page())
