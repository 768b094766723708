"""The door of every session (app.py): who is here, the login screen or a French refusal when nobody with
a role is, the signed-in box with its logout button, the login in the audit log; and, once per server
process, a watcher that warms the caches of the default view whenever the database changes (an import,
an undo, a restore by any worker or the command line), so that the first person after an import does not
pay for the cold queries.
"""

from __future__ import annotations

import sys
import threading
import time

import streamlit as st

from psynam import access, audit
from psynam.labels.roles import TEXT

WARM_POLL_S = 2.0


def gate() -> access.Access:
    """The current access when it has a role; otherwise draw why not (login button, refusal) and stop."""
    me = access.current()
    if me.role is None:
        # The refusal is the one page registered: without st.navigation Streamlit would list (and serve)
        # the scripts of pages/ by itself, figures included.
        st.navigation([st.Page(lambda: _refusal(me), title=TEXT["login_title"], url_path="connexion", default=True)],
                      position="hidden").run()
        st.stop()
    if me.via == access.VIA_LOGIN:
        _record_login_once(me)
        side = st.sidebar
        side.caption(TEXT["signed_in"].format(who=me.name or me.email, role=me.role_label))
        if side.button(TEXT["logout"], key="access_logout", icon=":material/logout:"):
            audit.record("logout", who=me)
            st.logout()
    else:
        st.sidebar.caption(TEXT["local"].format(role=me.role_label))
    return me


def _settings() -> access.Settings:
    return access.settings_from(st.secrets.to_dict() if access._has_secrets() else {})


def _refusal(me: access.Access) -> None:
    st.title(TEXT["login_title"])
    if me.reason in (access.NOT_LOGGED_IN, access.EXPIRED):
        settings = _settings()
        st.write(TEXT["login_intro"])
        if me.reason == access.EXPIRED:
            st.warning(TEXT["expired"].format(hours=settings.max_login_hours))
        for provider in settings.providers:
            label = TEXT["login_button"] if provider == "default" else TEXT["login_button_named"].format(provider=provider)
            if st.button(label, key=f"access_login_{provider}", type="primary", icon=":material/login:"):
                st.login(provider)
        return
    if me.reason == access.NO_ROLE:
        _record_login_once(me, refused=True)
        st.error(TEXT["no_role"].format(who=me.email or me.name or "?"))
        if st.button(TEXT["logout"], key="access_logout", icon=":material/logout:"):
            st.logout()
        return
    if me.reason == access.REMOTE_WITHOUT_LOGIN:
        st.error(TEXT["remote_without_login"])
        return
    problems = list(_settings().problems) if access._has_secrets() else []
    if access._trusted_headers_configured():
        problems.append(TEXT["trusted_headers"])
    st.error(TEXT["misconfigured"] + "".join(f"\n- {p}" for p in problems))


def _record_login_once(me: access.Access, refused: bool = False) -> None:
    """One audit line per login (an identity token), not per tab or reconnection."""
    if st.session_state.get("_access_login_recorded") == (me.who, me.issued_at):
        return
    try:
        if me.issued_at is None or not audit.login_seen(me.who, me.issued_at):
            audit.record("login_refused" if refused else "login", who=me, issued_at=me.issued_at)
    except Exception as exc:  # the audit file unreadable: say it, but never show figures without a trace
        st.error(TEXT["audit_unreadable"].format(reason=exc))
        st.stop()
    st.session_state["_access_login_recorded"] = (me.who, me.issued_at)


# ---- cache warming -----------------------------------------------------------------------------

_WARMER: list[threading.Thread] = []
_WARMER_LOCK = threading.Lock()


def start_warmer() -> None:
    """Start, once per server process, the thread that warms the default view after each data change."""
    if not access._in_server_process():
        return
    with _WARMER_LOCK:
        if _WARMER:
            return
        thread = threading.Thread(target=_watch, name="psynam-warmer", daemon=True)
        _WARMER.append(thread)
        thread.start()


def _watch() -> None:
    from psynam import ui

    seen = None
    while True:
        try:
            version = ui.data_version()
            if version != seen:
                warm()
                seen = version
        except Exception as exc:  # a missing or half-swapped file: try again at the next poll
            print(f"psynam: cache warming failed: {exc}", file=sys.stderr)
        time.sleep(WARM_POLL_S)


def warm() -> None:
    """Run the queries of the default view (the overview with the default period, and the filter bar) into
    the shared frame cache, as the first visitor would."""
    from psynam import ui
    from psynam.filters import Filters
    from psynam.views.overview import Overview

    bounds = ui.frame("filters/data_bounds").row(0, named=True)
    if bounds["last_date"] is None:
        return
    ui.frame("filters/communes")
    view = Overview(ui.source(), Filters(*ui._default_period(bounds["last_date"])))
    for shown in (view, view.before):  # what the overview page reads, through the same view
        if shown is not None:
            for result in (shown.activity, shown.partners, shown.budget):
                result.whole  # noqa: B018  (run into the cache)
    view.sessions_by_month.whole  # noqa: B018
