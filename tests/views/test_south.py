"""The south view on the tiny fixture (2024), headless. The figures are worked out in
tests/queries/test_south.py's docstring: patients residing Namur 1 (PA), Andenne 1 (PE), Dinant 1 (PB),
Philippeville 1 (PC), Liège 1 (PD, outside); sessions delivered: arrondissement of Namur 4 (the north),
Dinant 2, Philippeville 3, so the south 5 and the province 9; S07 in Liège.

What leaves the coordinator's screen (threshold 5): every patient count is 1 to 4, so hidden; so is the
province's 4, against which every coverage index is read."""

from datetime import date

import polars as pl
import pytest

from psynam import db, views
from psynam.filters import Filters
from psynam.privacy import Published
from psynam.views.south import Anchored, South, hide_columns

Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))
PHILIPPEVILLE = Filters(date(2024, 1, 1), date(2024, 12, 31), arrondissements=["Philippeville"])


@pytest.fixture
def view(source):
    return South(source, Y2024)


def marks(result, column) -> dict:
    table = result.published()
    key = "area" if "area" in table.frame.columns else "nis"
    return dict(zip(table.frame[key], table.column_marks(column)))


# ---- areas ---------------------------------------------------------------------------------------

def test_areas_carry_their_french_names_and_the_row_that_sums_them(view):
    rows = {r["area"]: r for r in view.areas.frame.iter_rows(named=True)}
    assert list(rows) == ["Dinant", "Namur", "Philippeville", "north", "south", "province"]
    assert rows["Dinant"]["area_label"] == "Arr. de Dinant"
    assert rows["Dinant"]["parent_label"] == rows["Philippeville"]["parent_label"] == "Sud (Dinant, Philippeville)"
    assert rows["north"]["area_label"] == "Nord (arr. de Namur)" and rows["north"]["parent_label"] == "Province"
    assert rows["province"]["parent_label"] is None
    headers = [c.header for c in view.areas.columns()]
    assert headers[0] == "Zone" and "parent_label" not in headers and "area" not in headers
    # what lies outside the province is a result of its own: PD (Liège) and S07
    assert view.outside.frame.select("area_label", "patients", "sessions").rows() == [("Hors province", 1, 1)]


def test_no_zone_or_province_figure_gives_a_hidden_area_back(view, source):
    sessions = marks(view.areas, "sessions")
    # Dinant 2, Philippeville 3, the north (= the arrondissement of Namur) 4: small. The south's 5 is no
    # small count, but beside the province's 9 it gives the north's 4 back: the province is complemented
    # (published with its network variants, RSN 6 + RSK 3); the south's 5 leaves Dinant and Philippeville
    # anywhere in 1..4.
    assert sessions == {"Dinant": "< 5", "Namur": "< 5", "Philippeville": "< 5", "north": "< 5",
                        "south": None, "province": "masqué"}
    assert view.areas.value("sessions", 5) == 9  # the exact figure stays on the coordinator's screen
    assert not [cell for cell in view.areas.published().exposed if cell[0] == "sessions"]
    # RSN: Dinant 2 (S03, S04), Philippeville 0, the north 4 (S01, S02, S08, S09): the province's 6 is
    # published, as the north's and the south's small counts can be 4 + 2, 3 + 3, 2 + 4...
    rsn = marks(South(source, Filters(date(2024, 1, 1), date(2024, 12, 31), networks=["RSN"])).areas, "sessions")
    assert rsn == {"Dinant": "< 5", "Namur": "< 5", "Philippeville": None, "north": "< 5", "south": "< 5",
                   "province": None}


def test_every_coverage_index_is_hidden_with_the_province_patients(view):
    assert view.province_hidden  # the province's 4 patients
    assert set(marks(view.areas, "coverage_index").values()) == {"masqué"}
    published = view.coverage.published()
    assert set(published.column_marks("coverage_index")) == {"masqué"}
    # Gembloux has no patient, and the patients it lacks (province reach x 26 141 / 1 000) would give the
    # province's 4 back. On the tiny fixture the whole commune table goes: its five patients, each "< 5"
    # (at least 1) under a known province total, would all be pinned, so nothing of it is published.
    assert published.refused
    gembloux = view.commune("92142")
    assert gembloux.shown("patients", public=True) == "masqué"
    assert gembloux.shown("patients_gap", public=True) == "masqué"
    assert gembloux.value("patients_gap") == pytest.approx(4 / 495_832 * 26_141)


