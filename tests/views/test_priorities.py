"""The priorities view (Aînés et petite enfance) and its chart builders, headless, on the tiny fixture and
on small hand-made tables. The query figures are worked out in tests/queries/test_priorities.py; here: what
each result publishes, and that a hidden cell is drawn as a mark, never as a value.

Tiny fixture, 2024 (see tests/queries/test_priorities.py): 5 patients, 1 aged 65+ (PA, Namur) and 1 aged
0-2 (PC, Philippeville); 10 sessions, 5 elderly and 4 early-childhood ones; partners PA2 (nursing home, 1
session) and PA3 (early childhood, 1 session, 1 clairvision); tagged groups S09 (aines, 8 participants)
and S06 (perinatalite, 6), clairvisions CV1 (aines, 20) and CV2 (petite_enfance, 12).
"""

from datetime import date
from functools import partial
from itertools import product

import polars as pl
import pytest

from psynam import db, views
from psynam.charts import priorities as charts
from psynam.filters import Filters
from psynam.views import Result
from psynam.views.priorities import Priorities, column, with_area_labels
from tests.conftest import load_tiny_with

Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def view(source) -> Priorities:
    return Priorities(source, Y2024)


# ---- the figures and what they publish ---------------------------------------------------------------

def test_kpis_side_by_side_and_against_the_previous_period(view):
    kpis = view.kpis
    assert (kpis.value("patients"), kpis.value("sessions")) == (5, 10)
    assert (kpis.value("elderly_patients"), kpis.value("elderly_sessions")) == (1, 5)
    assert kpis.value(column("petite_enfance", "sessions")) == 4
    assert kpis.value("elderly_sessions_pct") == pytest.approx(50.0)
    assert view.has_sessions
    assert view.before.filters == Y2024.comparison()  # the calendar year before
    assert view.before.kpis.value("sessions") == 1  # 2023: one session (PA, 69, in Namur)
    assert not Priorities(view.source, Filters(date(2022, 1, 1), date(2022, 1, 31))).has_sessions


def test_kpis_publish_shares_only_when_part_whole_and_rest_are_published(view):
    published = view.kpis.published()
    assert published.mark("elderly_patients", 0) == "< 5"                # 1 patient
    assert published.mark("elderly_patients_pct", 0) == "masqué"
    assert published.frame["elderly_sessions_pct"][0] == pytest.approx(50.0)  # 5 of 10, rest 5
    assert published.mark("early_childhood_sessions", 0) == "< 5"        # 4 sessions
    assert published.mark("early_childhood_sessions_pct", 0) == "masqué"
    assert published.mark("elderly_reach_per_1000", 0) == "masqué"      # 1 resident
    assert published.frame["elderly_population_pct"][0] == pytest.approx(100 * 93_751 / 495_832)  # public


def kpi_row(patients: int, elderly: int) -> pl.DataFrame:
    """A priority_kpis row with enough of everything but the elderly patients."""
    row = {name: 100 for name in ("sessions", "elderly_sessions", "elderly_residents", "early_childhood_sessions",
                                  "early_childhood_residents")}
    row |= {"sessions": 400, "patients": patients, "elderly_patients": elderly, "early_childhood_patients": 50,
            "population": 495_832, "elderly_population": 93_751, "early_childhood_population": 14_550}
    frame = pl.DataFrame([row])
    for prefix in ("elderly", "early_childhood"):
        frame = frame.with_columns(
            (100.0 * pl.col(f"{prefix}_patients") / pl.col("patients")).alias(f"{prefix}_patients_pct"),
            (100.0 * pl.col(f"{prefix}_sessions") / pl.col("sessions")).alias(f"{prefix}_sessions_pct"),
            (100.0 * pl.col(f"{prefix}_population") / pl.col("population")).alias(f"{prefix}_population_pct"),
            (1000.0 * pl.col(f"{prefix}_residents") / pl.col(f"{prefix}_population")).alias(f"{prefix}_reach_per_1000"))
    return frame


@pytest.mark.parametrize(("patients", "elderly", "hidden"), [(20, 17, True), (20, 15, False), (200, 17, False)])
def test_elderly_share_hides_when_the_rest_is_small(patients, elderly, hidden):
    # 17 aged 65+ of 20: the 85 % would give back the 3 others, so the share is hidden as on the Overview
    published = Result.of("priorities/priority_kpis", kpi_row(patients, elderly)).published()
    assert (published.mark("elderly_patients_pct", 0) == "masqué") is hidden
    shown = (published.frame["elderly_patients"][0], published.frame["patients"][0])
    if hidden:  # and the part or the whole goes with it, or their difference would give the 3 back
        assert None in shown
    else:
        assert shown == (elderly, patients)


