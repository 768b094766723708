"""The priorities queries (elderly people, early childhood) against the tiny fixture, worked out by hand.

Tiny fixture, year 2024 (tests/fixtures/tiny, see also tests/queries/expected.py):
- patients (first individual session of 2024): PA 70 (S01, Namur 92094), PB 64 (S03; 65 at S04 does not
  make him elderly), PC 1 (S05, Philippeville 93056), PD 16 (Liège 62063), PE 40 (Andenne 92003) = 5.
  Elderly patients: PA = 1 of 5 = 20 %. Patients aged 0-2: PC = 1 of 5 = 20 %.
- elderly sessions (patient 65+ that day, tag `aines`, or partner whose sector has priority `aines`):
  S01, S02 (PA 70), S03 (at PA2, maison_de_repos), S04 (PB is 65 that day), S09 (group, tag aines) = 5 of 10.
- early-childhood sessions (stg is_early_childhood): S05 (age 1), S06 (tag perinatalite, partner PA3
  petite_enfance), S08 (tag petite_enfance), S10 (age 2) = 4 of 10.
- population (data/reference/communes.csv, 38 communes): total 495 832; 65+ 93 751 (18.908 %); 0-2 14 550
  (2.934 %). Arrondissements (total / 0-2 / 65+): Namur 318 231 / 9 460 / 58 642; Dinant 111 286 / 3 253 /
  21 724; Philippeville 66 315 / 1 837 / 13 385. Commune Philippeville 93056: 9 201 / 247 / 1 884.
- reach: elderly residents PA (Namur) = 1 -> 1 / 93 751 x 1000 = 0.010667; children 0-2 PC (Philippeville)
  = 1 -> 1 / 14 550 x 1000 = 0.068729; Philippeville arrondissement 1 / 1 837 x 1000 = 0.544366.
- partners of a priority sector: PA2 MR Les Tilleuls (maison_de_repos, Dinant, RSN, since 2022): S03;
  PA3 Crèche Les Lutins (petite_enfance, Philippeville, RSK, since 2024-03-01): S06 and CV2.
- tagged: group S09 aines (8 participants), CV1 aines (20); group S06 perinatalite (6), CV2
  petite_enfance (12). S08 is tagged petite_enfance but individual: not a group session.
"""

from datetime import date
from pathlib import Path

import polars as pl
import pytest

from psynam import db, privacy
from psynam.charts.priorities import REACH_SPEC, with_area_labels
from psynam.filters import Filters
from tests.conftest import load_tiny

Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))


def rows(frame: pl.DataFrame, key: str = "priority") -> dict:
    return {r[key]: r for r in frame.iter_rows(named=True)}


def test_kpis_year_2024(tiny_con):
    got = rows(db.run(tiny_con, "priorities/priority_kpis", **Y2024.params()))
    aines, small = got["aines"], got["petite_enfance"]
    assert (aines["patients"], aines["priority_patients"], aines["sessions"], aines["priority_sessions"]) == (5, 1, 10, 5)
    assert aines["priority_patients_pct"] == pytest.approx(20.0)
    assert aines["priority_sessions_pct"] == pytest.approx(50.0)
    assert (aines["population"], aines["population_age"]) == (495_832, 93_751)
    assert aines["population_pct"] == pytest.approx(100 * 93_751 / 495_832)  # 18.91 %
    assert aines["resident_patients"] == 1
    assert aines["reach_per_1000"] == pytest.approx(1000 / 93_751)
    assert (small["priority_patients"], small["priority_sessions"], small["resident_patients"]) == (1, 4, 1)
    assert small["priority_sessions_pct"] == pytest.approx(40.0)
    assert small["population_pct"] == pytest.approx(100 * 14_550 / 495_832)  # 2.93 %
    assert small["reach_per_1000"] == pytest.approx(1000 / 14_550)


