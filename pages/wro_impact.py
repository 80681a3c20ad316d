"""WRO impact: the exposure model's projection, trade at risk and backtest, each with its
assumptions beside it."""

from dashboard import page
from dashboard.sections import impact

page.run(impact.page())