def test_reach_rows_are_labelled_and_summed_by_their_parent(view):
    frame = view.reach.frame
    assert frame["member_label"].to_list() == ["Nord", "Namur", "Sud", "Dinant", "Philippeville", "Sélection entière"]
    assert frame["zone_label"].to_list() == ["Zones", "Nord", "Zones", "Sud", "Sud", "Zones"]
    assert frame["parent_label"].to_list() == ["Sélection entière", "Nord", "Sélection entière", "Sud", "Sud", None]
    published = view.reach_of("petite_enfance").published()
    by_name = dict(zip(frame["member_label"], range(frame.height)))
    # PC (1, Philippeville): Philippeville, Sud and the whole selection are 1; Dinant's 0 is published
    for name in ("Philippeville", "Sud", "Sélection entière"):
        assert published.mark("early_childhood_patients", by_name[name]) == "< 5"
        assert published.mark("early_childhood_reach_per_1000", by_name[name]) == "masqué"
    assert published.frame["early_childhood_patients"][by_name["Dinant"]] == 0
    assert view.reach_of("aines").title == "Portée auprès des 65 ans et plus par arrondissement"


def test_arrondissements_are_the_reach_rows_with_the_whole_tables_marks(view):
    rows = view.arrondissements("petite_enfance")
    assert rows.frame["area"].to_list() == ["Dinant", "Namur", "Philippeville"]
    published = rows.published()
    assert published.column_marks("early_childhood_reach_per_1000") == [None, None, "masqué"]
    assert published.frame["early_childhood_reach_per_1000"].to_list()[:2] == [0.0, 0.0]


def reach_frame(nord, namur, sud, dinant, philippeville, total) -> pl.DataFrame:
    """A reach_by_arrondissement frame with these elderly residents (no early-childhood ones)."""
    patients = [nord, namur, sud, dinant, philippeville, total]
    population = [100, 100, 200, 120, 80, 300]
    return with_area_labels(pl.DataFrame({
        "level": ["zone", "arrondissement", "zone", "arrondissement", "arrondissement", "total"],
        "area": ["nord", "Namur", "sud", "Dinant", "Philippeville", "total"],
        "zone": ["nord", "nord", "sud", "sud", "sud", None],
        "parent_area": ["total", "nord", "total", "sud", "sud", None],
        "sort_order": [100, 101, 200, 201, 201, 301],
        "elderly_patients": patients, "elderly_population": population,
        "early_childhood_patients": [0] * 6, "early_childhood_population": population,
    }).with_columns(elderly_reach_per_1000=1000.0 * pl.col("elderly_patients") / pl.col("elderly_population"),
                    early_childhood_reach_per_1000=pl.lit(0.0)))


def solutions(published, members: list[str]) -> set[tuple]:
    """Every (Namur, Dinant, Philippeville) an outsider could infer from the published table, knowing
    Nord = Namur, Sud = Dinant + Philippeville, selection = Nord + Sud, and `< 5` in 1..4."""
    cell = {m: published.cell("elderly_patients", i) for i, m in enumerate(members)}

    def allowed(mark, value):
        return {"< 5": 1 <= value <= 4, "masqué": True}.get(mark, mark == value)

    return {(a, b, c) for a, b, c in product(range(25), repeat=3)
            if allowed(cell["Namur"], a) and allowed(cell["Dinant"], b) and allowed(cell["Philippeville"], c)
            and allowed(cell["Nord"], a) and allowed(cell["Sud"], b + c) and allowed(cell["Sélection entière"], a + b + c)}


@pytest.mark.parametrize("patients", [
    (6, 6, 8, 7, 1, 14),   # Philippeville small: Sud - Dinant would give it back
    (3, 3, 8, 7, 1, 11),   # Nord small too: the selection - Sud would give it back
    (9, 9, 6, 5, 1, 15),
    (2, 2, 9, 8, 1, 11),
    (22, 22, 6, 1, 5, 28),  # the sample's 0-2 year olds in 2024: Dinant 1 under a south of 6
    (22, 22, 9, 1, 8, 31),
])
def test_reach_suppression_protects_zone_and_selection_totals(patients):
    frame = reach_frame(*patients)
    published = Result.of("priorities/reach", frame).published()
    found = solutions(published, frame["member_label"].to_list())
    namur, dinant, philippeville = patients[1], patients[3], patients[4]
    assert (namur, dinant, philippeville) in found
    for position, value in enumerate((namur, dinant, philippeville)):
        if 0 < value < 5:  # a small count must not be pinned to one value
            assert len({s[position] for s in found}) > 1
    # a rate derived from a hidden count is hidden too
    hidden = {i for i, m in enumerate(published.column_marks("elderly_patients")) if m}
    assert {i for i, v in enumerate(published.frame["elderly_reach_per_1000"]) if v is None} == hidden


