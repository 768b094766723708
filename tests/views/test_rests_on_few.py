"""Result.rests_on_few, the coordinator's note "some figures rest on fewer than 5 people": read from the
exact rows (a count from 1 to 4, or a rate or share read from one, a share's rest included), without
publishing the result; it looks only at the columns asked for."""

import polars as pl

from psynam.views import Result

ROW = {"sessions": 120, "individual_sessions": 100, "group_sessions": 20, "group_participations": 90,
       "patients": 40, "active_psychologists": 12, "clairvisions": 6, "province_sessions": 110,
       "south_sessions": 30, "south_sessions_pct": 27.3, "south_population_pct": 30.0, "elderly_patients": 10,
       "elderly_patients_pct": 25.0, "early_childhood_sessions": 8, "early_childhood_sessions_pct": 6.7}


def kpis(**changes) -> Result:
    return Result.of("overview/activity_kpis", pl.DataFrame([{**ROW, **changes}]))


def test_nothing_small():
    assert not kpis().rests_on_few()
    assert not kpis(clairvisions=0).rests_on_few()  # zero is no one


def test_a_small_count_or_a_share_read_from_one():
    assert kpis(clairvisions=3).rests_on_few()
    assert kpis(elderly_patients=37).rests_on_few()        # 40 − 37 = 3 patients under 65
    assert kpis(elderly_patients=2).rests_on_few(["elderly_patients_pct"])
    assert not kpis(clairvisions=3).rests_on_few(["elderly_patients", "elderly_patients_pct"])


def test_the_threshold_is_the_results():
    from dataclasses import replace
    assert replace(kpis(clairvisions=6), threshold=11).rests_on_few()
    assert not replace(kpis(clairvisions=3), threshold=2).rests_on_few()
