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

from psynam import db
from psynam.filters import Filters
from tests.conftest import load_tiny, load_tiny_with

Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))


def one(frame: pl.DataFrame) -> dict:
    assert frame.height == 1
    return frame.row(0, named=True)


def areas(frame: pl.DataFrame, prefix: str) -> dict:
    return {(r["level"], r["area"]): (r[f"{prefix}_patients"], r[f"{prefix}_population"])
            for r in frame.iter_rows(named=True)}


def test_kpis_year_2024(tiny_con):
    got = one(db.run(tiny_con, "priorities/priority_kpis", **Y2024.params()))
    assert (got["patients"], got["elderly_patients"], got["sessions"], got["elderly_sessions"]) == (5, 1, 10, 5)
    assert got["elderly_patients_pct"] == pytest.approx(20.0)
    assert got["elderly_sessions_pct"] == pytest.approx(50.0)
    assert (got["population"], got["elderly_population"]) == (495_832, 93_751)
    assert got["elderly_population_pct"] == pytest.approx(100 * 93_751 / 495_832)  # 18.91 %
    assert got["elderly_residents"] == 1
    assert got["elderly_reach_per_1000"] == pytest.approx(1000 / 93_751)
    assert (got["early_childhood_patients"], got["early_childhood_sessions"], got["early_childhood_residents"]) == (1, 4, 1)
    assert got["early_childhood_sessions_pct"] == pytest.approx(40.0)
    assert got["early_childhood_population_pct"] == pytest.approx(100 * 14_550 / 495_832)  # 2.93 %
    assert got["early_childhood_reach_per_1000"] == pytest.approx(1000 / 14_550)


def test_kpis_reconcile_with_the_overview(tiny_con):
    """Same definitions as overview/activity_kpis for the figures both show, under any filter."""
    for filters in (Y2024, Filters(date(2024, 1, 1), date(2024, 12, 31), networks=["RSN"]),
                    Filters(date(2024, 1, 1), date(2024, 6, 30), arrondissements=["Dinant"])):
        overview = db.run(tiny_con, "overview/activity_kpis", **filters.params()).row(0, named=True)
        got = one(db.run(tiny_con, "priorities/priority_kpis", **filters.params()))
        assert got["elderly_patients"] == overview["elderly_patients"]
        assert got["early_childhood_sessions"] == overview["early_childhood_sessions"]
        assert got["sessions"] == overview["sessions"]
        assert got["patients"] == overview["patients"]


def test_kpis_one_commune(tiny_con):
    # Philippeville (93056): sessions S05, S06, S10 (S10 by video, the patient's commune), all early
    # childhood; patient PC only. Population 9 201: 65+ 1 884 (20.48 %), 0-2 247 (2.68 %).
    filters = Filters(date(2024, 1, 1), date(2024, 12, 31), communes=["93056"])
    got = one(db.run(tiny_con, "priorities/priority_kpis", **filters.params()))
    assert (got["sessions"], got["early_childhood_sessions"]) == (3, 3)
    assert got["early_childhood_patients_pct"] == pytest.approx(100.0)
    assert got["early_childhood_population_pct"] == pytest.approx(100 * 247 / 9201)
    assert got["early_childhood_reach_per_1000"] == pytest.approx(1000 / 247)  # 4.05
    assert (got["elderly_sessions"], got["elderly_residents"]) == (0, 0)
    assert got["elderly_population_pct"] == pytest.approx(100 * 1884 / 9201)


def test_kpis_empty_period(tiny_con):
    got = one(db.run(tiny_con, "priorities/priority_kpis", **Filters(date(2022, 1, 1), date(2022, 1, 31)).params()))
    assert got["sessions"] == 0 and got["elderly_sessions_pct"] is None
    assert got["elderly_reach_per_1000"] == 0.0  # no patient, but a population to read it against