@pytest.fixture(scope="module")
def outside_source(tmp_path_factory):
    """The tiny export plus a child of 1 living in Liège, seen in Namur."""
    path = tmp_path_factory.mktemp("outside") / "outside.duckdb"
    load_tiny_with(path, [
        ("X01", "2024-05-06", "RSK", "PSY2", "premiere_ligne", "individuel", "cabinet", "PZ", 1,
         "62063", "92094", 83, 0)])
    con = db.connect(path, read_only=True)
    yield views.Source(partial(db.run, con))
    con.close()


def test_residents_outside_the_province_are_a_row_apart(view, outside_source):
    assert view.outside("aines") is None and view.outside("petite_enfance") is None
    moved = Priorities(outside_source, Y2024)
    assert moved.outside("aines") is None  # the row is there for the children only
    row = moved.outside("petite_enfance")
    assert row.value("early_childhood_patients") == 1 and row.value("early_childhood_population") is None
    assert row.shown("early_childhood_patients", public=True) == "< 5"
    # outside the selection's total: the whole selection still counts PC only
    total = moved.reach.where(pl.col("level") == "total")
    assert total.value("early_childhood_patients") == 1


def test_partners_and_their_totals(view):
    aines = view.partners_of("aines")
    assert aines.frame["partner_id"].to_list() == ["PA2"]
    assert aines.published().column_marks("sessions") == ["< 5"]
    assert aines.title == "Activité par maison de repos partenaire"
    totals = view.partner_totals
    assert [totals.value(column("aines", c)) for c in
            ("partners", "partners_active", "partner_sessions", "partner_clairvisions")] == [1, 1, 1, 0]
    assert [totals.value(column("petite_enfance", c)) for c in
            ("partners", "partners_active", "partner_sessions", "partner_clairvisions")] == [1, 1, 1, 1]
    published = totals.published()
    assert published.frame["elderly_partners"][0] == 1                  # organisations: never hidden
    assert published.mark("elderly_partner_sessions", 0) == "< 5"


def test_tagged_groups_publish_participants_apart_from_the_sessions(view):
    tagged = view.tagged
    assert [tagged.value(f"elderly_{c}") for c in ("group_sessions", "group_participations", "clairvisions",
                                                   "clairvision_participants")] == [1, 8, 1, 20]
    published = tagged.published()
    assert published.mark("elderly_group_sessions", 0) == "< 5"
    assert published.frame["elderly_group_participations"][0] == 8


def test_trend_names_its_quarters_and_hides_small_quarters(view):
    trend = view.trend_of("aines")
    assert trend.frame["quarter_label"].to_list() == ["T1 2024", "T2 2024", "T3 2024", "T4 2024"]
    assert trend.frame["elderly_sessions"].to_list() == [2, 2, 0, 1]
    published = trend.published()
    assert published.column_marks("sessions") == ["< 5"] * 4
    assert published.column_marks("elderly_sessions") == ["< 5", "< 5", None, "< 5"]
    assert set(published.column_marks("elderly_sessions_pct")) == {"masqué"}
    assert [c.header for c in trend.columns("aines")] == [
        "Trimestre", "Premier jour du trimestre", "Toutes les séances", "Séances aînés", "Part des séances"]
    assert set(view.milestones["kind"]) == {"programme"}


def test_rests_on_few_looks_at_the_priority_columns_only(view):
    row = {name: 5 for name in views.declarations.load("priorities/tagged_groups_and_clairvisions").names}
    row["early_childhood_clairvisions"] = 2
    tagged = Result.of("priorities/tagged_groups_and_clairvisions", pl.DataFrame([row]))
    assert not view.rests_on_few(tagged, "aines")
    assert view.rests_on_few(tagged, "petite_enfance")
    assert view.rests_on_few(view.kpis, "aines") and view.small_count_threshold == 5


# ---- the charts: a hidden cell is a mark, never a value --------------------------------------------