def test_a_published_province_leaves_the_coverage_of_communes_without_patients(tiny_con):
    # The same data, with the areas' patients read as ten times more (the province 40, each zone 20): the
    # province's count is published, so a commune without patients shows its coverage index (0) and the
    # patients it lacks; the communes' own small counts keep their marks.
    tenfold = {"Dinant": 10, "Philippeville": 10, "Namur": 20, "north": 20, "south": 20, "province": 40}

    def run(name, **params):
        frame = db.run(tiny_con, name, **params)
        if name == "south/reach_by_area":
            frame = frame.with_columns(patients=pl.col("area").replace_strict(tenfold, default=pl.col("patients"),
                                                                              return_dtype=pl.Int64))
        if name == "south/coverage_by_commune":  # the communes' patients tenfold too, but Dinant's 1, with
            # 10 in Anhée (arrondissement of Dinant): a complement there keeps Dinant's 1 from its
            # arrondissement's total
            frame = frame.with_columns(patients=pl.when(pl.col("nis") == "91034").then(pl.col("patients"))
                                       .when(pl.col("nis") == "91005").then(10).otherwise(pl.col("patients") * 10))
        return frame
    view = South(views.Source(run), Y2024)
    assert not view.province_hidden
    gembloux = view.commune("92142")
    assert gembloux.shown("coverage_index", public=True) == 0
    assert gembloux.shown("patients_gap", public=True) == pytest.approx(4 / 495_832 * 26_141)
    assert view.commune("91034").shown("coverage_index", public=True) == "masqué"  # Dinant's 1 patient


def test_arrondissements_province_and_outside_for_the_report_and_the_notes(view):
    assert view.arrondissements.frame["area"].to_list() == ["Dinant", "Namur", "Philippeville"]
    assert [c.header for c in view.arrondissements.columns("reach")] == [
        "Zone", "Population", "Patients résidents", "Patients pour 1 000 habitants"]
    assert view.province.value("reach_per_1000") == pytest.approx(4 / 495_832 * 1000)
    assert view.province.shown("reach_per_1000", public=True) == "masqué"
    outside = view.outside_province
    assert (outside.value("patients"), outside.value("sessions")) == (1, 1)
    assert outside.shown("patients", public=True) == "< 5" and outside.shown("sessions", public=True) == "< 5"
    assert view.unknown_commune.is_empty  # every session of the fixture has a commune
    assert view.has_sessions and not South(view.source, Filters(date(2022, 1, 1), date(2022, 1, 31))).has_sessions


# ---- communes ------------------------------------------------------------------------------------

def test_every_commune_chart_hides_the_cells_the_map_hides(view):
    whole = view.coverage.published()
    row_of = {n: i for i, n in enumerate(whole.frame["nis"])}
    for part in (view.offer_vs_reach, view.coverage_gaps, view.without_offer, view.commune("91034")):
        shown = part.published()
        for i, nis in enumerate(shown.frame["nis"]):
            for col in ("patients", "sessions", "reach_per_1000", "offer_per_10000", "coverage_index"):
                assert shown.mark(col, i) == whole.mark(col, row_of[nis]), (part.title, nis, col)


def test_coverage_gaps_lowest_first_then_most_populous(view):
    # the 34 communes without patients (index 0) are the gaps; Namur (1,11) and the other three are above
    gaps = view.coverage_gaps.frame
    assert gaps.height == 12 and set(gaps["coverage_index"]) == {0.0}
    assert gaps["name_fr"].to_list()[:3] == ["Sambreville", "Gembloux", "Jemeppe-sur-Sambre"]
    assert not {"92094", "92003", "91034", "93056"} & set(gaps["nis"])
    assert view.coverage_gaps.title == "Plus grandes lacunes de couverture"


