"""Streamlit glue shared by app.py and the pages: the cached read-only connection, cached query frames
(the views' source in the app), the shared filter bar (kept in the URL) and public mode. What a page
places — cards, charts, tables — is in psynam.blocks.

Frames are cached, not figures: `frame(name, **params)` is keyed on the query name, its parameters and
the database file's version, so an import (a new file version) invalidates every cached frame.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Callable, TypeVar

import pandas  # noqa: F401  imported up front: sessions starting together raced on its lazy import
import polars as pl
import streamlit as st

from psynam import access, db, formatting as fmt, labels, privacy, reference, store, views
from psynam.labels import roles as access_labels
from psynam.build import ensure_database, outdated
from psynam.filters import Filters

T_ = TypeVar("T_")


def data_version() -> tuple[str, int]:
    path = db.db_path()
    return str(path), path.stat().st_mtime_ns


@st.cache_resource(show_spinner=False, max_entries=4)
def _connection(path: str, version: int):
    # store.open_reader, not duckdb.connect(path): within one process DuckDB would hand back the
    # instance of a file version that an import has since swapped out (psynam/store.py).
    return store.open_reader(path)


@st.cache_data(show_spinner=False, max_entries=512)
def _frame(name: str, params: tuple, version: tuple[str, int]) -> pl.DataFrame:
    con = _connection(*version).cursor()  # one cursor per call: DuckDB connections are not shared across threads
    con.execute(f"use {store.READER_ALIAS}")  # a cursor starts in the in-memory catalog, not the attached file
    try:
        return db.run(con, name, **{k: (list(v) if isinstance(v, tuple) else v) for k, v in params})
    finally:
        con.close()


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
    earlier release built."""
    path = db.db_path()
    if not path.exists() or _checked(*data_version()):
        with st.spinner(labels.MESSAGES["building"]):
            ensure_database()


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


def _default_period(last: date) -> tuple[date, date]:
    """The last twelve whole months of data: ending with the last session's month if that month is
    complete, else with the month before (a partial month would bias the comparison)."""
    month_end = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    end = month_end if last == month_end else last.replace(day=1) - timedelta(days=1)
    months = end.year * 12 + end.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1), end


def filter_bar() -> Filters | None:
    """Render the filters in the sidebar; their values live in the URL (bind="query-params"), so they
    persist across pages and a copied link reopens the same view. None when the database is empty."""
    bounds = frame("filters/data_bounds").row(0, named=True)
    if bounds["last_date"] is None:
        st.sidebar.warning(labels.MESSAGES["no_database"])
        return None
    first, last = bounds["first_date"], bounds["last_date"]
    communes = frame("filters/communes")
    names = dict(zip(communes["nis"], communes["name_fr"]))
    care_levels = reference.frame("ref_care_levels")
    level_names = dict(zip(care_levels["code"], care_levels["label_fr"]))
    settings = reference.frame("ref_settings")
    formats = reference.frame("ref_formats")
    max_day = max(last, date.today())

    side = st.sidebar
    side.header(labels.FILTERS["title"])
    period = side.date_input(
        labels.FILTERS["period"], value=_default_period(last), min_value=date(2021, 9, 1), max_value=max_day,
        format="DD/MM/YYYY", key="periode", bind="query-params", help=labels.FILTERS["period_help"])
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
    if not isinstance(period, (tuple, list)) or len(period) < 2:
        side.info(labels.FILTERS["period_incomplete"])
        start = period[0] if isinstance(period, (tuple, list)) and period else period
        period = (start or first, last)
    return Filters(period[0], period[1], **values)


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

