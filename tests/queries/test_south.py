"""The south page's queries against the tiny fixture (tests/fixtures/tiny), worked out by hand from
docs/indicators.md (The south).

Year 2024, all networks. Populations (data/reference/communes.csv, Statbel 1/1/2020): province 495 832,
Namur 92094 111 432, Andenne 92003 27 573, Dinant 91034 13 374, Philippeville 93056 9 201; arrondissement of
Namur (north) 318 231, Dinant 111 286, Philippeville 66 315, south 177 601.
- Patients residing (patient_commune, individual sessions): PA in Namur (S01, S02), PB in Dinant (S03, S04),
  PC in Philippeville (S05, S10), PE in Andenne (S08); PD lives in Liège 62063 (S07): hors province.
  Province reach = 4 / 495 832 x 1 000 = 0.008067.
- Sessions delivered (a session's commune; video = the patient's commune): Namur S01, S02, S09 = 3;
  Dinant S03 + S04 (video, PB's commune) = 2; Philippeville S05, S06 + S10 (video) = 3; Andenne S08 = 1;
  S07 in Liège: hors province.
- Active partners (registered in 2024 and active): Namur PA1 (agreement AG1; PA5 is registered but has no
  activity) = 1; Dinant PA2 (S03) + PA6 (activity ACT1) = 2; Philippeville PA3 (S06, CV2) = 1; Andenne
  PA4 left on 31/12/2023 = 0.
- Coverage index = commune reach / province reach = 495 832 / (4 x population) for a commune with one
  patient: Namur 1.1124, Andenne 4.4956, Dinant 9.2686, Philippeville 13.4722; 0 for the other 34.
- Communes without offer: the 34 communes other than these four.
"""

from datetime import date

import pytest

from psynam import db
from psynam.filters import Filters

Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))
PARAMS = ("date_from", "date_to", "networks", "care_levels", "formats", "settings")
PROVINCE_REACH = 4 / 495_832 * 1000


def coverage(con, filters=Y2024):
    rows = db.run(con, "south/coverage_by_commune", **filters.params(*PARAMS, "arrondissements", "communes"))
    return {r["nis"]: r for r in rows.iter_rows(named=True)}


def test_every_commune_is_returned_with_its_figures(tiny_con):
    rows = coverage(tiny_con)
    assert len(rows) == 38
    expected = {  # nis: (population, patients, sessions, active partners)
        "92094": (111_432, 1, 3, 1), "92003": (27_573, 1, 1, 0),
        "91034": (13_374, 1, 2, 2), "93056": (9_201, 1, 3, 1),
    }
    for nis, (population, patients, sessions, partners) in expected.items():
        row = rows[nis]
        assert (row["population"], row["patients"], row["sessions"], row["active_partners"]) == (
            population, patients, sessions, partners)
        assert row["reach_per_1000"] == pytest.approx(patients / population * 1000)
        assert row["offer_per_10000"] == pytest.approx(sessions / population * 10_000)
        assert row["partners_per_10000"] == pytest.approx(partners / population * 10_000)
        assert row["province_reach_per_1000"] == pytest.approx(PROVINCE_REACH)
        assert row["coverage_index"] == pytest.approx(495_832 / (4 * population))
        assert row["patients_gap"] == 0
        assert not row["without_offer"]
    assert rows["91034"]["coverage_index"] == pytest.approx(9.2686, abs=1e-4)
    others = [r for nis, r in rows.items() if nis not in expected]
    assert all(r["without_offer"] and r["coverage_index"] == 0 and r["patients"] == 0 for r in others)
    # a commune with no patient lacks province reach x population / 1 000 patients (Gembloux 26 260 inh.)
    gembloux = rows["92142"]
    assert gembloux["patients_gap"] == pytest.approx(PROVINCE_REACH * gembloux["population"] / 1000)


def test_totals_reconcile_with_the_overview(tiny_con):
    rows = coverage(tiny_con).values()
    kpis = db.run(tiny_con, "overview/activity_kpis", **Y2024.params()).row(0, named=True)
    assert sum(r["sessions"] for r in rows) == kpis["province_sessions"] == 9
    assert sum(r["sessions"] for r in rows if r["is_south"]) == kpis["south_sessions"] == 5
    assert sum(r["active_partners"] for r in rows) == 4  # the overview's active partners, all in the province


