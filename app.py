"""The router: page config, the shared filter bar, st.navigation, pg.run() — nothing else."""

import streamlit as st

from psynam import labels, pack, present, ui

st.set_page_config(page_title=labels.APP_TITLE, page_icon=":material/psychology:", layout="wide")
ui.prepare_database()

# (file, key in labels.PAGES, URL path, icon). Known Streamlit behaviour: opening a deep link whose path
# differs from the page's file name shows a "Page not found" notice over the page on the very first load,
# because a `pages/` folder sits beside st.navigation (streamlit#9992). Paths equal to the file names avoid
# it in a browser but make AppTest lose the app's widgets after a rerun, so the French paths stay.
PAGES = [
    ("pages/overview.py", "overview", "accueil", ":material/dashboard:"),
    ("pages/partners.py", "partners", "partenaires", ":material/handshake:"),
    ("pages/south.py", "south", "sud", ":material/map:"),
    ("pages/priorities.py", "priorities", "aines-petite-enfance", ":material/diversity_3:"),
    ("pages/budget.py", "budget", "budget", ":material/euro:"),
    ("pages/rules.py", "rules", "plafonds", ":material/rule:"),
    ("pages/imports.py", "imports", "imports", ":material/upload_file:"),
    ("pages/report.py", "report", "rapport", ":material/summarize:"),
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
filters = ui.filter_bar()
ui.public_toggle()
st.session_state["filters"] = ui.public_filters(filters)  # public mode: period and network only
ui.reset_charts()
page.run()
pack.sidebar_button(st.session_state["filters"])
