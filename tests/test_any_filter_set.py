"""No exception for any filter set (issue 11): hypothesis draws filter sets — single days, weekends, periods
before the programme, straddling its start, after the data, partly in the future, crossing 01/04/2024 or a
year end, calendar months, quarters and years, any range — with random networks, arrondissements,
communes, care levels, formats, settings, comparison and public mode, opens them as a link (query
parameters, as a browser would), and renders every page of app.py (AppTest) and the committee report
(build, HTML and Excel; PDF in a smaller test) on each.

Each filter set must give: no exception on any page; every chart drawn with data, or the explicit
"no data" figure (never a blank one); on the pages that count sessions, a French message when there is
no session under the filters; a report whose sections all render.

Size: PSYNAM_PROPERTY_EXAMPLES filter sets (default 40, i.e. 40 x 9 pages = 360 page renders); the PDF test
takes PSYNAM_PROPERTY_PDF_EXAMPLES (default 4). The default run is derandomized (CI sees the same filter
sets each time); PSYNAM_PROPERTY_RANDOM=1 draws new ones; PSYNAM_PROPERTY_SHRINK=0 reports a failing filter
set as drawn instead of shrinking it. A longer run on demand:
    PSYNAM_PROPERTY_EXAMPLES=400 PSYNAM_PROPERTY_RANDOM=1 .venv/bin/python -m pytest tests/test_any_filter_set.py
"""

from __future__ import annotations

import io
import json
import os
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from streamlit.testing.v1 import AppTest

from psynam import ROOT, db, labels, metrics, reference, report
from psynam.build import build
from psynam.filters import FILTER_LISTS, Filters, programme_start
from tests.conftest import each_tab, load_tiny
from tests.e2e.conftest import app_pages

EXAMPLES = int(os.environ.get("PSYNAM_PROPERTY_EXAMPLES", "40"))
PDF_EXAMPLES = int(os.environ.get("PSYNAM_PROPERTY_PDF_EXAMPLES", "4"))
RANDOM = os.environ.get("PSYNAM_PROPERTY_RANDOM") == "1"
PAGES = [(file, key) for file, key, _path in app_pages()]
# Pages whose figures are sessions, and the shared filters each honours (the south page maps every commune
# whatever the geography filter; the ceilings page reads period and network): with no session under
# those, the page must say so in French.
SESSION_PAGES = {"pages/overview.py": FILTER_LISTS, "pages/priorities.py": FILTER_LISTS,
                 "pages/south.py": ("networks", "care_levels", "formats", "settings"),
                 "pages/rules.py": ("networks",)}
SATURDAY = 5
TODAY = date.today()
NOTICE_ICON = ":material/event_busy:"  # psynam/ui.py filter_bar: what a link asked (not a page's message)


@dataclass(frozen=True)
class Database:
    name: str
    path: Path
    first: date
    last: date


@pytest.fixture(scope="module")
def databases(tmp_path_factory) -> dict[str, Database]:
    """The committed sample (what a new user opens) and the tiny hand-written fixture (its odd rows)."""
    folder = tmp_path_factory.mktemp("any-filter-set")
    paths = {"sample": build(folder / "sample.duckdb"), "tiny": folder / "tiny.duckdb"}
    load_tiny(paths["tiny"])
    out = {}
    for name, path in paths.items():
        con = db.connect(path, read_only=True)
        bounds = db.run(con, "filters/data_bounds").row(0, named=True)
        con.close()
        out[name] = Database(name, path, bounds["first_date"], bounds["last_date"])
    return out


# ---- drawing filter sets ---------------------------------------------------------------------------

def _between(lo: date, hi: date):
    return st.dates(min(lo, hi), max(lo, hi))