def test_network_filter_applies_to_sessions_and_partners(tiny_con):
    rows = coverage(tiny_con, Filters(date(2024, 1, 1), date(2024, 12, 31), networks=["RSN"]))
    # RSN: S01, S02, S09 in Namur; S03, S04 in Dinant; PA3 (Philippeville) is an RSK partner
    assert (rows["92094"]["sessions"], rows["91034"]["sessions"], rows["93056"]["sessions"]) == (3, 2, 0)
    assert rows["93056"]["without_offer"] and not rows["91034"]["without_offer"]
    # RSN patients in the province: PA, PB, PE -> province reach 3 / 495 832 x 1 000
    assert rows["92094"]["coverage_index"] == pytest.approx(495_832 / (3 * 111_432))


def test_geography_only_sets_the_selection(tiny_con):
    everything = coverage(tiny_con)
    philippeville = coverage(tiny_con, Filters(date(2024, 1, 1), date(2024, 12, 31),
                                               arrondissements=["Philippeville"]))
    assert sum(r["in_selection"] for r in philippeville.values()) == 7
    assert all(r["in_selection"] for r in everything.values())
    strip = lambda rows: {n: {k: v for k, v in r.items() if k != "in_selection"} for n, r in rows.items()}  # noqa: E731
    assert strip(philippeville) == strip(everything)
    one = coverage(tiny_con, Filters(date(2024, 1, 1), date(2024, 12, 31), communes=["91034"]))
    assert [n for n, r in one.items() if r["in_selection"]] == ["91034"]


def test_areas_north_south_and_outside(tiny_con):
    rows = {r["area"]: r for r in db.run(tiny_con, "south/reach_by_area", **Y2024.params(*PARAMS)).iter_rows(named=True)}
    assert list(rows) == ["Dinant", "Namur", "Philippeville", "north", "south", "province", "hors_province"]
    # north: PA, PE; sessions S01, S02, S08, S09; partner PA1. south: PB, PC; S03-S06, S10; PA2, PA6, PA3.
    assert (rows["north"]["population"], rows["north"]["patients"], rows["north"]["sessions"],
            rows["north"]["active_partners"]) == (318_231, 2, 4, 1)
    assert (rows["south"]["population"], rows["south"]["patients"], rows["south"]["sessions"],
            rows["south"]["active_partners"]) == (177_601, 2, 5, 3)
    assert rows["south"]["reach_per_1000"] == pytest.approx(2 / 177_601 * 1000)
    assert rows["north"]["offer_per_10000"] == pytest.approx(4 / 318_231 * 10_000)
    assert rows["province"]["coverage_index"] == pytest.approx(1.0)
    assert rows["south"]["coverage_index"] == pytest.approx((2 / 177_601) / (4 / 495_832))
    assert (rows["Dinant"]["patients"], rows["Philippeville"]["sessions"]) == (1, 3)
    # PD (Liège) and S07 are shown apart, with no population
    outside = rows["hors_province"]
    assert (outside["patients"], outside["sessions"], outside["population"]) == (1, 1, None)
    # each area names the row that sums it: arrondissement -> zone -> province; outside, none
    assert {a: rows[a]["parent_area"] for a in rows} == {
        "Dinant": "south", "Namur": "north", "Philippeville": "south", "north": "province", "south": "province",
        "province": None, "hors_province": None}
    assert [a for a in rows if rows[a]["is_south"]] == ["Dinant", "Philippeville", "south"]


def test_south_share_by_month(tiny_con):
    rows = db.run(tiny_con, "south/south_share_by_month", **Y2024.params(*PARAMS))
    # S07 (September, Liège) is outside the province: no September row
    assert [m.month for m in rows["month"]] == [1, 2, 5, 6, 7, 8, 10, 11, 12]
    assert rows["province_sessions"].sum() == 9 and rows["south_sessions"].sum() == 5
    assert rows.filter(rows["month"] == date(2024, 5, 1))["south_sessions_pct"][0] == pytest.approx(100.0)
    # 177 601 / 495 832, from the reference communes, never typed
    assert set(rows["south_population_pct"].round(2)) == {35.82}


def test_commune_by_month(tiny_con):
    rows = db.run(tiny_con, "south/commune_by_month", commune="93056", **Y2024.params(*PARAMS))
    # Philippeville: S05 (PC, July), S06 (group, August: a session, no identified patient), S10 (video, PC)
    assert [(r["month"].month, r["sessions"], r["patients"]) for r in rows.iter_rows(named=True)] == [
        (7, 1, 1), (8, 1, 0), (12, 1, 1)]


def test_empty_period(tiny_con):
    empty = Filters(date(2022, 1, 1), date(2022, 1, 31))
    rows = coverage(tiny_con, empty)
    assert len(rows) == 38 and all(r["sessions"] == 0 and r["coverage_index"] is None for r in rows.values())
    assert db.run(tiny_con, "south/south_share_by_month", **empty.params(*PARAMS)).is_empty()
