"""The router: page config, the shared filter bar, st.navigation, pg.run() — nothing else."""

import streamlit as st

from psynam import labels, ui

st.set_page_config(page_title=labels.APP_TITLE, page_icon=":material/psychology:", layout="wide")
ui.prepare_database()

pages = [
    st.Page("pages/overview.py", title=labels.PAGES["overview"], icon=":material/dashboard:",
            url_path="vue-d-ensemble", default=True),
    st.Page("pages/glossary.py", title=labels.PAGES["glossary"], icon=":material/menu_book:",
            url_path="glossaire"),
]
page = st.navigation(pages)
st.session_state["filters"] = ui.filter_bar()
page.run()
