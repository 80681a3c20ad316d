"""Revisions: figures held in two vintages, compared; every revised figure."""

from dashboard import page
from dashboard.sections import revisions

page.run(revisions.page())
