"""Patients counted by where they lived and by their first session, checked against plain counts.

reach_by_area and coverage_by_commune count a patient once in every place they lived during the period
(a patient who moved counts in both communes, once in their zone and once in the province) by grouping the
sessions into one set of places per patient; bim_share_by_group counts the patients by their first session's
network, residence, age and tariff before summing each breakdown. All three are checked here against the
definitions written the plain way (a distinct count per area; a count over the grouped first sessions in
Python), on the tiny export plus 300 patients who move between communes of both zones, out of the province
and to no commune given, over several periods and network filters: a set of places that lost or
double-counted a patient, or a breakdown summing cells wrongly, shows as a difference."""

import random
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from psynam import db
from tests.conftest import load_tiny

PERIODS = [(date(2024, 1, 1), date(2024, 12, 31)), (date(2023, 7, 1), date(2024, 6, 30)),
           (date(2024, 3, 1), date(2024, 3, 31))]
NETWORKS = (None, ["RSN"], ["RSK"], ["RSN", "RSK"])
SHARED = dict(arrondissements=None, communes=None, care_levels=None, formats=None, settings=None)

PLACES = """
with s as (
    select s.patient_key, s.patient_commune, s.patient_in_province, c.arrondissement, c.is_south
    from stg_sessions as s
    left join stg_communes as c on c.nis = s.patient_commune
    where s.session_date between $f and $t and s.format = 'individuel' and s.patient_key is not null
        and ($n::varchar[] is null or list_contains($n::varchar[], s.network))
)
select area, count(distinct patient_key) from (
    select patient_key, arrondissement as area from s where patient_in_province
    union all
    select patient_key, case when is_south then 'south' else 'north' end from s where patient_in_province
    union all
    select patient_key, 'province' from s where patient_in_province
    union all
    select patient_key, patient_commune from s where patient_in_province
    union all
    select patient_key, case when patient_commune is null then 'unknown' else 'hors_province' end
    from s where not patient_in_province
)
group by area
"""


# Namur, Andenne, Gembloux (north); Dinant, Philippeville (south); Liège, Brussels (outside); none given.
PLACES_LIVED = ["92094", "92003", "92142", "91034", "93056", "62063", "21004", None]


def movers(count: int = 300, seed: int = 15) -> list[tuple]:
    rng = random.Random(seed)
    rows = []
    for p in range(count):
        home, age = rng.choice(PLACES_LIVED), rng.randrange(0, 96)
        day = date(2023, 1, 1) + timedelta(days=rng.randrange(700))
        for n in range(rng.randrange(1, 7)):
            if rng.random() < 0.35:
                home = rng.choice(PLACES_LIVED)
            rows.append((f"M{p:03d}-{n}", day, rng.choice(["RSN", "RSK"]), "PSY1",
                         rng.choice(["premiere_ligne", "soutien"]), "individuel", "cabinet", f"PM{p:03d}", age,
                         home, "92094", rng.choice([True, False, None]), 83, 11))
            day += timedelta(days=rng.randrange(0, 120))
    return rows


@pytest.fixture(scope="module")
def movers_con(tmp_path_factory):
    path = tmp_path_factory.mktemp("areas") / "movers.duckdb"
    load_tiny(path)
    con = db.connect(path)
    con.executemany(
        "insert into sessions (session_id, session_date, network, psychologist_id, care_level, format, setting,"
        " patient_id, patient_age, patient_commune, session_commune, preferential_tariff, fee_inami_eur,"
        " fee_patient_eur) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", movers())
    db.refresh_derived(con)
    con.close()
    con = db.connect(path, read_only=True)
    yield con
    con.close()


def plain_places(con, date_from, date_to, networks) -> Counter:
    rows = con.execute(PLACES, {"f": date_from, "t": date_to, "n": networks}).fetchall()
    return Counter(dict(rows))


def test_the_movers_hold_the_cases_the_sets_must_get_right(movers_con):
    moved = movers_con.execute("""
        select count(*) from (
            select patient_key from stg_sessions
            where format = 'individuel' and year = 2024 and patient_in_province
            group by all having count(distinct patient_arrondissement) > 1)
    """).fetchone()[0]
    places = plain_places(movers_con, date(2024, 1, 1), date(2024, 12, 31), None)
    assert moved > 20 and places["unknown"] > 20 and places["hors_province"] > 20


@pytest.mark.parametrize("networks", NETWORKS)
@pytest.mark.parametrize("period", PERIODS)
def test_patients_by_area_and_commune_are_distinct_counts(movers_con, period, networks):
    (date_from, date_to), plain = period, plain_places(movers_con, *period, networks)
    params = dict(date_from=date_from, date_to=date_to, networks=networks, care_levels=None, formats=None,
                  settings=None)
    areas = db.run(movers_con, "south/reach_by_area", **params)
    got = {r["area"]: r["patients"] for r in areas.iter_rows(named=True)}
    assert got == {area: plain[area] for area in got}
    assert set(plain) - set(got) <= {nis for nis in plain if nis.isdigit()}  # communes: the next query's
    communes = db.run(movers_con, "south/coverage_by_commune", **params, arrondissements=None, communes=None)
    assert {r["nis"]: r["patients"] for r in communes.iter_rows(named=True)} == {
        nis: plain[nis] for nis in communes["nis"]}
    population = communes["population"].sum()
    assert communes["province_reach_per_1000"].unique().to_list() == [
        pytest.approx(1000 * plain["province"] / population)]


@pytest.mark.parametrize("networks", NETWORKS)
@pytest.mark.parametrize("period", PERIODS)
def test_bim_breakdowns_sum_the_patients_first_sessions(movers_con, period, networks):
    date_from, date_to = period
    firsts = movers_con.execute("""
        select f.first_network, f.first_commune, c.arrondissement, c.is_south, b.band, f.first_bim,
            f.individual_sessions
        from f_patients_grouped($f, $t, $n::varchar[], null, null, null, null, null) as f
        left join stg_communes as c on c.nis = f.first_commune
        left join stg_age_bands as b on b.age = f.first_age
    """, {"f": date_from, "t": date_to, "n": networks}).fetchall()
    expected = defaultdict(lambda: [0, 0, 0, 0])  # patients, BIM patients, sessions, BIM patients' sessions
    for network, commune, arrondissement, is_south, band, bim, sessions in firsts:
        zone = ("south" if is_south else "north") if arrondissement else (
            "unknown" if commune is None else "hors_province")
        for key in (("all", "all"), ("network", network), ("zone", zone), ("arrondissement", arrondissement),
                    ("age_band", band)):
            if key[1] is None:
                continue
            cell = expected[key]
            cell[0] += 1
            cell[1] += bool(bim)
            cell[2] += sessions
            cell[3] += sessions if bim else 0
    got = db.run(movers_con, "access/bim_share_by_group", date_from=date_from, date_to=date_to,
                 networks=networks, **SHARED)
    for r in got.iter_rows(named=True):
        cell = expected.pop((r["breakdown"], r["group_key"]), [0, 0, 0, 0])
        assert [r["patients"], r["bim_patients"], r["individual_sessions"], r["bim_sessions"]] == cell, r
    assert not expected  # every group with patients has its row
    assert len(firsts) > 10 and any(bim for *_, bim, _ in firsts)
