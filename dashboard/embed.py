"""The embed view: `?embed=true&chart=<id>` shows one chart alone, for an iframe.

`embed=true` is Streamlit's own switch (it hides the app's chrome and is consumed
before st.query_params); `chart=<id>` is ours and picks the chart to show.
"""

import streamlit as st


def target_chart() -> str | None:
    """The chart id to show alone; None on the normal page."""
    chart = st.query_params.get("chart", "")
    if chart:
        return chart
    return "" if st.context.is_embedded else None


def is_embedded() -> bool:
    return target_chart() is not None
