"""One privacy rule for every consumer. For filter sets that make counts small on the tiny fixture (a year,
a month, a single day, RSK only), every output that leaves the coordinator's screen hides exactly the cells
the page views publish hidden: the committee report's charts and its Excel workbook (the HTML, the PDF and
the slides draw the same charts), and every CSV download of every page in public mode. The expected cells
come from views built here, independently of the outputs, so an output that re-declares, re-publishes or
publishes a table of its own fails."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from functools import partial

import openpyxl
import pytest
from streamlit.testing.v1 import AppTest

from psynam import ROOT, blocks, db, report, views
from psynam.filters import Filters
from psynam.views.catalogue import PAGE_VIEWS
from tests.conftest import each_tab
from tests.pages.conftest import download, downloads  # noqa: F401  (the fixture)

MARKS = ("< 5", "masqué")
FILTER_SETS = {
    "year": Filters(date(2024, 1, 1), date(2024, 12, 31)),
    "month": Filters(date(2024, 3, 1), date(2024, 3, 31)),
    "day": Filters(date(2024, 3, 12), date(2024, 3, 12)),
    "rsk": Filters(date(2024, 1, 1), date(2024, 12, 31), networks=("RSK",)),
}


def expected_result(source, filters: Filters, result: views.Result) -> views.Result:
    """The same result from a page view built afresh for the filters, showing the same rows (a part of a
    whole is published from the whole)."""
    for view_class in PAGE_VIEWS:
        view = view_class(source, filters)
        for attr in view_class.result_attributes():
            other = getattr(view, attr)
            if isinstance(other, views.Result) and other.name == result.name and other.whole.equals(result.whole):
                return replace(other, rows=result.rows)
    raise AssertionError(f"{result.name}: no page view publishes these rows")


def hidden_cells(published, columns) -> set[tuple[int, str]]:
    return {(i, c.header) for c in columns for i in range(published.frame.height) if published.mark(c.name, i)}


def hidden_in_rows(rows: list[list], headers: list[str]) -> set[tuple[int, str]]:
    return {(i, h) for i, row in enumerate(rows) for h, v in zip(headers, row) if v in MARKS}


@pytest.fixture
def source(tiny_con) -> views.Source:
    return views.Source(partial(db.run, tiny_con))


@pytest.mark.parametrize("name", list(FILTER_SETS))
def test_the_report_and_its_workbook_hide_what_the_views_hide(source, tiny_con, name):
    filters = FILTER_SETS[name]
    built = report.build(partial(db.run, tiny_con), filters)
    book = openpyxl.load_workbook(io.BytesIO(report.render(built, "xlsx")), read_only=True)
    sheets = book.worksheets[1:1 + len(built.charts)]  # after the key figures, one sheet per chart
    assert len(sheets) == len(built.charts)
    hidden_somewhere = 0
    for chart, sheet in zip(built.charts, sheets):
        expected = expected_result(source, filters.public(), chart.result)
        want = hidden_cells(expected.published(), chart.columns)
        assert hidden_cells(chart.published, chart.columns) == want, chart.key
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert hidden_in_rows(rows[1:], [str(h) for h in rows[0]]) == want, f"{chart.key}: the workbook's sheet"
        hidden_somewhere += len(want)
    if name != "year":
        assert hidden_somewhere, "a small filter set on the tiny fixture hides something"


class Recorder:
    """blocks.downloads, recording the result and columns of each download key a page offers."""

    def __init__(self):
        self.seen: dict[str, tuple[views.Result, list]] = {}
        self.original = blocks.downloads

    def __call__(self, key, result, title, definition, *, build=None, subset=None):
        self.seen[key] = (result, result.columns(subset))
        return self.original(key, result, title, definition, build=build, subset=subset)


@pytest.mark.parametrize("name", ["month", "rsk"])
def test_every_public_csv_download_hides_what_the_views_hide(source, tiny_db, monkeypatch, downloads, name):  # noqa: F811
    filters = FILTER_SETS[name]
    recorder = Recorder()
    monkeypatch.setattr(blocks, "downloads", recorder)
    monkeypatch.setenv("PSYNAM_DB", str(tiny_db))
    from app import PAGES
    checked = hidden_total = 0
    for file, key, _path, _icon in PAGES:
        if key in ("imports", "report", "audit", "glossary"):
            continue
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        at.query_params["periode"] = [filters.date_from.isoformat(), filters.date_to.isoformat()]
        at.query_params["public"] = "true"
        if filters.networks:
            at.query_params["reseau"] = "RSK (enfants et adolescents)"
        at.run()
        recorder.seen.clear()
        at.switch_page(file).run()
        for _tab in each_tab(at, key):  # every tab: only the open one runs and offers its files
            assert not at.exception, (key, at.exception)
            for download_key, (result, columns) in recorder.seen.items():
                text = download(at, downloads, f"{download_key}_csv").decode("utf-8").lstrip("\ufeff")
                rows = list(csv.reader(io.StringIO(text), delimiter=";"))
                expected = expected_result(source, filters, result)
                want = hidden_cells(expected.published(), columns)
                assert hidden_in_rows(rows[1:], rows[0]) == want, f"{key}/{download_key}"
                checked += 1
                hidden_total += len(want)
            recorder.seen.clear()
    assert checked >= 10 and hidden_total, (checked, hidden_total)
