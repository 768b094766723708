"""Streamlit glue shared by app.py and the pages: the cached read-only connection, cached query frames,
the shared filter bar (kept in the URL) and KPI cards.

Frames are cached, not figures: `frame(name, **params)` is keyed on the query name, its parameters and
the database file's version, so an import (a new file version) invalidates every cached frame.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import streamlit as st

from psynam import db, formatting as fmt, labels, reference
from psynam.build import ensure_database
from psynam.filters import Filters


def data_version() -> tuple[str, int]:
    path = db.db_path()
    return str(path), path.stat().st_mtime_ns


@st.cache_resource(show_spinner=False, max_entries=4)
def _connection(path: str, version: int):
    return db.connect(path, read_only=True)


@st.cache_data(show_spinner=False, max_entries=512)
def _frame(name: str, params: tuple, version: tuple[str, int]) -> pl.DataFrame:
    con = _connection(*version).cursor()  # one cursor per call: DuckDB connections are not shared across threads
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


def prepare_database() -> None:
    """Build the database from the committed sample export on the very first start."""
    if not db.db_path().exists():
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
    """The last twelve whole months of data (ending with the month of the last session)."""
    end = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    start = (end.replace(day=1) - timedelta(days=335)).replace(day=1)
    return start, end


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
    selected_arr = side.multiselect(
        labels.FILTERS["arrondissements"], sorted(communes["arrondissement"].unique()),
        key="arrondissement", bind="query-params", placeholder=labels.FILTERS["all"])
    commune_options = communes.filter(
        pl.col("arrondissement").is_in(selected_arr) if selected_arr else pl.lit(True))["nis"].to_list()
    values = {
        "networks": side.multiselect(labels.FILTERS["networks"], list(labels.NETWORKS),
                                     format_func=labels.NETWORKS.get, key="reseau", bind="query-params",
                                     placeholder=labels.FILTERS["all"]),
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


# ---- KPI cards -------------------------------------------------------------------------------------

def _delta(now, before, kind: str) -> str | None:
    if now is None or before is None:
        return None
    if kind == "points":
        return labels.KPI_DELTA["points"].format(sign="", value=fmt.signed(float(now) - float(before)))
    if float(before) == 0:
        return None
    change = 100.0 * (float(now) - float(before)) / float(before)
    return labels.KPI_DELTA["relative"].format(sign="", value=fmt.signed(change))


def kpi(column, key: str, now, before, *, kind: str = "count", help_extra: str | None = None,
        value_text: str | None = None) -> None:
    """One KPI card: French label, Belgian-formatted value, change against the previous period, and the
    indicator's definition as its help tooltip. kind: count (relative change) or pct (change in points)."""
    text = value_text or (fmt.percent(now) if kind == "pct" else fmt.integer(now))
    help_text = labels.definition(key) + (f"\n\n{help_extra}" if help_extra else "")
    column.metric(labels.indicator(key), text, delta=_delta(now, before, "points" if kind == "pct" else "relative"),
                  help=help_text, border=True)
