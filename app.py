"""The router: page config, the login gate, the shared filter bar, st.navigation, pg.run() — nothing else."""

import streamlit as st

from psynam import access, gate, labels, pack, present, style, ui

# (file, key in labels.PAGES, URL path, icon). Known Streamlit behaviour: opening a deep link whose path
# differs from the page's file name shows a "Page not found" notice over the page on the very first load,
# because a `pages/` folder sits beside st.navigation (streamlit#9992). Paths equal to the file names avoid
# it in a browser but make AppTest lose the app's widgets after a rerun, so the French paths stay, and the
# app's script closes that notice on its own paths (psynam/style.py); a wrong path keeps it.
PAGES = [
    ("pages/overview.py", "overview", "accueil", ":material/dashboard:"),
    ("pages/partners.py", "partners", "partenaires", ":material/handshake:"),
    ("pages/south.py", "south", "sud", ":material/map:"),
    ("pages/priorities.py", "priorities", "aines-petite-enfance", ":material/diversity_3:"),
    ("pages/universalism.py", "access", "universalisme", ":material/balance:"),
    ("pages/network.py", "network", "vie-du-reseau", ":material/groups:"),
    ("pages/budget.py", "budget", "budget", ":material/euro:"),
    ("pages/rules.py", "rules", "plafonds", ":material/rule:"),
    ("pages/imports.py", "imports", "imports", ":material/upload_file:"),
    ("pages/report.py", "report", "rapport", ":material/summarize:"),
    ("pages/audit.py", "audit", "journal", ":material/policy:"),
    ("pages/glossary.py", "glossary", "glossaire", ":material/menu_book:"),
]

st.set_page_config(page_title=labels.APP_TITLE, page_icon=":material/psychology:", layout="wide")
style.apply(tuple(path for _file, _key, path, _icon in PAGES))  # CSS and French (psynam/style.py)
gate.start_warmer()  # once per server process: warms the default view after every data change
me = gate.gate()  # who is here (psynam/access.py); without a role, only a French message and st.stop()
with access.system():  # building or upgrading the database is the server's own job, whoever opened the page
    ui.prepare_database()

NEEDS = {"imports": "import", "report": "download", "audit": "audit"}  # what a page needs beyond viewing
presenting = bool(st.query_params.get("present"))
page = st.navigation([  # a page the role may not use is not registered: its link falls back to the overview
    st.Page(file, title=labels.PAGES[key], url_path=path, icon=icon, default=(key == "overview"))
    for file, key, path, icon in PAGES if me.allows(NEEDS.get(key, "view"))
], position="hidden" if presenting else "sidebar")
if presenting:  # presentation mode: slides for a meeting (psynam/present.py)
    present.run()
    st.stop()
filters = ui.filter_bar()
ui.public_toggle()
st.session_state["filters"] = ui.public_filters(filters)  # public mode: period and network only
ui.reset_charts()
try:
    page.run()
except access.AccessDenied as refused:  # a write action refused where it runs: a message, never a traceback
    st.error(str(refused))
pack.sidebar_button(st.session_state["filters"])