@st.composite
def periods(draw, first: date, last: date) -> tuple[str, date, date]:
    """(kind, start, end) of a period a coordinator could ask for, around the data's [first, last]."""
    start_p = programme_start()
    kind = draw(st.sampled_from(["day", "weekend", "before", "straddle_start", "after_data", "partly_future",
                                 "april_2024", "year_end", "month", "quarter", "year", "range", "whole"]))
    if kind == "day":
        d = draw(_between(start_p - timedelta(days=60), TODAY + timedelta(days=200)))
        return kind, d, d
    if kind == "weekend":
        d = draw(_between(first, last))
        saturday = d + timedelta(days=(SATURDAY - d.weekday()) % 7)
        sunday_only = draw(st.booleans())
        return kind, saturday + timedelta(days=1) if sunday_only else saturday, saturday + timedelta(days=1)
    if kind == "before":
        a = draw(_between(date(2016, 1, 1), start_p - timedelta(days=1)))
        return kind, a, draw(_between(a, start_p - timedelta(days=1)))
    if kind == "straddle_start":
        return kind, draw(_between(date(2020, 1, 1), start_p - timedelta(days=1))), \
            draw(_between(start_p, start_p + timedelta(days=400)))
    if kind == "after_data":
        a = draw(_between(last + timedelta(days=1), last + timedelta(days=400)))
        return kind, a, a + timedelta(days=draw(st.integers(0, 400)))
    if kind == "partly_future":
        return kind, draw(_between(last - timedelta(days=300), TODAY)), \
            draw(_between(TODAY + timedelta(days=1), TODAY + timedelta(days=500)))
    if kind == "april_2024":
        return kind, draw(_between(date(2023, 6, 1), date(2024, 3, 31))), draw(_between(date(2024, 4, 1),
                                                                                     date(2024, 12, 31)))
    if kind == "year_end":
        year = draw(st.integers(2021, 2026))
        return kind, draw(_between(date(year, 10, 1), date(year, 12, 31))), \
            draw(_between(date(year + 1, 1, 1), date(year + 1, 3, 31)))
    if kind in ("month", "quarter", "year"):
        year = draw(st.integers(2021, 2027))
        if kind == "year":
            return kind, date(year, 1, 1), date(year, 12, 31)
        months = 1 if kind == "month" else 3
        month = draw(st.sampled_from(range(1, 13, months)))
        end = date(year + (month + months > 12), (month + months - 1) % 12 + 1, 1) - timedelta(days=1)
        return kind, date(year, month, 1), end
    if kind == "range":
        a = draw(_between(start_p, last))
        return kind, a, a + timedelta(days=draw(st.integers(0, 1100)))
    return kind, start_p, last


def _some(options: list[str], most: int = 2):
    """Mostly nothing chosen (all), sometimes one or two options."""
    return st.one_of(st.just([]), st.just([]), st.lists(st.sampled_from(options), min_size=1, max_size=most,
                                                        unique=True))


@st.composite
def filter_sets(draw, database: Database) -> dict:
    """Query parameters, as the filter bar writes them (labels), plus what was meant."""
    kind, start, end = draw(periods(database.first, database.last))
    form = "one" if start == end and draw(st.booleans()) else draw(st.sampled_from(["two", "two", "reversed"]))
    values = {"one": [start.isoformat()], "two": [start.isoformat(), end.isoformat()],
              "reversed": [end.isoformat(), start.isoformat()]}[form]
    communes = reference.communes()
    query = {"periode": values}
    chosen = {
        "reseau": draw(_some(list(labels.NETWORKS.values()))),
        "arrondissement": draw(_some(sorted(set(communes["arrondissement"])), 1)),
        "commune": draw(_some(sorted(communes["name_fr"]), 3)),
        "niveau": draw(_some(reference.frame("ref_care_levels")["label_fr"].to_list())),
        "format": draw(_some(reference.frame("ref_formats")["label_fr"].to_list(), 1)),
        "lieu": draw(_some(reference.frame("ref_settings")["label_fr"].to_list())),
    }
    query.update({k: v for k, v in chosen.items() if v})
    if draw(st.booleans()):
        query["comparaison"] = "Un an avant"
    if draw(st.integers(0, 4)) == 0:
        query["public"] = "true"
    return {"kind": kind, "start": start, "end": end, "query": query}


# ---- what every render must satisfy ------------------------------------------------------------------

def blank_charts(at) -> list[str]:
    """Charts with neither a data point nor the "no data" annotation."""
    blank = []
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        points = any(isinstance(trace.get(k), (list, dict, str)) and len(trace.get(k)) > 0
                     for trace in spec.get("data", []) for k in ("x", "y", "z", "values", "locations", "lat", "r"))
        annotated = any(a.get("text") for a in spec.get("layout", {}).get("annotations", []))
        if not points and not annotated:
            blank.append(chart.proto.id)
    return blank


def messages(at) -> list[str]:
    """The page's own info and warning messages in the main area (not the filter bar's link notices)."""
    return [e.value for e in list(at.main.info) + list(at.main.warning) if e.proto.icon != NOTICE_ICON]


def check_render(at, where: str, *, no_sessions: bool = False) -> None:
    assert not at.exception, f"{where}: {[e.message for e in at.exception]}"
    assert at.title, f"{where}: no title"
    assert not blank_charts(at), f"{where}: blank chart {blank_charts(at)}"
    for error in at.error:
        assert "Traceback" not in error.value and "Error" not in error.value, f"{where}: {error.value}"
    if no_sessions:
        assert messages(at), f"{where}: no session and no message"