def test_kpis_reconcile_with_the_overview(tiny_con):
    """Same definitions as overview/activity_kpis for the figures both show, under any filter."""
    for filters in (Y2024, Filters(date(2024, 1, 1), date(2024, 12, 31), networks=["RSN"]),
                    Filters(date(2024, 1, 1), date(2024, 6, 30), arrondissements=["Dinant"])):
        overview = db.run(tiny_con, "overview/activity_kpis", **filters.params()).row(0, named=True)
        got = rows(db.run(tiny_con, "priorities/priority_kpis", **filters.params()))
        assert got["aines"]["priority_patients"] == overview["elderly_patients"]
        assert got["petite_enfance"]["priority_sessions"] == overview["early_childhood_sessions"]
        assert got["aines"]["sessions"] == overview["sessions"]


def test_kpis_one_commune(tiny_con):
    # Philippeville (93056): sessions S05, S06, S10 (S10 by video, the patient's commune), all early
    # childhood; patient PC only. Population 9 201: 65+ 1 884 (20.48 %), 0-2 247 (2.68 %).
    filters = Filters(date(2024, 1, 1), date(2024, 12, 31), communes=["93056"])
    got = rows(db.run(tiny_con, "priorities/priority_kpis", **filters.params()))
    assert (got["petite_enfance"]["sessions"], got["petite_enfance"]["priority_sessions"]) == (3, 3)
    assert got["petite_enfance"]["priority_patients_pct"] == pytest.approx(100.0)
    assert got["petite_enfance"]["population_pct"] == pytest.approx(100 * 247 / 9201)
    assert got["petite_enfance"]["reach_per_1000"] == pytest.approx(1000 / 247)  # 4.05
    assert (got["aines"]["priority_sessions"], got["aines"]["resident_patients"]) == (0, 0)
    assert got["aines"]["population_pct"] == pytest.approx(100 * 1884 / 9201)


def test_kpis_empty_period(tiny_con):
    got = rows(db.run(tiny_con, "priorities/priority_kpis", **Filters(date(2022, 1, 1), date(2022, 1, 31)).params()))
    assert got["aines"]["sessions"] == 0 and got["aines"]["priority_sessions_pct"] is None
    assert got["aines"]["reach_per_1000"] == 0.0  # no patient, but a population to read it against


def test_reach_by_arrondissement_2024(tiny_con):
    frame = db.run(tiny_con, "priorities/reach_by_arrondissement", **Y2024.params())
    got = {(r["priority"], r["level"], r["area"]): (r["patients"], r["population_age"]) for r in frame.iter_rows(named=True)}
    assert got == {
        ("aines", "zone", "nord"): (1, 58_642), ("aines", "arrondissement", "Namur"): (1, 58_642),
        ("aines", "zone", "sud"): (0, 35_109), ("aines", "arrondissement", "Dinant"): (0, 21_724),
        ("aines", "arrondissement", "Philippeville"): (0, 13_385), ("aines", "total", "total"): (1, 93_751),
        ("petite_enfance", "zone", "nord"): (0, 9_460), ("petite_enfance", "arrondissement", "Namur"): (0, 9_460),
        ("petite_enfance", "zone", "sud"): (1, 5_090), ("petite_enfance", "arrondissement", "Dinant"): (0, 3_253),
        ("petite_enfance", "arrondissement", "Philippeville"): (1, 1_837),
        ("petite_enfance", "total", "total"): (1, 14_550),
    }  # PD lives in Liège but is 16: no row outside the province
    philippeville = frame.filter((pl.col("priority") == "petite_enfance") & (pl.col("area") == "Philippeville"))
    assert philippeville["reach_per_1000"][0] == pytest.approx(1000 / 1837)
    # display order: north zone, its arrondissements, south zone, its arrondissements, the whole selection
    assert frame.filter(pl.col("priority") == "aines")["area"].to_list() == [
        "nord", "Namur", "sud", "Dinant", "Philippeville", "total"]


