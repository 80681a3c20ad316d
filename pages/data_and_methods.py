"""Data and methods: sources and provenance, coverage, caveats, the mapping, downloads."""

from dashboard import page
from dashboard.sections import methods

page.run(methods.page())
