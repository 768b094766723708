"""Import page: upload export files, read the dry run (counts per table, rejected rows), confirm or cancel;
below, the history of imports with an undo."""

import hashlib
import shutil
import tempfile
from pathlib import Path

import streamlit as st

from psynam import access, audit, db, labels, store, ui
from psynam.ingest import confirm, discard, present, stage
from psynam.ingest.undo import UndoRefused, undo
from psynam.labels.imports import COUNTS, HISTORY, ISSUES, TEXT

access.require("import")  # coordinators only, whatever link led here (psynam/access.py)
STATE = "import_dry_run"          # {"signature", "staged", "folder"} of the dry run on screen


def _forget(keep_message: str | None = None) -> None:
    """Drop the dry run on screen (its database copy and its uploaded files)."""
    dry = st.session_state.pop(STATE, None)
    if dry:
        discard(dry["staged"])
        shutil.rmtree(dry["folder"], ignore_errors=True)
        st.session_state["import_handled"] = dry["signature"]
    if keep_message:
        st.session_state["import_message"] = keep_message


def _user() -> str | None:
    """The signed-in coordinator when the app has authentication, else the server's account (None)."""
    return st.user.get("email") if st.user.get("is_logged_in") else None


def _refresh(message: str) -> None:
    """New figures everywhere: the cached frames and the read-only connections go, the app reruns."""
    st.cache_data.clear()
    st.cache_resource.clear()  # a connection still open would keep serving the replaced file
    st.session_state["import_message"] = message
    st.rerun()


def _dry_run(files, accept_valid: bool, signature: str) -> None:
    folder = Path(tempfile.mkdtemp(prefix="psynam-upload-"))
    paths = present.save_uploads(files, folder)
    with st.status(TEXT["running"], expanded=True) as status:
        bar = st.progress(0.0)
        staged = stage(paths, db.db_path(), accept_valid=accept_valid, via="page", user=_user(),
                       progress=lambda fraction, text: bar.progress(min(fraction, 1.0), text=text))
        status.update(label=TEXT["simulated"], state="complete", expanded=False)
    st.session_state[STATE] = {"signature": signature, "staged": staged, "folder": folder}


st.title(labels.PAGES["imports"])
st.caption(TEXT["intro"])
if "import_message" in st.session_state:
    st.success(st.session_state.pop("import_message"))

files = st.file_uploader(TEXT["uploader"], type=["csv", "txt", "tsv", "xlsx", "xlsm", "zip"],
                         accept_multiple_files=True, key="import_files", help=TEXT["uploader_help"])
accept_valid = st.checkbox(TEXT["accept_valid"], key="import_accept_valid", help=TEXT["accept_valid_help"])
signature = hashlib.sha256(repr((accept_valid, [(f.name, hashlib.sha256(f.getvalue()).hexdigest())
                                                for f in files or []])).encode()).hexdigest()
dry = st.session_state.get(STATE)
if dry and dry["signature"] != signature:
    _forget()
    dry = None
if files and not dry and st.session_state.get("import_handled") != signature:
    _dry_run(files, accept_valid, signature)
    dry = st.session_state[STATE]

if dry:
    staged = dry["staged"]
    report = staged.report
    st.subheader(TEXT["dry_run_title"])
    rejected = sum(c.rejected for c in report.tables.values())
    if report.status == "unreadable":
        st.error(TEXT["unreadable"])
    elif report.status == "refused":
        st.error(TEXT["refused"].format(errors=len(report.errors), rejected=rejected))
    else:
        st.info(TEXT["ready_partial"].format(rejected=rejected) if rejected else TEXT["ready"])
    counts = present.counts_frame(report)
    if not counts.is_empty():
        st.dataframe(counts, hide_index=True, key="import_counts",
                     column_config={c: st.column_config.NumberColumn(h, format="localized") if c != "table"
                                    else st.column_config.TextColumn(h) for c, h in COUNTS.items()})
    issues = present.issues_frame(report, dry["folder"])
    if not issues.is_empty():
        st.subheader(TEXT["issues_title"])
        st.dataframe(issues, hide_index=True, key="import_issues",
                     column_config={c: st.column_config.TextColumn(h) for c, h in ISSUES.items()}
                     | {"line": st.column_config.NumberColumn(ISSUES["line"], format="plain", width="small"),
                        "reason": st.column_config.TextColumn(ISSUES["reason"], width="large")})
        if report.omitted_errors:
            st.caption(TEXT["errors_more"].format(n=report.omitted_errors))
        if report.omitted_warnings:
            st.caption(TEXT["issues_more"].format(n=report.omitted_warnings))
        st.download_button(TEXT["issues_download"], audit.tracked(present.issues_csv(issues), file_name="psynam_import_rejets.csv",
                           view="imports"), "psynam_import_rejets.csv",
                           "text/csv", key="import_issues_csv", icon=":material/download:", on_click="ignore")
    left, right, _ = st.columns([2, 1, 5])
    if left.button(TEXT["confirm"], key="import_confirm", type="primary", disabled=staged.candidate is None):
        try:
            done = confirm(staged)
        except store.StaleBase:
            _forget(TEXT["stale"])
            st.rerun()
        _forget()
        _refresh(TEXT["confirmed"].format(id=done.import_id))
    if right.button(TEXT["cancel"], key="import_cancel"):
        _forget(TEXT["cancelled"])
        st.rerun()

st.divider()
st.subheader(TEXT["history_title"])
history = present.history_frame(ui.frame("imports/history"))
if history.is_empty():
    st.info(TEXT["history_empty"])
else:
    st.dataframe(history, hide_index=True, key="import_history",
                 column_config={c: st.column_config.TextColumn(h) for c, h in HISTORY.items()}
                 | {"import_id": st.column_config.NumberColumn(HISTORY["import_id"], format="plain"),
                    "imported_at": st.column_config.DatetimeColumn(HISTORY["imported_at"], format="DD/MM/YYYY HH:mm")})
    options = present.undo_options(history)
    if options:
        choice = st.selectbox(TEXT["undo_choice"], list(options), format_func=options.get, key="import_undo_choice")
        if st.button(TEXT["undo"], key="import_undo", help=TEXT["undo_help"]):
            try:
                result = undo(choice, db.db_path(), user=_user())
            except UndoRefused as e:
                st.error(TEXT["undo_refused"].format(reason=e))
            else:
                _refresh(TEXT["undone"].format(id=choice, deleted=sum(result.deleted.values()),
                                               restored=sum(result.restored.values())))
