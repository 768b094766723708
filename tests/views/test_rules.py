"""The ceiling-check view headless on the budget fixture (hand computation in tests/queries/test_rules.py):
2024, RSN A 6 and R3 9 sessions (ceiling 8), RSK K1 10 and K2 11 (ceiling 10), K4 20 specialised (max 20);
2023, RSN A 12 (over 8), B 6. And its charts on published tables: hidden bars are marks, never heights."""

from datetime import date
from functools import partial

import polars as pl
import pytest

from psynam import budget, db, reference, views
from psynam.charts import budget as charts
from psynam.filters import Filters
from psynam.views.rules import Rules
from tests.fixtures.budget import budget_con, budget_db  # noqa: F401  (pytest fixtures)

Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def budget_source(budget_con):  # noqa: F811
    return views.Source(partial(db.run, budget_con))


def test_totals_of_the_year(budget_source):
    view = Rules(budget_source, Y2024)
    assert view.years == [2024] and view.selected_year == 2024
    assert view.totals.row() == {"year": 2024, "patients": 5, "patients_at_ceiling": 2, "patients_over_ceiling": 2}
    published = view.totals.published()
    # 5 checked is published; 2 at and 2 over are small counts
    assert (published.mark("patients", 0), published.mark("patients_at_ceiling", 0)) == (None, "< 5")
    assert published.mark("patients_over_ceiling", 0) == "< 5"


def test_the_year_shown_is_chosen_and_defaults_to_the_latest(budget_source):
    view = Rules(budget_source, Filters(date(2023, 7, 1), date(2024, 12, 31)))
    assert view.years == [2023, 2024] and view.selected_year == 2024
    earlier = view.for_year(2023)
    assert earlier.totals.row() == {"year": 2023, "patients": 2, "patients_at_ceiling": 0, "patients_over_ceiling": 1}
    assert set(earlier.year_status.frame["year"]) == {2023} and earlier.year_status.title.endswith("2023")
    assert view.for_year(1999).selected_year == 2024  # a year the period does not touch: the latest


def test_a_year_shown_hides_what_the_whole_result_hides(budget_source):
    view = Rules(budget_source, Filters(date(2023, 7, 1), date(2024, 12, 31)))
    whole = view.distribution.published()
    part = view.year_distribution
    rows = part._indices()["__row"].to_list()
    shown = part.published()
    assert rows and all(shown.mark("patients", i) == whole.mark("patients", r) for i, r in enumerate(rows))


def test_levels_say_what_the_check_groups_each_year(budget_source):
    status = Rules(budget_source, Filters(date(2023, 1, 1), date(2024, 12, 31))).status.frame
    by_year = {(r["year"], r["level_2021"]): r["level_label"] for r in status.iter_rows(named=True)}
    assert by_year[(2023, "premiere_ligne")] == "Première ligne (2021)"  # 2021 codes only
    assert by_year[(2024, "premiere_ligne")] == "Première ligne (codage 2021, soutien, communautaire)"
    assert by_year[(2024, "specialise")] == "Spécialisé (codage 2021, traitement)"


@pytest.mark.parametrize("year, until, expected", [
    (2023, date(2023, 12, 31), {"premiere_ligne": "Première ligne (2021)", "specialise": "Spécialisé (2021)"}),
    (2024, date(2024, 3, 31), {"premiere_ligne": "Première ligne (2021)", "specialise": "Spécialisé (2021)"}),
    (2025, date(2025, 12, 31), {"premiere_ligne": "Première ligne (soutien, communautaire)",
                                "specialise": "Spécialisé (traitement)"}),
])
def test_level_groups_follow_the_codes_in_force(year, until, expected):
    assert budget.level_groups(reference.frame("ref_care_levels"), year, until) == expected


def test_empty_period(source):
    view = Rules(source, Filters(date(2022, 1, 1), date(2022, 1, 31)))
    assert view.years == [] and view.selected_year is None
    assert view.year_status.is_empty and view.totals.row()["patients"] == 0


def test_notes_state_the_rules_from_the_reference_data(budget_source):
    notes = Rules(budget_source, Y2024).notes
    assert any("maximum de 20" in n for n in notes) and any("→" in n for n in notes)


# ---- charts ----------------------------------------------------------------------------------------------

def test_ceiling_chart_marks_hidden_counts_and_draws_no_bar_for_them(budget_source):
    # every count of 2024 is 1 or 2: published, every bar is hidden and shown as its mark
    fig = charts.ceiling_counts(Rules(budget_source, Y2024).year_status.published())
    bars = [t for t in fig.data if t.type == "bar"]
    assert {t.name for t in bars} == {"Au plafond", "Au-delà du plafond"}
    for bar in bars:
        assert all(v is None or v == 0 for v in bar.x)  # 0 is a published count; the rest are hidden
    marks = [m for t in fig.data if t.type == "scatter" and t.mode == "text" for m in t.text]
    assert marks and set(marks) <= {"< 5", "masqué"}
    colours = {t.marker.color for t in bars}
    assert colours.isdisjoint({charts.PALETTE["RSN"], charts.PALETTE["RSK"]})


def test_ceiling_chart_on_the_coordinators_screen_draws_the_counts(budget_source):
    fig = charts.ceiling_counts(Rules(budget_source, Y2024).year_status.exact())
    over = next(t for t in fig.data if t.name == "Au-delà du plafond")
    assert sorted(over.x) == [0, 1, 1]
    assert not [t for t in fig.data if t.type == "scatter"]


def test_histogram_marks_hidden_bars_upright(budget_source):
    fig = charts.sessions_histogram(Rules(budget_source, Y2024).year_distribution.published())
    bars = [t for t in fig.data if t.type == "bar"]
    assert bars and all(v is None for t in bars for v in t.y)
    marks = [a for a in fig.layout.annotations if a.text in ("< 5", "masqué")]
    assert len(marks) == 5 and all(a.textangle == -90 for a in marks)  # 6, 9, 10, 11 and 20 sessions


def test_rule_charts_draw_an_empty_table():
    for build in (charts.ceiling_counts, charts.sessions_histogram):
        assert build(pl.DataFrame()).layout.annotations[0].text