@pytest.fixture(scope="module")
def moved_db(tmp_path_factory) -> Path:
    """The tiny export plus two elderly patients seen in Namur: PF (80) lives in Dinant, PG (75) in Liège."""
    path = tmp_path_factory.mktemp("priorities") / "moved.duckdb"
    load_tiny(path)
    con = db.connect(path)
    con.execute("""
        insert into sessions (session_id, session_date, network, psychologist_id, care_level, format, setting,
            patient_id, patient_age, patient_commune, session_commune, fee_inami_eur, fee_patient_eur)
        values ('X01', '2024-03-03', 'RSN', 'PSY1', 'premiere_ligne', 'individuel', 'cabinet', 'PF', 80,
                '91034', '92094', 83, 11),
               ('X02', '2024-03-04', 'RSN', 'PSY1', 'premiere_ligne', 'individuel', 'cabinet', 'PG', 75,
                '62063', '92094', 83, 11)
    """)
    db.refresh_derived(con)
    con.close()
    return path


def test_reach_reads_residence_and_shows_outside_apart(moved_db):
    con = db.connect(moved_db, read_only=True)
    try:
        frame = db.run(con, "priorities/reach_by_arrondissement", **Y2024.params()).filter(pl.col("priority") == "aines")
        got = {(r["level"], r["area"]): r["patients"] for r in frame.iter_rows(named=True)}
        # PA in Namur, PF in Dinant (seen in Namur), PG outside the province, shown apart with no rate
        assert got == {("zone", "nord"): 1, ("arrondissement", "Namur"): 1, ("zone", "sud"): 1,
                       ("arrondissement", "Dinant"): 1, ("arrondissement", "Philippeville"): 0,
                       ("total", "total"): 2, ("hors_province", "hors_province"): 1}
        outside = frame.filter(pl.col("level") == "hors_province").row(0, named=True)
        assert outside["population_age"] is None and outside["reach_per_1000"] is None

        # Namur arrondissement: shares follow the session's commune (S01, S02, S08, S09, X01, X02: patients PA,
        # PE, PF, PG, elderly PA, PF, PG = 3 of 4); reach follows residence (PA only, of 58 642).
        namur = Filters(date(2024, 1, 1), date(2024, 12, 31), arrondissements=["Namur"])
        kpis = rows(db.run(con, "priorities/priority_kpis", **namur.params()))["aines"]
        assert (kpis["patients"], kpis["priority_patients"], kpis["resident_patients"]) == (4, 3, 1)
        assert kpis["reach_per_1000"] == pytest.approx(1000 / 58_642)
        reach = db.run(con, "priorities/reach_by_arrondissement", **namur.params())
        assert "hors_province" not in reach["level"].to_list()  # a geography filter leaves outside residents out
    finally:
        con.close()


def test_partner_activity(tiny_con):
    frame = db.run(tiny_con, "priorities/partner_activity", **Y2024.params())
    got = {r["partner_id"]: (r["priority"], r["is_registered"], r["is_active"], r["sessions"], r["clairvisions"])
           for r in frame.iter_rows(named=True)}
    assert got == {"PA2": ("aines", True, True, 1, 0), "PA3": ("petite_enfance", True, True, 1, 1)}
    # 2023: PA2 registered but with no session, clairvision, activity or agreement; PA3 not yet a member
    y2023 = db.run(tiny_con, "priorities/partner_activity", **Filters(date(2023, 1, 1), date(2023, 12, 31)).params())
    assert [(r["partner_id"], r["is_active"], r["sessions"]) for r in y2023.iter_rows(named=True)] == [("PA2", False, 0)]
    # RSK only: PA2 is an RSN partner with no RSK session
    rsk = db.run(tiny_con, "priorities/partner_activity", **Filters(date(2024, 1, 1), date(2024, 12, 31), networks=["RSK"]).params())
    assert rsk["partner_id"].to_list() == ["PA3"]


def test_tagged_groups_and_clairvisions(tiny_con):
    frame = db.run(tiny_con, "priorities/tagged_groups_and_clairvisions", **Y2024.params())
    got = {r["priority"]: (r["group_sessions"], r["group_participations"], r["clairvisions"], r["clairvision_participants"])
           for r in frame.iter_rows(named=True)}
    assert got == {"aines": (1, 8, 1, 20), "petite_enfance": (1, 6, 1, 12)}
    # a format filter leaves clairvisions out, and "individuel" leaves the groups out
    individual = db.run(tiny_con, "priorities/tagged_groups_and_clairvisions",
                        **Filters(date(2024, 1, 1), date(2024, 12, 31), formats=["individuel"]).params())
    assert individual.drop("priority").sum().row(0) == (0, 0, 0, 0)


