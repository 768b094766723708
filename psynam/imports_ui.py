"""Streamlit glue of the import page (pages/imports.py): the session's dry run held as a session-scoped
resource, the signed-in user, what follows a write, and the page's tables. What the page does and shows
is in psynam.ingest.present; this module only ties it to Streamlit."""

from __future__ import annotations

import polars as pl
import streamlit as st

from psynam import formatting as fmt
from psynam.ingest import present


@st.cache_resource(scope="session", on_release=present.DryRuns.release, show_spinner=False)
def dry_runs(path: str) -> present.DryRuns:
    """This session's dry run: Streamlit releases it when the session ends (or a write clears the caches),
    which discards its database copy and its uploads."""
    return present.DryRuns(path)


def user() -> str | None:
    """The signed-in coordinator when the app has authentication, else the server's account (None)."""
    return st.user.get("email") if st.user.get("is_logged_in") else None


def done(outcome: present.Outcome, message: str | None = None) -> None:
    """After a write: new figures everywhere (cached frames and connections go) and `message` (else the
    outcome's value), or the failure's message; then the page runs again."""
    if outcome.error:
        st.session_state["import_error"] = outcome.error
    else:
        st.cache_data.clear()
        st.cache_resource.clear()  # the cached frames, and the connection (left open, it would serve the old file)
        st.session_state["import_message"] = message or outcome.value
    st.rerun()


def messages() -> None:
    """What the last write said (kept across its rerun)."""
    for key, show in (("import_message", st.success), ("import_error", st.error)):
        if key in st.session_state:
            show(st.session_state.pop(key))


def table(frame: pl.DataFrame, key: str, headers: dict[str, str], wide: str | None = None) -> None:
    """A frame under French headers, in its own column order: counts in Belgian format (`100 003`, written
    here: the grid's own "localized" format follows the browser's locale, `100,003` in English), ids and
    lines plain."""
    counts = [c for c in headers if c in frame.columns and frame[c].dtype.is_integer() and c not in ("import_id", "line")]
    frame = frame.with_columns(pl.col(c).map_elements(fmt.integer, return_dtype=pl.Utf8) for c in counts)
    config = {c: st.column_config.TextColumn(h, width="large" if c == wide else None)
              for c, h in headers.items() if c in frame.columns}
    config |= {c: st.column_config.NumberColumn(headers[c], format="plain")
               for c in ("import_id", "line") if c in frame.columns}
    if "imported_at" in frame.columns:
        config["imported_at"] = st.column_config.DatetimeColumn(headers["imported_at"], format="DD/MM/YYYY HH:mm")
    st.dataframe(frame, hide_index=True, key=key, column_config=config, placeholder=fmt.MISSING,
                 column_order=[c for c in frame.columns if c in headers])
