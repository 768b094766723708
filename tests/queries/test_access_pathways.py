"""Financial access and care pathways against the tiny fixture, worked out by hand in
tests/queries/expected.py (docs/universalism.md)."""

from datetime import date

import pytest

from psynam import db
from psynam.filters import Filters
from psynam.universalism import frame
from tests.queries.expected import ACCESS_2024, JANUARY_2025, PATHWAYS_2024

Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))
JAN_2025 = Filters(date(2025, 1, 1), date(2025, 1, 31))


def run(con, name, filters=Y2024):
    return frame(lambda n, **p: db.run(con, n, **p), name, filters)


def by_group(con, name, filters=Y2024):
    return {(r["breakdown"], r["group_key"]): r for r in run(con, name, filters).iter_rows(named=True)}


# ---- financial access ---------------------------------------------------------------------------------
def test_bim_share_by_group(tiny_con):
    rows = by_group(tiny_con, "access/bim_share_by_group")
    assert set(rows) == set(ACCESS_2024)  # every group, empty ones with zeros
    for key, (patients, bim, pct) in ACCESS_2024.items():
        row = rows[key]
        assert (row["patients"], row["bim_patients"]) == (patients, bim), key
        assert row["bim_patients_pct"] == (pytest.approx(pct, abs=0.005) if pct is not None else None), key


def test_sessions_per_patient_by_bim_status(tiny_con):
    row = by_group(tiny_con, "access/bim_share_by_group")[("all", "all")]
    assert (row["individual_sessions"], row["bim_sessions"], row["other_sessions"]) == (8, 2, 6)
    assert row["sessions_per_patient"] == pytest.approx(1.6)
    assert row["sessions_per_bim_patient"] == pytest.approx(2.0)
    assert row["sessions_per_other_patient"] == pytest.approx(1.5)
    rsk = by_group(tiny_con, "access/bim_share_by_group")[("network", "RSK")]
    assert rsk["sessions_per_bim_patient"] is None  # no BIM patient: no rate, not 0


def test_bim_status_is_read_at_the_first_session_by_date_then_id(tiny_con):
    # PF's S14 and S15 share 2025-01-15; S14 (BIM) comes first by id
    row = by_group(tiny_con, "access/bim_share_by_group", JAN_2025)[("all", "all")]
    assert (row["patients"], row["bim_patients"]) == (JANUARY_2025["patients"], JANUARY_2025["bim_patients"])
    # PC is BIM at S10 only: not BIM over 2024, BIM over December alone
    december = by_group(tiny_con, "access/bim_share_by_group", Filters(date(2024, 12, 1), date(2024, 12, 31)))
    assert december[("all", "all")]["bim_patients"] == 1


def test_bim_share_by_month(tiny_con):
    rows = run(tiny_con, "access/bim_share_by_month")
    every = {r["month"].month: (r["patients"], r["bim_patients"]) for r in rows.iter_rows(named=True)
             if r["network"] == "all"}
    # one patient a month; BIM in May and June (PB) and December (PC's S10)
    assert every == {1: (1, 0), 2: (1, 0), 5: (1, 1), 6: (1, 1), 7: (1, 0), 9: (1, 0), 10: (1, 0), 12: (1, 1)}
    networks = {(r["month"].month, r["network"]) for r in rows.iter_rows(named=True) if r["network"] != "all"}
    assert networks == {(1, "RSN"), (2, "RSN"), (5, "RSN"), (6, "RSN"), (7, "RSK"), (9, "RSK"), (10, "RSN"),
                        (12, "RSK")}


def test_access_follows_the_shared_filters(tiny_con):
    # care level 'soutien': PB (S03), PC (S05, S10), PE (S08); PB is BIM -> 1 of 3
    soutien = by_group(tiny_con, "access/bim_share_by_group",
                       Filters(Y2024.date_from, Y2024.date_to, care_levels=["soutien"]))[("all", "all")]
    assert (soutien["patients"], soutien["bim_patients"], soutien["individual_sessions"]) == (3, 1, 4)
    # geography is where the session took place: in Philippeville only PC (S05, S10 by video)
    philippeville = by_group(tiny_con, "access/bim_share_by_group",
                             Filters(Y2024.date_from, Y2024.date_to, communes=["93056"]))
    assert philippeville[("all", "all")]["patients"] == 1
    assert philippeville[("zone", "south")]["patients"] == 1 and philippeville[("zone", "north")]["patients"] == 0


# ---- pathways -----------------------------------------------------------------------------------------
def test_pathways_by_group(tiny_con):
    rows = by_group(tiny_con, "pathways/pathways_by_group")
    for key, want in PATHWAYS_2024.items():
        got = {k: rows[key][k] for k in want}
        assert got == want, key


