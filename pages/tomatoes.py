"""Tomatoes: fresh tomatoes, paste and preserved tomatoes, sauces and seeds."""

from dashboard import page
from dashboard.sections import products

page.run(products.page("tomato"))