def mark_texts(fig) -> list[str]:
    texts = [t for trace in fig.data if trace.type == "scatter" and trace.mode == "text" for t in trace.text]
    return texts + [a.text for a in fig.layout.annotations if a.text in ("< 5", "masqué")]


def test_reach_chart_draws_hidden_rates_as_marks_not_zero():
    # Dinant's 1 is hidden, and Philippeville with it (the south's 9 would give it back)
    published = Result.of("priorities/reach", reach_frame(22, 22, 9, 1, 8, 31)).published()
    fig = charts.reach_by_area(published, priority="aines")
    bars = fig.data[0]
    assert list(bars.y) == ["Nord — ensemble", "Namur", "Sud — ensemble", "Dinant", "Philippeville"]
    hidden = [name for name, x in zip(bars.y, bars.x) if x is None]
    assert hidden == ["Dinant", "Philippeville"]               # no bar at all, not a 0
    marks = next(t for t in fig.data if t.type == "scatter" and t.mode == "text")
    assert list(marks.y) == hidden and list(marks.text) == ["masqué", "masqué"] and set(marks.x) == {0}
    assert [t for t in bars.text if t] == ["220,00", "220,00", "45,00"]   # no 0,00 for the hidden
    assert any(t.name == "Sélection entière : 103,33" for t in fig.data)


def test_reach_chart_names_a_hidden_total_in_its_legend_without_a_line():
    published = Result.of("priorities/reach", reach_frame(0, 0, 1, 1, 0, 1)).published()
    fig = charts.reach_by_area(published, priority="aines")
    assert any(t.name == "Sélection entière : masqué" for t in fig.data)
    assert not fig.layout.shapes                                # no line where the total would be read
    assert list(fig.data[0].x) == [0.0, 0.0, None, None, 0.0]   # Nord, Namur and Philippeville are zeros


def test_reach_chart_without_any_published_rate_shows_no_numbers_on_its_axis():
    published = Result.of("priorities/reach", reach_frame(1, 1, 0, 0, 0, 1)).published()
    only_north = published.take([0, 1])
    fig = charts.reach_by_area(only_north, priority="aines")
    assert list(fig.data[0].x) == [None, None] and fig.layout.xaxis.showticklabels is False


def test_partner_chart_marks_hidden_counts_in_their_panel(view):
    fig = charts.partner_activity(view.partners_of("petite_enfance").published(), priority="petite_enfance")
    bars = [t for t in fig.data if t.type == "bar"]
    assert [list(b.x) for b in bars] == [[None], [None]]        # 1 session, 1 clairvision: both hidden
    marks = [t for t in fig.data if t.type == "scatter"]
    # one mark per panel, at the base of the missing bar: sessions on x, clairvisions on x2
    assert [(m.xaxis, list(m.x), list(m.text)) for m in marks] == [("x", [0], ["< 5"]), ("x2", [0], ["< 5"])]
    assert [a.text for a in fig.layout.annotations] == ["Séances chez le partenaire", "Clairvisions chez le partenaire"]


def test_trend_chart_marks_hidden_quarters_and_breaks_the_line(view):
    trend = view.trend_of("aines").published()
    fig = charts.quarterly_trend(trend, view.milestones, priority="aines", population_pct=18.9,
                                 period=(Y2024.date_from, Y2024.date_to))
    bars = fig.data[0]
    assert list(bars.y) == [None, None, 0, None]               # Q3's 0 is published; the others hidden
    share = next(t for t in fig.data if t.name == "Part des séances")
    assert all(v is None for v in share.y)
    # one mark per hidden quarter, at the bar's base: Q3's hidden share has its own mark (its bar is 0)
    assert sorted(mark_texts(fig)) == ["< 5", "< 5", "< 5", "masqué"]
    assert list(fig.layout.xaxis.ticktext) == ["T1 2024", "T2 2024", "T3 2024", "T4 2024"]


@pytest.mark.parametrize(("name", "build"), [
    ("reach", lambda t: charts.reach_by_area(t, priority="aines")),
    ("partners", lambda t: charts.partner_activity(t, priority="aines")),
    ("trend", lambda t: charts.quarterly_trend(t, pl.DataFrame(schema={"date": pl.Date, "label_fr": pl.String}),
                                               priority="aines", population_pct=None)),
])
def test_builders_draw_an_empty_table(view, name, build):
    fig = build(getattr(view, name).where(pl.lit(False)).published())
    assert fig.layout.annotations[0].text == "Pas de données pour ces filtres"
