"""WRO Trade Monitor: the router. `make run` (or `streamlit run app.py`) serves it; the
pages live in pages/, listed with their titles and groups in dashboard/navigation.py."""

import streamlit as st

from dashboard import navigation, style
from dashboard.embed import is_embedded
from dashboard.page import route_through_app

route_through_app()
embedded = is_embedded()  # an embed shows one chart: its selectors wait in a closed sidebar
st.set_page_config(
    page_title="WRO Trade Monitor",
    page_icon="🧵",
    layout="wide",
    initial_sidebar_state="collapsed" if embedded else "auto",
)
style.accessibility()  # focus rings and code colours the theme cannot set
pages = navigation.pages()
page = st.navigation(pages, position="hidden")
if not embedded:
    navigation.draw_menu(pages)
page.run()