def test_pathway_shares_and_thresholds(tiny_con):
    row = by_group(tiny_con, "pathways/pathways_by_group")[("all", "all")]
    assert (row["wait_short_days"], row["wait_long_days"]) == (30, 90)  # data/reference/pathways.csv
    assert row["new_patients_pct"] == pytest.approx(80.0)
    assert row["single_session_patients_pct"] == pytest.approx(40.0)
    assert row["over_short_wait_pct"] == pytest.approx(100.0)
    assert row["over_long_wait_pct"] == pytest.approx(200 / 3)
    assert row["sessions_per_course"] == pytest.approx(1.75)
    assert row["sessions_per_closed_course"] == pytest.approx(2.0)


def test_every_pathway_group_is_returned(tiny_con):
    rows = by_group(tiny_con, "pathways/pathways_by_group")
    assert {g for b, g in rows if b == "care_level"} == {"premiere_ligne", "specialise", "soutien", "traitement",
                                                         "communautaire"}
    assert {g for b, g in rows if b == "level_2021"} == {"premiere_ligne", "specialise"}
    for breakdown in ("network", "care_level", "level_2021"):  # each breakdown partitions the patients
        assert sum(r["patients"] for (b, _), r in rows.items() if b == breakdown) == 5
        assert sum(r["new_patients"] for (b, _), r in rows.items() if b == breakdown) == 4
        assert sum(r["courses"] for (b, _), r in rows.items() if b == breakdown) == 4


def test_new_patients_over_the_whole_database(tiny_con):
    jan = by_group(tiny_con, "pathways/pathways_by_group", JAN_2025)[("all", "all")]
    assert {k: jan[k] for k in ("patients", "new_patients", "single_session_patients",
                                "median_days_first_to_second", "over_short_wait")} == {
        k: JANUARY_2025[k] for k in ("patients", "new_patients", "single_session_patients",
                                     "median_days_first_to_second", "over_short_wait")}
    # courses begun in January: PA's S12 (326 days after S02: a second course, one session), PF's (S14,
    # S15), PG's in RSK (S16) and in RSN (S17, S18); PE's S13 continues the course begun with S08
    assert (jan["courses"], jan["course_sessions"], jan["single_session_courses"]) == (4, 6, 2)


def test_a_patient_of_both_networks_is_new_once_and_waits_over_both(tiny_con):
    def wait(networks):
        rows = by_group(tiny_con, "pathways/pathways_by_group", Filters(JAN_2025.date_from, JAN_2025.date_to,
                                                                         networks=networks))
        return rows[("all", "all")]
    # all networks: PF 0 and PG 2 days (S16 RSK, then S17 RSN) -> median 1
    assert wait([])["median_days_first_to_second"] == pytest.approx(1.0)
    # both networks selected is the same as none
    assert wait(["RSN", "RSK"])["median_days_first_to_second"] == pytest.approx(1.0)
    # RSN only: PG's first is S17, second S18 (19 days); PF is RSK's
    rsn = wait(["RSN"])
    assert (rsn["new_patients"], rsn["new_with_second_session"], rsn["median_days_first_to_second"]) == (1, 1, 19.0)
    # RSK only: PF (0 days) and PG, who has no second session in RSK
    rsk = wait(["RSK"])
    assert (rsk["new_patients"], rsk["new_with_second_session"], rsk["median_days_first_to_second"]) == (2, 1, 0.0)
    # grouped by the first session of the period: PG counts once, under RSK
    groups = by_group(tiny_con, "pathways/pathways_by_group", JAN_2025)
    assert (groups[("network", "RSK")]["patients"], groups[("network", "RSN")]["patients"]) == (2, 2)


def test_care_level_filter_keeps_the_patients_whose_first_session_of_the_period_matches(tiny_con):
    # specialised (2024 code traitement): PB (S04) and PD (S07); PB was first seen in May, so in this
    # selection PB is still new (first session ever in 2024), with the same 31-day wait
    rows = by_group(tiny_con, "pathways/pathways_by_group",
                    Filters(Y2024.date_from, Y2024.date_to, care_levels=["traitement"]))
    row = rows[("all", "all")]
    assert (row["patients"], row["new_patients"], row["single_session_patients"]) == (2, 2, 2)
    assert row["median_days_first_to_second"] == pytest.approx(31.0)
    # courses begun with a traitement session: PD's only (PB's began with S03, soutien)
    assert row["courses"] == 1


def test_network_filter_reads_firsts_within_the_network(tiny_con):
    rsn = by_group(tiny_con, "pathways/pathways_by_group", Filters(Y2024.date_from, Y2024.date_to, networks=["RSN"]))
    assert rsn[("all", "all")]["new_patients"] == 2 and rsn[("network", "RSK")]["patients"] == 0


