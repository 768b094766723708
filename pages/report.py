"""Rapport du comité: the steering-committee report in one click (HTML, PDF, Excel), for the period and
network of the filter bar; the same report as `python -m psynam report`."""

import streamlit as st

from psynam import access, audit, export, report, ui
from psynam.labels import report as words
from psynam.report.content import describe

T = words.TEXT

filters = st.session_state.get("filters")
st.title(words.PAGE["report"])
if filters is None:
    st.stop()
st.markdown(T["intro"])
st.caption(describe(filters))
st.caption(T["cli_hint"])


def document(fmt: str):
    """Built on click only (the PDF prints through Chromium)."""
    name = export.file_stem("rapport comite", filters.date_from, filters.date_to) + f".{report.FORMATS[fmt][1]}"
    return audit.tracked(lambda: report.render(report.build(ui.run, filters), fmt), file_name=name, view="report",
                         filters=filters)


if not access.current().can_download:  # the committee's role sees the report on screen, in presentation mode
    st.info(access.denied_text("download"))
    st.stop()


cols = st.columns(3)
for col, fmt, label, icon in ((cols[0], "html", T["download_html"], ":material/public:"),
                              (cols[1], "pdf", T["download_pdf"], ":material/picture_as_pdf:"),
                              (cols[2], "xlsx", T["download_xlsx"], ":material/table_view:")):
    mime, ext = report.FORMATS[fmt]
    col.download_button(label, document(fmt), export.file_stem("rapport comite", filters.date_from, filters.date_to)
                        + f".{ext}", mime, key=f"report_{fmt}", icon=icon, on_click="ignore", type="primary")
