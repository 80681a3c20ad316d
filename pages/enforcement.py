"""Enforcement: what CBP reported stopping at the border, next to what came in."""

from dashboard import page
from dashboard.sections import enforcement

page.run(enforcement.page())