def test_new_patients_by_month(tiny_con):
    rows = run(tiny_con, "pathways/new_patients_by_month")
    got = [(r["month"].month, r["network"], r["care_level"], r["level_2021"], r["new_patients"],
            r["returning_patients"]) for r in rows.iter_rows(named=True)]
    assert got == [
        (1, "RSN", "premiere_ligne", "premiere_ligne", 0, 1),   # PA, first seen 2023-12-31
        (2, "RSN", "premiere_ligne", "premiere_ligne", 0, 1),
        (5, "RSN", "soutien", "premiere_ligne", 1, 0),          # PB
        (6, "RSN", "traitement", "specialise", 0, 1),           # PB again: returning in June
        (7, "RSK", "soutien", "premiere_ligne", 1, 0),          # PC
        (9, "RSK", "traitement", "specialise", 1, 0),           # PD
        (10, "RSN", "soutien", "premiere_ligne", 1, 0),         # PE
        (12, "RSK", "soutien", "premiere_ligne", 0, 1),         # PC again
    ]
    assert (rows["patients"] == rows["new_patients"] + rows["returning_patients"]).all()
    # a period starting mid-month: the month is clipped, and "new" is read from the period's start
    mid = run(tiny_con, "pathways/new_patients_by_month", Filters(date(2024, 5, 15), date(2024, 6, 30)))
    assert [(r["month"].month, r["new_patients"], r["returning_patients"]) for r in mid.iter_rows(named=True)] == [
        (6, 0, 1)]


def test_empty_period(tiny_con):
    empty = Filters(date(2022, 1, 1), date(2022, 1, 31))
    access = by_group(tiny_con, "access/bim_share_by_group", empty)
    assert access[("all", "all")]["patients"] == 0 and access[("all", "all")]["bim_patients_pct"] is None
    pathways = by_group(tiny_con, "pathways/pathways_by_group", empty)
    assert pathways[("all", "all")]["median_days_first_to_second"] is None
    assert pathways[("all", "all")]["sessions_per_course"] is None
    assert run(tiny_con, "access/bim_share_by_month", empty).is_empty()
    assert run(tiny_con, "pathways/new_patients_by_month", empty).is_empty()


def test_residence_is_read_at_the_first_session_even_when_unknown(tmp_path):
    """A patient's residence is the one given at their first individual session of the period: when that
    session gives none, the patient lives in an unknown place (zone `unknown`), even if a later session
    names a commune (docs/universalism.md). PZ is seen twice in March 2024: first with no residence, then
    living in Namur."""
    from tests.conftest import load_tiny_with
    path = tmp_path / "unknown_first.duckdb"
    load_tiny_with(path, [
        ("Z01", "2024-03-03", "RSN", "PSY1", "premiere_ligne", "individuel", "cabinet", "PZ", 40,
         None, "92094", 83, 11),
        ("Z02", "2024-03-10", "RSN", "PSY1", "premiere_ligne", "individuel", "cabinet", "PZ", 40, "92094", "92094",
         83, 11)])
    con = db.connect(path, read_only=True)
    march = Filters(date(2024, 3, 1), date(2024, 3, 31))
    rows = by_group(con, "access/bim_share_by_group", march)
    assert rows[("zone", "unknown")]["patients"] == 1
    assert rows[("zone", "unknown")]["individual_sessions"] == 2
    # over the second session alone, PZ lives in Namur (north)
    tenth = by_group(con, "access/bim_share_by_group", Filters(date(2024, 3, 10), date(2024, 3, 10)))
    assert tenth[("zone", "unknown")]["patients"] == 0
    assert tenth[("zone", "north")]["patients"] >= 1
    con.close()


@pytest.fixture(scope="module")
def sample_con(tmp_path_factory):
    from psynam.build import build
    con = db.connect(build(tmp_path_factory.mktemp("sample") / "sample.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.mark.parametrize("networks", [None, ["RSN"], ["RSK"]])
def test_the_median_wait_read_from_counted_waits_is_duckdbs_median(sample_con, networks):
    """pathways_by_group counts the waits per day and reads the median from those counts: on the sample, for
    periods of several lengths and each network filter, each group's median is DuckDB's median of the new
    patients' waits in that group (the fixture's tests above pin the odd and even middle positions)."""
    seen = 0
    for date_from, date_to in [(date(2022, 1, 1), date(2022, 12, 31)), (date(2023, 3, 1), date(2023, 3, 31)),
                               (date(2024, 1, 1), date(2025, 6, 30)), (date(2024, 9, 9), date(2024, 9, 20))]:
        filters = Filters(date_from, date_to, networks=networks)
        got = {(r["breakdown"], r["group_key"]): r["median_days_first_to_second"]
               for r in run(sample_con, "pathways/pathways_by_group", filters).iter_rows(named=True)}
        wanted = sample_con.execute("""
            select 'network' as breakdown, first_network as group_key, median(s.second_date - s.first_date)
            from f_patient_firsts($f, $t, $n::varchar[], null, null, null, null, null) as p
            join f_patient_starts($n::varchar[]) as s using (patient_key)
            where s.first_date >= $f and s.second_date is not null
            group by all
            union all
            select 'all', 'all', median(s.second_date - s.first_date)
            from f_patient_firsts($f, $t, $n::varchar[], null, null, null, null, null) as p
            join f_patient_starts($n::varchar[]) as s using (patient_key)
            where s.first_date >= $f and s.second_date is not null""",
            {"f": date_from, "t": date_to, "n": networks}).fetchall()
        for breakdown, key, median in wanted:
            if median is not None:
                assert got[(breakdown, key)] == pytest.approx(median), (date_from, date_to, networks, key)
                seen += 1
    assert seen >= 6
