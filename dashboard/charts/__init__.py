"""Pure chart functions: a DataFrame in, a plotly Figure out. No st.* calls.

Every figure carries its title, axis units, the WRO and UFLPA marks on time axes, and a
source line (an annotation named "source") with the data vintage. Callers write
`charts.<name>`: layout.py holds what every chart shares, trends.py lines over time,
bars.py bar charts, revisions.py the size of revisions, impact.py the WRO impact page's charts.
"""

from dashboard.charts.bars import change_bar_chart, group_change_chart, ranking_bar_chart
from dashboard.charts.enforcement import MARKER_KEY, points_chart
from dashboard.charts.impact import (
    PROJECTION_LINES,
    at_risk_chart,
    backtest_chart,
    projection_chart,
)
from dashboard.charts.layout import SOURCE_ANNOTATION, distinct_colours, events_to_mark, source_text
from dashboard.charts.revisions import revisions_by_month_chart
from dashboard.charts.trends import events_timeline_chart, series_over_time_chart

__all__ = [
    "MARKER_KEY",
    "points_chart",
    "PROJECTION_LINES",
    "SOURCE_ANNOTATION",
    "at_risk_chart",
    "backtest_chart",
    "change_bar_chart",
    "distinct_colours",
    "events_timeline_chart",
    "events_to_mark",
    "group_change_chart",
    "projection_chart",
    "ranking_bar_chart",
    "revisions_by_month_chart",
    "series_over_time_chart",
    "source_text",
]
