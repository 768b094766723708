"""Streamlit glue shared by app.py and the pages: the cached read-only connection, cached query frames
(the views' source in the app), the shared filter bar (kept in the URL) and public mode. What a page
places — cards, charts, tables — is in psynam.blocks.

Frames are cached, not figures: `frame(name, **params)` is keyed on the query name, its parameters and
the database file's version, so an import (a new file version) invalidates every cached frame; the frames
are held as shared resources (no copy per read) and clear_frames() forgets them.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Callable, TypeVar

import pandas  # noqa: F401  imported up front: sessions starting together raced on its lazy import
import polars as pl
import streamlit as st

from psynam import access, db, formatting as fmt, labels, links, privacy, reference, store, views
from psynam.labels import roles as access_labels
from psynam.build import ensure_database, outdated
from psynam.filters import PREVIOUS, Filters, add_months, month_end, programme_start

T_ = TypeVar("T_")


def data_version() -> tuple[str, int]:
    path = db.db_path()
    return str(path), path.stat().st_mtime_ns


@st.cache_resource(show_spinner=False, max_entries=4)
def _connection(path: str, version: int):
    # store.open_reader, not duckdb.connect(path): within one process DuckDB would hand back the
    # instance of a file version that an import has since swapped out (psynam/store.py).
    return store.open_reader(path)


# A resource cache, not st.cache_data: every rerun reads a dozen frames, and st.cache_data unpickles a copy
# of each on every read (8 % of a cached rerun of the partners page). The frames are shared, never changed
# in place (Polars operations return new frames). clear_frames() empties it.
@st.cache_resource(show_spinner=False, max_entries=512)
def _frame(name: str, params: tuple, version: tuple[str, int]) -> pl.DataFrame:
    con = _connection(*version).cursor()  # one cursor per call: DuckDB connections are not shared across threads
    con.execute(f"use {store.READER_ALIAS}")  # a cursor starts in the in-memory catalog, not the attached file
    try:
        return db.run(con, name, **{k: (list(v) if isinstance(v, tuple) else v) for k, v in params})
    finally:
        con.close()


def clear_frames() -> None:
    """Forget every cached query frame (an import swapped the file in; a measure of cold renders)."""
    _frame.clear()


def frame(name: str, **params) -> pl.DataFrame:
    """Run a named query through the cache."""
    hashable = tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in params.items()))
    return _frame(name, hashable, data_version())


def run(name: str, **params) -> pl.DataFrame:
    """Same signature as db.run without the connection: what psynam.metrics expects."""
    return frame(name, **params)


@st.cache_resource(show_spinner=False, max_entries=4)
def _checked(path: str, version: int) -> bool:
    """Whether this version of the file needs an upgrade (asked once per file version)."""
    return outdated(Path(path))


def prepare_database() -> None:
    """Build the database from the committed sample export on the very first start; upgrade one that an
    earlier release built. A database that cannot be read or written (not DuckDB, a read-only folder, a
    full disk) stops the page with a French message (psynam.failures) instead of a traceback."""
    path = db.db_path()
    try:
        if not path.exists() or _checked(*data_version()):
            with st.spinner(labels.MESSAGES["building"]):
                ensure_database()
    except Exception as error:  # noqa: BLE001 - a failure the user can meet gets a message, not a traceback
        from psynam import failures
        failure = failures.explain(error, path)
        if failure is None:
            raise
        st.error(failure.message)
        st.stop()


# ---- the shared filter bar -------------------------------------------------------------------------

# URL parameter names (French, they show in shared links) -> Filters field.
FILTER_KEYS = {
    "reseau": "networks",
    "arrondissement": "arrondissements",
    "commune": "communes",
    "niveau": "care_levels",
    "format": "formats",
    "lieu": "settings",
}


def _default_period(last: date, first: date | None = None) -> tuple[date, date]:
    """The last twelve whole months of data: ending with the last session's month if that month is
    complete, else with the month before (a partial month would bias the comparison). Never before the
    programme's start; while the data hold no whole month yet, from their first day (or the programme's
    start) to their last."""
    end = month_end(last) if last == month_end(last) else last.replace(day=1) - timedelta(days=1)
    start = max(add_months(end.replace(day=1), -11), programme_start())
    if end < start:
        return min(max(first or last.replace(day=1), programme_start()), last), last
    return start, end


def filter_bar() -> Filters | None:
    """Render the filters in the sidebar; their values live in the URL (bind="query-params"), so they
    persist across pages and a copied link reopens the same view (psynam/links.py: what a link may say).
    What the link asked but cannot be shown as asked, and a period reaching outside the data, are said in
    French at the top of the page. None when the database is empty."""
    bounds = frame("filters/data_bounds").row(0, named=True)
    if bounds["last_date"] is None:
        st.sidebar.warning(labels.MESSAGES["no_database"])
        return None
    first, last = bounds["first_date"], bounds["last_date"]
    today = date.today()
    communes = frame("filters/communes")
    names = dict(zip(communes["nis"], communes["name_fr"]))
    care_levels = reference.frame("ref_care_levels")
    level_names = dict(zip(care_levels["code"], care_levels["label_fr"]))
    settings = reference.frame("ref_settings")
    formats = reference.frame("ref_formats")
    # Read the link before the widgets do: Streamlit drops a value it cannot show (an impossible date, a
    # date outside the picker's bounds, an unknown option) and rewrites the URL without a word. The
    # picker's bounds widen to the period the link asks, so that it opens as asked.
    asked = links.read_period(st.query_params.get_all(links.PERIOD_KEY))
    _, comparison_notices = links.read_comparison(st.query_params.get_all(links.COMPARISON_KEY))
    default = _default_period(last, first)
    low, high = min(programme_start(), default[0]), max(last, today)
    if asked.period:
        low, high = min(low, asked.period[0]), max(high, asked.period[1])
    comparisons = links.comparison_labels()

    side = st.sidebar
    side.header(labels.FILTERS["title"])
    period = side.date_input(
        labels.FILTERS["period"], value=default, min_value=low, max_value=high,
        format="DD/MM/YYYY", key=links.PERIOD_KEY, bind="query-params", help=labels.FILTERS["period_help"])
    comparison_mode = side.radio(
        labels.FILTERS["comparison"], list(comparisons), format_func=comparisons.get, key=links.COMPARISON_KEY,
        bind="query-params", help=labels.FILTERS["comparison_help"])
    networks = side.multiselect(labels.FILTERS["networks"], list(labels.NETWORKS), format_func=labels.NETWORKS.get,
                                key="reseau", bind="query-params", placeholder=labels.FILTERS["all"])
    selected_arr = side.multiselect(
        labels.FILTERS["arrondissements"], sorted(communes["arrondissement"].unique()),
        key="arrondissement", bind="query-params", placeholder=labels.FILTERS["all"])
    commune_options = communes.filter(
        pl.col("arrondissement").is_in(selected_arr) if selected_arr else pl.lit(True))["nis"].to_list()
    values = {
        "networks": networks,
        "arrondissements": selected_arr,
        "communes": side.multiselect(labels.FILTERS["communes"], commune_options, format_func=names.get,
                                     key="commune", bind="query-params", placeholder=labels.FILTERS["all"],
                                     help=labels.FILTERS["communes_help"]),
        "care_levels": side.multiselect(labels.FILTERS["care_levels"], list(level_names),
                                        format_func=level_names.get, key="niveau", bind="query-params",
                                        placeholder=labels.FILTERS["all"], help=labels.FILTERS["care_levels_help"]),
        "formats": side.multiselect(labels.FILTERS["formats"], formats["format"].to_list(),
                                    format_func=dict(zip(formats["format"], formats["label_fr"])).get,
                                    key="format", bind="query-params", placeholder=labels.FILTERS["all"]),
        "settings": side.multiselect(labels.FILTERS["settings"], settings["setting"].to_list(),
                                     format_func=dict(zip(settings["setting"], settings["label_fr"])).get,
                                     key="lieu", bind="query-params", placeholder=labels.FILTERS["all"]),
    }
    side.caption(labels.FILTERS["share"])
    side.caption(labels.MESSAGES["data_date"].format(date=fmt.day(last)))
    # The picker's value is the truth: a one-date value is that day (a one-day link arrives so), reversed
    # dates are put in order, nothing usable is the default period.
    shown = links.period_of(period)
    if isinstance(period, (tuple, list)) and len(period) == 1:
        side.info(labels.FILTERS["period_incomplete"].format(day=fmt.day(period[0])))
    start, end = shown.period or default
    notices = (asked.notices if asked.period is None else ()) + shown.notices \
        + links.outside_data(start, end, last=last, today=today) + comparison_notices
    for notice in dict.fromkeys(notices):
        st.warning(notice, icon=":material/event_busy:")
    return Filters(start, end, comparison_mode=comparison_mode or PREVIOUS, **values)


# ---- public mode, the charts of a run -------------------------------------------------------------

def public_mode() -> bool:
    """Whether what is on screen goes through the privacy rule: always for a role other than coordinateur
    (decided on the server by psynam.access, whatever a widget, a link or the session state says), and
    for a coordinator in the meeting mode."""
    return not access.current().exact_figures or bool(st.session_state.get("public"))


def public_toggle() -> None:
    if not access.current().exact_figures:  # no toggle to switch off: say why figures are protected
        st.sidebar.caption(access_labels.TEXT["protected"].format(last=privacy.DEFAULT_THRESHOLD - 1))
        return
    st.sidebar.toggle(labels.FILTERS["public"], key="public", bind="query-params", help=labels.FILTERS["public_help"])


def public_filters(filters: Filters | None) -> Filters | None:
    """In public mode, the filters public outputs honour (Filters.public), with a notice naming the ones
    left out."""
    if filters is None or not public_mode():
        return filters
    dropped = filters.finer_than_public
    if dropped:
        st.sidebar.warning(labels.FILTERS["public_scope"].format(names=", ".join(labels.FILTERS[n] for n in dropped)),
                           icon=":material/lock:")
    return filters.public()


def source() -> views.Source:
    """The views' source of query frames in the app: cached per filter set and database version."""
    return views.Source(run)


def once(make: Callable[[], T_]) -> Callable[[], T_]:
    """`make`, called at most once: the first call computes, later calls return the same value."""
    box: list = []

    def get() -> T_:
        if not box:
            box.append(make())
        return box[0]
    return get


def current_charts() -> list:
    """The charts the current page drew in this run, in order (reset by app.py before each page run)."""
    return st.session_state.setdefault("_charts_this_run", [])


def reset_charts() -> None:
    st.session_state["_charts_this_run"] = []

