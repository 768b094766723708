"""Streamlit glue shared by app.py and the pages: the cached read-only connection, cached query frames,
the shared filter bar (kept in the URL) and KPI cards.

Frames are cached, not figures: `frame(name, **params)` is keyed on the query name, its parameters and
the database file's version, so an import (a new file version) invalidates every cached frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Callable, TypeVar

import pandas  # noqa: F401  imported up front: sessions starting together raced on its lazy import
import polars as pl
import streamlit as st

from psynam import db, export, formatting as fmt, labels, privacy, reference, store
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
        value_text: str | None = None, delta_color: str = "normal",
        share_of: tuple[tuple, tuple] | None = None) -> None:
    """One KPI card: French label, Belgian-formatted value, change against the previous period, and the
    indicator's definition as its help tooltip.
    kind: `count` (people or sessions: relative change, `< 5` in public mode), `org` (organisations,
    agreements: relative change, never suppressed), `pct` (change in points), `eur`.
    share_of: for a `pct` of people or sessions, ((part, whole) now, (part, whole) before), so that public
    mode hides a share that would give a small part, whole or rest back (privacy.share_hidden).
    delta_color: `normal` (a rise is good), `inverse` (a rise is bad, e.g. partners leaving), `off`."""
    text = value_text or (fmt.percent(now) if kind == "pct" else fmt.euros(now) if kind == "eur" else fmt.integer(now))
    if public_mode():
        if kind == "count" and privacy.is_small(now):
            text, before = privacy.primary_mark(), None
        elif kind == "count" and privacy.change_hidden(now, before):
            before = None
        elif share_of is not None:
            if privacy.share_hidden(*share_of[0]):
                text, before = privacy.SECONDARY, None
            elif privacy.share_hidden(*share_of[1]):
                before = None
    help_text = labels.definition(key) + (f"\n\n{help_extra}" if help_extra else "")
    column.metric(labels.indicator(key), text, delta=_delta(now, before, "points" if kind == "pct" else "relative"),
                  delta_color=delta_color, help=help_text, border=True)


# ---- charts with their definition and downloads --------------------------------------------------

def public_mode() -> bool:
    """The meeting mode: everything on screen is suppressed as if it left the coordinator's screen."""
    return bool(st.session_state.get("public"))


def public_toggle() -> None:
    st.sidebar.toggle(labels.FILTERS["public"], key="public", bind="query-params", help=labels.FILTERS["public_help"])


def chart_block(key: str, build, data: pl.DataFrame, columns: list[export.Column], spec: privacy.Spec, *,
                title: str, definition: str, filters: Filters, **chart_kwargs):
    """A chart under its title, its one-line definition, and its downloads (CSV, Excel with the
    definition sheet, PNG, SVG). `build(frame)` makes the figure: from the exact frame on the coordinator's
    screen, from the suppressed one (hidden cells empty) in public mode and in every image download.
    Returns the chart's selection state when `on_select` is passed in chart_kwargs."""
    # Suppression is worked out when something needs it (public mode, a download, the pack), not on every
    # rerun of the coordinator's screen: it solves linear programmes (psynam/privacy.py).
    published = once(lambda: privacy.suppress(export.frame_for_export(data, columns), spec))
    shown = published().frame if public_mode() else data
    st.subheader(title)
    if data.is_empty():
        st.info(labels.MESSAGES["no_data"])
        return None
    current_charts().append(ChartRecord(key, title, definition, build, columns, published))
    state = st.plotly_chart(build(shown), key=key, config={"displaylogo": False}, **chart_kwargs)
    st.caption(definition)
    stem = export.file_stem(title, filters.date_from, filters.date_to)
    notes = once(lambda: download_notes(title, definition, filters))
    # Files are made when a button is clicked (callables), not on every rerun: a rerun stays cheap.
    cols = st.columns([1, 1, 1, 1, 6])
    cols[0].download_button("CSV", lambda: export.to_csv(published(), columns), f"{stem}.csv", "text/csv",
                            key=f"{key}_csv", icon=":material/download:", on_click="ignore")
    cols[1].download_button("Excel", lambda: export.to_xlsx([(title, published(), columns)], notes()), f"{stem}.xlsx",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                            key=f"{key}_xlsx", icon=":material/download:", on_click="ignore")
    cols[2].download_button("PNG", lambda: export.image(build(published().frame), "png"), f"{stem}.png", "image/png",
                            key=f"{key}_png", icon=":material/image:", on_click="ignore")
    cols[3].download_button("SVG", lambda: export.image(build(published().frame), "svg"), f"{stem}.svg",
                            "image/svg+xml", key=f"{key}_svg", icon=":material/image:", on_click="ignore")
    return state


def once(make: Callable[[], T_]) -> Callable[[], T_]:
    """`make`, called at most once: the first call computes, later calls return the same value."""
    box: list = []

    def get() -> T_:
        if not box:
            box.append(make())
        return box[0]
    return get


@dataclass(frozen=True)
class ChartRecord:
    """A chart drawn in this run, as the export pack and the report need it (suppressed data only)."""

    key: str
    title: str
    definition: str
    build: Callable[[pl.DataFrame], object]
    columns: list[export.Column]
    suppressed: Callable[[], privacy.Published]   # computed on first use (see chart_block)

    @property
    def published(self) -> privacy.Published:
        return self.suppressed()


def current_charts() -> list[ChartRecord]:
    """The charts the current page drew in this run, in order (reset by app.py before each page run)."""
    return st.session_state.setdefault("_charts_this_run", [])


def reset_charts() -> None:
    st.session_state["_charts_this_run"] = []


def download_notes(title: str, definition: str, filters: Filters) -> list[tuple[str, str]]:
    """The definition sheet of a download: what the figure is, for which filters, from which data."""
    bounds = frame("filters/data_bounds").row(0, named=True)
    return [
        (labels.EXPORT["chart"], title),
        (labels.EXPORT["definition"], definition),
        (labels.EXPORT["filters"], describe_filters(filters)),
        (labels.EXPORT["data_date"], fmt.day(bounds["last_date"])),
        (labels.EXPORT["suppression"], labels.definition("small_counts")),
        (labels.EXPORT["sources"], labels.EXPORT["sources_text"]),
    ]


def describe_filters(filters: Filters) -> str:
    names = dict(zip(*frame("filters/communes").select("nis", "name_fr").to_dict(as_series=False).values()))
    parts = [labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to))]
    chosen = {
        "networks": [labels.NETWORKS.get(n, n) for n in filters.networks],
        "arrondissements": list(filters.arrondissements),
        "communes": [names.get(c, c) for c in filters.communes],
        "care_levels": list(filters.care_levels),
        "formats": list(filters.formats),
        "settings": list(filters.settings),
    }
    for field_name, values in chosen.items():
        parts.append(f"{labels.FILTERS[field_name]} : {', '.join(values) if values else labels.FILTERS['all'].lower()}")
    return " · ".join(parts)