def test_reach_by_arrondissement_2024(tiny_con):
    frame = db.run(tiny_con, "priorities/reach_by_arrondissement", **Y2024.params())
    assert areas(frame, "elderly") == {
        ("zone", "nord"): (1, 58_642), ("arrondissement", "Namur"): (1, 58_642),
        ("zone", "sud"): (0, 35_109), ("arrondissement", "Dinant"): (0, 21_724),
        ("arrondissement", "Philippeville"): (0, 13_385), ("total", "total"): (1, 93_751),
    }  # PD lives in Liège but is 16: no row outside the province
    assert areas(frame, "early_childhood") == {
        ("zone", "nord"): (0, 9_460), ("arrondissement", "Namur"): (0, 9_460),
        ("zone", "sud"): (1, 5_090), ("arrondissement", "Dinant"): (0, 3_253),
        ("arrondissement", "Philippeville"): (1, 1_837), ("total", "total"): (1, 14_550),
    }
    philippeville = frame.filter(pl.col("area") == "Philippeville")
    assert philippeville["early_childhood_reach_per_1000"][0] == pytest.approx(1000 / 1837)
    # display order: north zone, its arrondissements, south zone, its arrondissements, the whole selection
    assert frame["area"].to_list() == ["nord", "Namur", "sud", "Dinant", "Philippeville", "total"]
    # each row names the row that sums it: an arrondissement its zone, a zone the whole selection
    assert dict(zip(frame["area"], frame["parent_area"])) == {
        "nord": "total", "Namur": "nord", "sud": "total", "Dinant": "sud", "Philippeville": "sud", "total": None}


@pytest.fixture(scope="module")
def moved_db(tmp_path_factory) -> Path:
    """The tiny export plus two elderly patients seen in Namur: PF (80) lives in Dinant, PG (75) in Liège."""
    path = tmp_path_factory.mktemp("priorities") / "moved.duckdb"
    load_tiny_with(path, [
        ("X01", "2024-03-03", "RSN", "PSY1", "premiere_ligne", "individuel", "cabinet", "PF", 80,
         "91034", "92094", 83, 11),
        ("X02", "2024-03-04", "RSN", "PSY1", "premiere_ligne", "individuel", "cabinet", "PG", 75,
         "62063", "92094", 83, 11)])
    return path


def test_reach_reads_residence_and_shows_outside_apart(moved_db):
    con = db.connect(moved_db, read_only=True)
    try:
        frame = db.run(con, "priorities/reach_by_arrondissement", **Y2024.params())
        got = {key: patients for key, (patients, _) in areas(frame, "elderly").items()}
        # PA in Namur, PF in Dinant (seen in Namur), PG outside the province, shown apart with no rate
        assert got == {("zone", "nord"): 1, ("arrondissement", "Namur"): 1, ("zone", "sud"): 1,
                       ("arrondissement", "Dinant"): 1, ("arrondissement", "Philippeville"): 0,
                       ("total", "total"): 2, ("hors_province", "hors_province"): 1}
        outside = frame.filter(pl.col("level") == "hors_province").row(0, named=True)
        assert outside["elderly_population"] is None and outside["elderly_reach_per_1000"] is None
        assert outside["parent_area"] is None  # not part of the selection's total
        assert outside["early_childhood_patients"] == 0  # the row is there for the elderly

        # Namur arrondissement: shares follow the session's commune (S01, S02, S08, S09, X01, X02: patients PA,
        # PE, PF, PG, elderly PA, PF, PG = 3 of 4); reach follows residence (PA only, of 58 642).
        namur = Filters(date(2024, 1, 1), date(2024, 12, 31), arrondissements=["Namur"])
        kpis = one(db.run(con, "priorities/priority_kpis", **namur.params()))
        assert (kpis["patients"], kpis["elderly_patients"], kpis["elderly_residents"]) == (4, 3, 1)
        assert kpis["elderly_reach_per_1000"] == pytest.approx(1000 / 58_642)
        reach = db.run(con, "priorities/reach_by_arrondissement", **namur.params())
        assert "hors_province" not in reach["level"].to_list()  # a geography filter leaves outside residents out
    finally:
        con.close()