def test_communes_without_offer_and_their_summary(view, source):
    assert view.without_offer.frame.height == 34
    assert view.without_offer.frame["name_fr"][0] == "Sambreville"  # 28 372 inhabitants, the largest
    summary = view.no_offer_summary
    # 495 832 − (111 432 + 27 573 + 13 374 + 9 201) = 334 252 inhabitants
    assert (summary.value("communes"), summary.value("population")) == (34, 334_252)
    assert summary.value("population_pct") == pytest.approx(100 * 334_252 / 495_832)
    # the arrondissement of Philippeville: 7 communes, all but Philippeville without offer
    south = South(source, PHILIPPEVILLE)
    assert len(south.selected) == 7 and "93056" in south.selected and view.selected is None
    assert south.offer_vs_reach.frame.height == 7
    assert south.no_offer_summary.value("communes") == 6
    assert south.no_offer_summary.value("population") == 66_315 - 9_201
    assert south.no_offer_summary.value("population_pct") == pytest.approx(100 * 57_114 / 66_315)


def test_commune_by_month_is_titled_with_its_commune(view):
    monthly = view.commune_by_month("93056")
    assert monthly.title == "La commune mois par mois — Philippeville"
    # S05 (July, PC), S06 (August, a group: no patient), S10 (December, PC)
    assert monthly.frame.select("sessions", "patients").rows() == [(1, 1), (1, 0), (1, 1)]
    assert monthly.published().column_marks("patients") == ["< 5", None, "< 5"]  # a zero is published


# ---- the south's share ---------------------------------------------------------------------------

def test_monthly_share_hides_a_month_whose_north_is_small(view):
    share = view.south_share_by_month.published()
    # every month has one or two sessions in the province: every share is hidden; and nine months of
    # "< 5" (at least 1 each) under the period's 9 published on the card would pin every month at 1, so
    # the table is not published at all (a south of 0 included: no mark says which months are small)
    assert set(share.column_marks("south_sessions_pct")) == {"masqué"}
    january = share.frame["month"].to_list().index(date(2024, 1, 1))
    assert share.refused and share.cell("south_sessions", january) == "masqué"
    assert "__rest_of_south_sessions_pct" not in share.frame.columns


def test_the_period_share_for_the_report(view):
    assert view.share.value("south_sessions_pct") == pytest.approx(500 / 9)
    # 5 of 9: the share would give the north's 4 back
    assert view.share.shown("south_sessions_pct", public=True) == "masqué"
    assert view.before.filters == Y2024.comparison()  # the calendar year before
    assert view.before.share.value("province_sessions") == 1  # S11, Namur, 31/12/2023


# ---- the core candidate ----------------------------------------------------------------------------

def test_hidden_columns_keep_their_marks_and_empty_cells():
    table = Published(pl.DataFrame({"a": [1.0, None, 3.0]}), {"a": [None, None, "< 5"]})
    hidden = hide_columns(table, ["a", "absent"])
    assert hidden.frame["a"].to_list() == [None, None, None]
    assert hidden.column_marks("a") == ["masqué", None, "< 5"]


def test_an_anchored_part_is_sliced_from_its_whole(view):
    part = view.coverage.where(pl.col("nis") == "92142")
    assert isinstance(part, Anchored) and part.published().mark("coverage_index", 0) == "masqué"
    assert part.exact().frame["coverage_index"][0] == 0


# ---- the charts draw a hidden cell as its mark, never as a value ------------------------------------------

def mark_texts(fig) -> list[str]:
    """The marks written by charts.mark_bars (a text trace) and charts.mark_points (annotations)."""
    traces = [t for t in fig.data if t.type == "scatter" and t.mode == "text" and t.text is not None]
    return [m for t in traces for m in t.text] + [a.text for a in fig.layout.annotations if a.textangle == -90]


