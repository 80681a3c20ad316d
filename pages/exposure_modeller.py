"""Exposure modeller: a trade association's own import lines and their exposure to the WRO."""

from dashboard import page
from dashboard.sections import modeller

page.run(modeller.page())