def test_partner_activity(tiny_con):
    frame = db.run(tiny_con, "priorities/partner_activity", **Y2024.params())
    got = {r["partner_id"]: (r["priority"], r["is_registered"], r["is_active"], r["sessions"], r["clairvisions"])
           for r in frame.iter_rows(named=True)}
    assert got == {"PA2": ("aines", True, True, 1, 0), "PA3": ("petite_enfance", True, True, 1, 1)}
    assert dict(zip(frame["partner_id"], frame["priority_label"])) == {
        "PA2": "Aînés (65 ans et plus)", "PA3": "Petite enfance (0 à 2 ans)"}
    # 2023: PA2 registered but with no session, clairvision, activity or agreement; PA3 not yet a member
    y2023 = db.run(tiny_con, "priorities/partner_activity", **Filters(date(2023, 1, 1), date(2023, 12, 31)).params())
    assert [(r["partner_id"], r["is_active"], r["sessions"]) for r in y2023.iter_rows(named=True)] == [("PA2", False, 0)]
    # RSK only: PA2 is an RSN partner with no RSK session
    rsk = db.run(tiny_con, "priorities/partner_activity", **Filters(date(2024, 1, 1), date(2024, 12, 31), networks=["RSK"]).params())
    assert rsk["partner_id"].to_list() == ["PA3"]


def test_tagged_groups_and_clairvisions(tiny_con):
    got = one(db.run(tiny_con, "priorities/tagged_groups_and_clairvisions", **Y2024.params()))
    assert [got[f"elderly_{c}"] for c in ("group_sessions", "group_participations", "clairvisions",
                                          "clairvision_participants")] == [1, 8, 1, 20]
    assert [got[f"early_childhood_{c}"] for c in ("group_sessions", "group_participations", "clairvisions",
                                                  "clairvision_participants")] == [1, 6, 1, 12]
    # a format filter leaves clairvisions out, and "individuel" leaves the groups out
    individual = db.run(tiny_con, "priorities/tagged_groups_and_clairvisions",
                        **Filters(date(2024, 1, 1), date(2024, 12, 31), formats=["individuel"]).params())
    assert set(individual.row(0)) == {0}


def test_a_group_session_with_two_tags_of_one_priority_counts_once(tmp_path):
    """A group tagged both `perinatalite` and `petite_enfance` is one early-childhood group session of 5
    participants, not two: to the tiny 2024 figures (1 session, 6 participants) it adds 1 and 5."""
    path = tmp_path / "tags.duckdb"
    load_tiny(path)
    con = db.connect(path)
    con.execute("insert into sessions (session_id, session_date, network, psychologist_id, care_level, format, "
                "setting, session_commune, participants, fee_inami_eur, fee_patient_eur, target_public) values "
                "('S90', '2024-09-02', 'RSK', 'PSY2', 'communautaire', 'groupe', 'partenaire', '93056', 5, 400.00, "
                "2.50, 'perinatalite|petite_enfance')")
    db.refresh_derived(con)
    got = one(db.run(con, "priorities/tagged_groups_and_clairvisions", **Y2024.params()))
    con.close()
    assert (got["early_childhood_group_sessions"], got["early_childhood_group_participations"]) == (2, 11)
    assert (got["elderly_group_sessions"], got["elderly_group_participations"]) == (1, 8)


def test_trend_by_quarter(tiny_con):
    # Q1 S01 S02; Q2 S03 S04; Q3 S05 S06 S07; Q4 S08 S09 S10.
    frame = db.run(tiny_con, "priorities/trend_by_quarter", **Y2024.params())
    got = {r["quarter"].month: (r["sessions"], r["elderly_sessions"], r["early_childhood_sessions"])
           for r in frame.iter_rows(named=True)}
    assert got == {1: (2, 2, 0), 4: (2, 2, 0), 7: (3, 0, 2), 10: (3, 1, 2)}
    assert frame.filter(pl.col("quarter").dt.month() == 10)["elderly_sessions_pct"][0] == pytest.approx(100 / 3)
    kpis = one(db.run(tiny_con, "priorities/priority_kpis", **Y2024.params()))
    for prefix in ("elderly", "early_childhood"):  # the quarters add up to the period
        assert frame[f"{prefix}_sessions"].sum() == kpis[f"{prefix}_sessions"]
    assert frame["sessions"].sum() == kpis["sessions"]
