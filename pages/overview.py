"""Overview: the WRO's scope, US imports from China before and after it, and the timeline."""

from dashboard import page
from dashboard.sections import overview

page.run(overview.page())
