"""Import page: upload export files, read the dry run (counts per table, rejected rows), confirm or cancel;
below, the history of imports with an undo that shows first what it will remove (psynam.ingest.present)."""

import streamlit as st

from psynam import access, audit, db, labels
from psynam import imports_ui as ui
from psynam.ingest import present
from psynam.labels.imports import COUNTS, HISTORY, ISSUES, TEXT, UNDO

HANDLED = "import_handled"        # the signature of the files whose dry run was confirmed, cancelled or failed
access.require("import")          # checked here too, not only by the page not being offered


st.title(labels.PAGES["imports"])
st.caption(TEXT["intro"])
ui.messages()

path = db.db_path()
runs = ui.dry_runs(str(path))
files = st.file_uploader(TEXT["uploader"], type=["csv", "txt", "tsv", "xlsx", "xlsm", "zip"],
                         accept_multiple_files=True, key="import_files", help=TEXT["uploader_help"])
accept_valid = st.checkbox(TEXT["accept_valid"], key="import_accept_valid", help=TEXT["accept_valid_help"])
signature = present.signature(files, accept_valid)
if runs.current and runs.current.signature != signature:
    runs.drop()
if signature and not runs.current and st.session_state.get(HANDLED) != signature:
    with st.status(TEXT["running"], expanded=True) as status:
        bar = st.progress(0.0)
        started = runs.start(files, accept_valid, ui.user(), lambda f, text: bar.progress(min(f, 1.0), text=text))
        status.update(label=TEXT["simulated"], state="error" if started.error else "complete", expanded=False)
    if started.error:
        st.session_state[HANDLED] = signature
        st.error(started.error)
if signature and not runs.current and st.button(TEXT["retry"], key="import_retry"):
    st.session_state.pop(HANDLED, None)          # the same files again (after a failure, or to check them anew)
    st.rerun()

if dry := runs.current:
    dry.staged.touch()            # on screen: kept beyond the expiry of abandoned dry runs
    st.subheader(TEXT["dry_run_title"])
    level, sentence = present.verdict(dry.report)
    getattr(st, level)(sentence)
    if not (counts := present.counts_frame(dry.report)).is_empty():
        ui.table(counts, "import_counts", COUNTS)
    if not (issues := present.issues_frame(dry.report, dry.folder)).is_empty():
        st.subheader(TEXT["issues_title"])
        ui.table(issues, "import_issues", ISSUES, wide="reason")
        for n, text in ((dry.report.omitted_errors, "errors_more"), (dry.report.omitted_warnings, "issues_more")):
            if n:
                st.caption(TEXT[text].format(n=n))
        st.download_button(TEXT["issues_download"], audit.tracked(lambda: present.issues_csv(issues),
                           file_name="psynam_import_rejets.csv", view="imports"), "psynam_import_rejets.csv",
                           "text/csv", key="import_issues_csv", icon=":material/download:", on_click="ignore")
    left, right, _ = st.columns([2, 1, 5])
    if left.button(TEXT["confirm"], key="import_confirm", type="primary", disabled=dry.staged.candidate is None):
        st.session_state[HANDLED] = signature
        confirmed = runs.confirm()
        ui.done(confirmed, confirmed.value and TEXT["confirmed"].format(id=confirmed.value.import_id))
    if right.button(TEXT["cancel"], key="import_cancel"):
        st.session_state[HANDLED] = signature
        runs.drop()
        ui.done(present.Outcome(TEXT["cancelled"]))

st.divider()
st.subheader(TEXT["history_title"])
history = present.history_frame(path)
if history.is_empty():
    st.info(TEXT["history_empty"])
else:
    ui.table(history, "import_history", HISTORY)
    if options := present.undo_options(history):
        # Keyed on the latest import, so that a new import makes it the default choice again.
        choice = st.selectbox(TEXT["undo_choice"], list(options), format_func=options.get,
                              key=f"import_undo_choice_{next(iter(options))}")
        if st.button(TEXT["undo"], key="import_undo", help=TEXT["undo_help"]):
            st.session_state["import_undo_asked"] = choice
        if st.session_state.get("import_undo_asked") == choice:
            asked = present.undo_preview(choice, path)
            if asked.error or asked.value.refused:
                st.error(asked.error or TEXT["undo_refused"].format(reason=asked.value.refused))
            else:
                removed = present.preview_frame(asked.value)
                st.warning(TEXT["undo_ask" if not removed.is_empty() else "undo_nothing"].format(id=choice))
                if not removed.is_empty():
                    ui.table(removed, "import_undo_preview", UNDO)
                yes, no, _ = st.columns([2, 1, 5])
                if yes.button(TEXT["undo_confirm"].format(id=choice), key="import_undo_confirm", type="primary"):
                    st.session_state.pop("import_undo_asked")
                    ui.done(present.undo(choice, path, ui.user()))
                if no.button(TEXT["undo_keep"], key="import_undo_keep"):
                    st.session_state.pop("import_undo_asked")
                    ui.done(present.Outcome(TEXT["undo_kept"]))
