"""The router: page config, the shared filter bar, st.navigation, pg.run() — nothing else."""

import streamlit as st

from psynam import labels, pack, present, ui

st.set_page_config(page_title=labels.APP_TITLE, page_icon=":material/psychology:", layout="wide")
ui.prepare_database()

PAGES = [  # (file, key in labels.PAGES, url path, icon)
    ("pages/overview.py", "overview", "vue-d-ensemble", ":material/dashboard:"),
    ("pages/partners.py", "partners", "partenaires", ":material/handshake:"),
    ("pages/south.py", "south", "sud", ":material/map:"),
    ("pages/priorities.py", "priorities", "aines-petite-enfance", ":material/diversity_3:"),
    ("pages/budget.py", "budget", "budget", ":material/euro:"),
    ("pages/rules.py", "rules", "plafonds", ":material/rule:"),
    ("pages/imports.py", "imports", "imports", ":material/upload_file:"),
    ("pages/glossary.py", "glossary", "glossaire", ":material/menu_book:"),
]
presenting = bool(st.query_params.get("present"))
page = st.navigation([
    st.Page(file, title=labels.PAGES[key], url_path=path, icon=icon, default=(key == "overview"))
    for file, key, path, icon in PAGES
], position="hidden" if presenting else "sidebar")
if presenting:  # presentation mode: slides for a meeting (psynam/present.py)
    present.run()
    st.stop()
st.session_state["filters"] = ui.filter_bar()
ui.public_toggle()
ui.reset_charts()
page.run()
pack.sidebar_button(st.session_state["filters"])