def test_trend_by_quarter(tiny_con):
    # Q1 S01 S02; Q2 S03 S04; Q3 S05 S06 S07; Q4 S08 S09 S10.
    frame = db.run(tiny_con, "priorities/trend_by_quarter", **Y2024.params())
    got = {(r["priority"], r["quarter"].month): (r["sessions"], r["priority_sessions"]) for r in frame.iter_rows(named=True)}
    assert got == {("aines", 1): (2, 2), ("aines", 4): (2, 2), ("aines", 7): (3, 0), ("aines", 10): (3, 1),
                   ("petite_enfance", 1): (2, 0), ("petite_enfance", 4): (2, 0),
                   ("petite_enfance", 7): (3, 2), ("petite_enfance", 10): (3, 2)}
    kpis = rows(db.run(tiny_con, "priorities/priority_kpis", **Y2024.params()))
    for priority in ("aines", "petite_enfance"):  # the quarters add up to the period
        part = frame.filter(pl.col("priority") == priority)
        assert part["priority_sessions"].sum() == kpis[priority]["priority_sessions"]


def _solutions(published: privacy.Published, frame: pl.DataFrame) -> set[tuple]:
    """Every (Namur, Dinant, Philippeville) an outsider could infer from a published reach table, knowing
    Nord = Namur, Sud = Dinant + Philippeville, selection = Nord + Sud, and `< 5` in 1..4. (Reading
    `masqué` as >= 5 as well can pin a small count by bounds when a zone total is published — e.g. Sud 6 =
    Dinant (masqué) + Philippeville (< 5) — which the shared rule takes as known; see the report.)"""
    labels = with_area_labels(frame)
    cell = {}
    for i, (zone, member) in enumerate(zip(labels["zone_label"], labels["member_label"])):
        col = "summary_patients" if zone == "Zones" else "patients"
        cell[member] = published.cell(col, i)

    def allowed(mark, value):
        return {"< 5": 1 <= value <= 4, "masqué": True}.get(mark, mark == value)

    return {(a, b, c) for a in range(25) for b in range(25) for c in range(25)
            if allowed(cell["Namur"], a) and allowed(cell["Dinant"], b) and allowed(cell["Philippeville"], c)
            and allowed(cell["Nord"], a) and allowed(cell["Sud"], b + c) and allowed(cell["Sélection entière"], a + b + c)}


@pytest.mark.parametrize("patients", [
    [6, 6, 8, 7, 1, 14],   # Philippeville small: Sud - Dinant would give it back
    [3, 3, 8, 7, 1, 11],   # Nord small too: the selection - Sud would give it back
    [9, 9, 6, 5, 1, 15],
    [2, 2, 9, 8, 1, 11],
])
def test_reach_table_suppression_protects_zone_and_selection_totals(patients):
    frame = pl.DataFrame({
        "priority": ["aines"] * 6,
        "level": ["zone", "arrondissement", "zone", "arrondissement", "arrondissement", "total"],
        "area": ["nord", "Namur", "sud", "Dinant", "Philippeville", "total"],
        "zone": ["nord", "nord", "sud", "sud", "sud", None],
        "patients": patients,
        "population_age": [100, 100, 200, 120, 80, 300],
    }).with_columns(reach_per_1000=1000.0 * pl.col("patients") / pl.col("population_age"))
    labelled = with_area_labels(frame)
    published = privacy.suppress(labelled, REACH_SPEC)
    solutions = _solutions(published, frame)
    assert (patients[1], patients[3], patients[4]) in solutions
    for position, value in ((0, patients[1]), (2, patients[4])):  # Namur, Philippeville
        if 0 < value < 5:  # a small count must not be pinned to one value
            assert len({s[position] for s in solutions}) > 1
    # a rate derived from a hidden count is hidden too
    hidden_rows = {i for col in ("patients", "summary_patients")
                   for i, m in enumerate(published.marks.get(col, [None] * frame.height)) if m is not None}
    assert set(published.frame.with_row_index().filter(pl.col("reach_per_1000").is_null())["index"]) == hidden_rows
