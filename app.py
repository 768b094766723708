"""The router: page config, the shared filter bar, st.navigation, pg.run() — nothing else."""

from pathlib import Path

import streamlit as st

from psynam import labels, pack, present, ui

st.set_page_config(page_title=labels.APP_TITLE, page_icon=":material/psychology:", layout="wide")
ui.prepare_database()

# (file, key in labels.PAGES, icon). A page's URL path is its file name: with a `pages/` folder beside
# st.navigation, Streamlit shows a "Page not found" dialog on a deep link whose path differs from the
# file name (streamlit/streamlit#9992), and shared links must open cleanly. The default page is served at
# the root whatever its path; giving it its file name too makes AppTest lose its widgets after a rerun.
PAGES = [
    ("pages/overview.py", "overview", ":material/dashboard:"),
    ("pages/partners.py", "partners", ":material/handshake:"),
    ("pages/south.py", "south", ":material/map:"),
    ("pages/priorities.py", "priorities", ":material/diversity_3:"),
    ("pages/budget.py", "budget", ":material/euro:"),
    ("pages/rules.py", "rules", ":material/rule:"),
    ("pages/imports.py", "imports", ":material/upload_file:"),
    ("pages/report.py", "report", ":material/summarize:"),
    ("pages/glossary.py", "glossary", ":material/menu_book:"),
]
presenting = bool(st.query_params.get("present"))
page = st.navigation([
    st.Page(file, title=labels.PAGES[key], icon=icon, default=(key == "overview"),
            url_path="accueil" if key == "overview" else Path(file).stem)
    for file, key, icon in PAGES
], position="hidden" if presenting else "sidebar")
if presenting:  # presentation mode: slides for a meeting (psynam/present.py)
    present.run()
    st.stop()
st.session_state["filters"] = ui.filter_bar()
ui.public_toggle()
ui.reset_charts()
page.run()
pack.sidebar_button(st.session_state["filters"])