def check_report(database: Database, filters: Filters, formats=("html", "xlsx")) -> None:
    con = db.connect(database.path, read_only=True)
    try:
        built = report.build(metrics.runner(con), filters)
    finally:
        con.close()
    assert built.sections and built.key_figures
    for fmt in formats:
        data = report.render(built, fmt)
        if fmt == "html":
            text = data.decode("utf-8")
            assert "Traceback" not in text and "<h1" in text
        elif fmt == "xlsx":
            book = openpyxl.load_workbook(io.BytesIO(data))
            assert book.sheetnames
        else:
            assert data.startswith(b"%PDF")


def sessions_under(database: Database, filters: Filters, honoured=FILTER_LISTS) -> int:
    """Sessions under the filters a page honours (the others left open)."""
    filters = replace(filters, **{name: () for name in FILTER_LISTS if name not in honoured})
    con = db.connect(database.path, read_only=True)
    try:
        return metrics.activity(metrics.runner(con), filters)["sessions"]
    finally:
        con.close()


def open_app(database: Database, query: dict) -> AppTest:
    os.environ["PSYNAM_DB"] = str(database.path)  # restored by the `restore_db_env` fixture
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    return at


@pytest.fixture
def restore_db_env():
    before = os.environ.get("PSYNAM_DB")
    yield
    if before is None:
        os.environ.pop("PSYNAM_DB", None)
    else:
        os.environ["PSYNAM_DB"] = before


SETTINGS = dict(deadline=None, derandomize=not RANDOM, database=None, print_blob=True,
                # PSYNAM_PROPERTY_SHRINK=0: report the first failing filter set as drawn (a page render costs
                # seconds; shrinking one can take minutes)
                phases=[p for p in Phase if p != Phase.shrink or os.environ.get("PSYNAM_PROPERTY_SHRINK") != "0"],
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                       HealthCheck.data_too_large])


def render_everything(database: Database, query: dict, asked: tuple[date, date]) -> None:
    """Open the link, check the period it reopens, render every page and the report."""
    at = open_app(database, query)
    check_render(at, "app.py")
    filters = at.session_state["filters"]
    assert (filters.date_from, filters.date_to) == asked, "the link did not reopen its period"
    for page, key in PAGES:
        at.switch_page(page).run()
        empty = page in SESSION_PAGES and sessions_under(database, filters, SESSION_PAGES[page]) == 0
        for tab in each_tab(at, key):  # every tab: only the open one runs
            check_render(at, f"{page} {tab or ''} {query}", no_sessions=empty)
    check_report(database, filters)


@settings(max_examples=EXAMPLES, **SETTINGS)
@given(data=st.data())
def test_every_page_and_the_report_render_any_filter_set(databases, restore_db_env, data):
    database = databases[data.draw(st.sampled_from(["sample", "tiny"]), label="database")]
    case = data.draw(filter_sets(database), label="filter set")
    render_everything(database, case["query"], tuple(sorted((case["start"], case["end"]))))


@pytest.mark.parametrize("name,query,asked", [
    # issue 11's cases on the sample: a Sunday, a month after the data, before the programme, one day
    ("sample", {"periode": ["2025-03-16"]}, (date(2025, 3, 16), date(2025, 3, 16))),
    ("sample", {"periode": ["2026-11-01", "2026-11-30"]}, (date(2026, 11, 1), date(2026, 11, 30))),
    ("sample", {"periode": ["2016-01-01", "2021-08-31"]}, (date(2016, 1, 1), date(2021, 8, 31))),
    ("sample", {"periode": ["2025-05-16", "2025-05-16"], "comparaison": "Un an avant"},
     (date(2025, 5, 16), date(2025, 5, 16))),
    # found by the property test: no session in Dinant, yet the south page (all communes) has some
    ("tiny", {"periode": ["2024-04-21", "2024-01-21"], "reseau": ["RSK (enfants et adolescents)", "RSN (adultes)"],
              "arrondissement": ["Dinant"], "comparaison": "Un an avant"}, (date(2024, 1, 21), date(2024, 4, 21))),
])
def test_every_page_and_the_report_render_the_named_cases(databases, restore_db_env, name, query, asked):
    render_everything(databases[name], query, asked)


@settings(max_examples=PDF_EXAMPLES, **SETTINGS)
@given(data=st.data())
def test_the_report_prints_any_period(databases, data):
    """The PDF goes through Chromium (seconds each): fewer filter sets, period and network only."""
    database = databases["sample"]
    _kind, start, end = data.draw(periods(database.first, database.last), label="period")
    networks = data.draw(_some(["RSN", "RSK"], 1), label="networks")
    check_report(database, Filters(start, end, networks=networks), formats=("pdf",))