def test_north_south_draws_hidden_areas_as_labelled_gaps(view):
    from psynam.charts import south as charts
    fig = charts.north_south(view.areas.published(), "reach")
    bars = next(t for t in fig.data if t.type == "bar")
    assert list(bars.x) == ["Nord", "Sud", "Arr. de<br>Dinant", "Arr. de<br>Philippeville"]
    assert list(bars.y) == [None] * 4 and mark_texts(fig) == ["masqué"] * 4  # every reach rests on 1 or 2
    province = next(t for t in fig.data if t.type == "scatter" and (t.name or "").startswith("Province"))
    assert province.name == "Province : masqué" and list(province.y) == [None]  # named, not drawn
    assert fig.layout.xaxis.type == "category"  # the areas stay on the axis, under their marks
    assert not fig.layout.shapes
    exact = charts.north_south(view.areas.exact(), "reach")
    assert next(t for t in exact.data if t.type == "bar").y[1] == pytest.approx(2 / 177_601 * 1000)
    assert exact.layout.shapes[0].y0 == pytest.approx(4 / 495_832 * 1000)  # the province's line


def test_coverage_gaps_and_the_scatter_place_no_hidden_commune(view):
    from psynam.charts import south as charts
    gaps = charts.coverage_gaps(view.coverage_gaps.published())
    bars = next(t for t in gaps.data if t.type == "bar")
    assert list(bars.x) == [None] * 12 and mark_texts(gaps) == ["masqué"] * 12
    assert {c[2] for c in bars.customdata} == {"masqué"}  # the patients missing, in the hover
    scatter = charts.offer_vs_reach(view.offer_vs_reach.published())
    placed = {c[1] for t in scatter.data if t.customdata is not None for c in t.customdata}
    # the tiny fixture's commune table is not published at all (see above): no commune is placed
    assert not placed
    legend = [t.name for t in scatter.data if t.name and t.name.startswith("Non placées")]
    assert legend and legend[0].startswith("Non placées (valeur masquée) : ")


def test_monthly_charts_break_their_lines_at_hidden_months(view):
    from psynam import reference
    from psynam.charts import south as charts
    milestones = reference.frame("ref_milestones")
    share = charts.south_share_by_month(view.south_share_by_month.published(), milestones)
    assert list(share.data[0].y) == [None] * 9 and mark_texts(share) == ["masqué"] * 9
    monthly = charts.commune_by_month(view.commune_by_month("93056").published(), milestones)
    assert list(monthly.data[0].y) == [None] * 3 and list(monthly.data[1].y) == [None, 0, None]
    assert mark_texts(monthly) == ["séances < 5 · patients < 5", "séances < 5", "séances < 5 · patients < 5"]
    # a tick a month over a short period (Plotly's weekly ticks would each read 12/2024), the first month's
    # point half a month clear of the axis
    december = charts.commune_by_month(view.commune_by_month("93056").published(), milestones,
                                       period=(date(2024, 12, 1), date(2024, 12, 31)))
    assert december.layout.xaxis.dtick == "M1" and december.layout.xaxis.range[0] == date(2024, 11, 16)
    assert charts.south_share_by_month(view.south_share_by_month.published(), milestones,
                                       period=(Y2024.date_from, Y2024.date_to)).layout.xaxis.dtick is None


def test_every_builder_gives_a_figure_for_an_empty_table(view):
    from psynam import reference
    from psynam.charts import maps, south as charts
    milestones = reference.frame("ref_milestones")
    empty = lambda result: result.where(pl.lit(False)).published()  # noqa: E731
    for fig in (charts.north_south(empty(view.areas), "reach"), charts.offer_vs_reach(empty(view.coverage)),
                charts.coverage_gaps(empty(view.coverage)), charts.communes_without_offer(empty(view.coverage)),
                charts.south_share_by_month(empty(view.south_share_by_month), milestones),
                charts.commune_by_month(empty(view.commune_by_month("93056")), milestones),
                maps.commune_map(empty(view.coverage), reference.communes(), "reach")):
        assert fig.layout.annotations and not fig.data
