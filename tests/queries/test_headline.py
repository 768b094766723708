"""The headline figures (metrics command and Overview) against the hand-computed tiny fixture."""

import json
import subprocess
import sys
from datetime import date

import pytest

from psynam import ROOT, db
from psynam.filters import Filters
from psynam.metrics import headline as _headline, runner
from tests.queries.expected import (BUDGET_2024, UNIVERSALISM_2024, UNIVERSALISM_2024_RSN, YEAR_2024,
                                   YEAR_2024_RSN)

def headline(con, filters):
    return _headline(runner(con), filters)


Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))


def test_year_2024_all_networks(tiny_con):
    figures = headline(tiny_con, Y2024)
    assert {k: figures[k] for k in YEAR_2024} == YEAR_2024


def test_year_2024_rsn(tiny_con):
    figures = headline(tiny_con, Filters(date(2024, 1, 1), date(2024, 12, 31), networks=["RSN"]))
    assert {k: figures[k] for k in YEAR_2024_RSN} == YEAR_2024_RSN


def test_universalism_keys_2024(tiny_con):
    figures = headline(tiny_con, Y2024)
    assert {k: figures[k] for k in UNIVERSALISM_2024} == UNIVERSALISM_2024
    assert figures["bim_patients_pct"] == round(100 * figures["bim_patients"] / figures["patients"], 2)


def test_universalism_keys_with_no_second_session_or_activity(tiny_con):
    # RSK in September 2024: PD only (new, one session, no second ever) -> no median; ACT2 is online
    figures = headline(tiny_con, Filters(date(2024, 9, 1), date(2024, 9, 30), networks=["RSK"]))
    assert (figures["new_patients"], figures["single_session_patients"]) == (1, 1)
    assert figures["median_days_first_to_second"] is None
    assert (figures["network_activities"], figures["activity_participants"]) == (1, 5)
    assert figures["bim_patients"] == 0 and figures["bim_patients_pct"] == 0.0
    # PSY3 (S07, RSK) / 495 832 x 10 000
    assert figures["active_psychologists_per_10000"] == 0.02


def test_budget_lines(tiny_con):
    lines = headline(tiny_con, Y2024)["budget"]
    got = {(b["year"], b["network"], b["category"]): (b["envelope_eur"], b["spent_eur"], b["usage_pct"])
           for b in lines}
    assert got == BUDGET_2024


def test_admin_fee_counted_once_a_year_in_the_period_of_the_first_session(tiny_con):
    # Second half of 2024: RSK's PC (first 2024 session 2024-07-01) and PD; RSN's PE only.
    lines = headline(tiny_con, Filters(date(2024, 7, 1), date(2024, 12, 31)))["budget"]
    admin = {b["network"]: b["spent_eur"] for b in lines if b["category"] == "administratif"}
    assert admin == {"RSK": 120.0, "RSN": 60.0}


def test_adjacent_periods_add_up(tiny_con):
    def spent(f):
        return {(b["network"], b["category"]): b["spent_eur"] for b in headline(tiny_con, f)["budget"]}
    first = spent(Filters(date(2024, 1, 1), date(2024, 6, 30)))
    second = spent(Filters(date(2024, 7, 1), date(2024, 12, 31)))
    whole = spent(Y2024)
    for key, value in whole.items():
        assert first.get(key, 0) + second.get(key, 0) == pytest.approx(value)


def test_filters_restrict_rows(tiny_con):
    one_commune = db.run(tiny_con, "overview/activity_kpis",
                         **Filters(date(2024, 1, 1), date(2024, 12, 31), communes=["93056"]).params())
    assert one_commune["sessions"][0] == 3  # S05, S06, S10 (S10 by video: the patient's commune)
    groups = db.run(tiny_con, "overview/activity_kpis",
                    **Filters(date(2024, 1, 1), date(2024, 12, 31), formats=["groupe"]).params())
    row = groups.row(0, named=True)
    assert (row["sessions"], row["patients"], row["group_participations"]) == (2, 0, 14)
    # Clairvisions carry no format: with a format filter they are left out, so PSY4 is not active.
    assert (row["active_psychologists"], row["clairvisions"]) == (2, 0)


def test_geography_filter_changes_population_share(tiny_con):
    south_only = db.run(tiny_con, "overview/activity_kpis",
                        **Filters(date(2024, 1, 1), date(2024, 12, 31),
                                  arrondissements=["Dinant", "Philippeville"]).params())
    row = south_only.row(0, named=True)
    assert row["south_population_pct"] == pytest.approx(100.0)
    assert row["south_sessions_pct"] == pytest.approx(100.0)
    assert row["sessions"] == 5  # the Liège session and the northern ones are out


def test_previous_period_has_equal_length():
    prev = Y2024.previous()  # 2024 has 366 days, so the previous period starts on 31/12/2022
    assert (prev.date_from, prev.date_to) == (date(2022, 12, 31), date(2023, 12, 31))
    assert prev.days == Y2024.days == 366


def test_empty_period_gives_zeros_and_nulls(tiny_con):
    figures = headline(tiny_con, Filters(date(2022, 1, 1), date(2022, 1, 31)))
    assert figures["sessions"] == 0 and figures["patients"] == 0
    assert figures["south_sessions_pct"] is None and figures["elderly_patients_pct"] is None
    assert figures["bim_patients_pct"] is None and figures["median_days_first_to_second"] is None
    assert (figures["new_patients"], figures["network_activities"], figures["activity_participants"]) == (0, 0, 0)
    assert figures["active_psychologists_per_10000"] == 0.0
    assert figures["budget"] == []


def test_monthly_series_sums_to_sessions(tiny_con):
    monthly = db.run(tiny_con, "overview/sessions_by_month", **Y2024.params())
    assert monthly["sessions"].sum() == YEAR_2024["sessions"]
    assert set(monthly["network"]) == {"RSN", "RSK"}


def test_metrics_command_prints_exactly_the_contract_keys(tiny_db):
    out = subprocess.run(
        [sys.executable, "-m", "psynam", "metrics", "--from", "2024-01-01", "--to", "2024-12-31",
         "--network", "RSN", "--db", str(tiny_db), "--json"],
        capture_output=True, text=True, cwd=ROOT, check=True).stdout
    figures = json.loads(out)
    assert list(figures) == [
        "sessions", "individual_sessions", "group_sessions", "patients", "active_psychologists",
        "registered_partners", "active_partners", "partners_outside_care_pct", "south_sessions_pct",
        "south_population_pct", "elderly_patients", "elderly_patients_pct", "early_childhood_sessions",
        "bim_patients", "bim_patients_pct", "new_patients", "single_session_patients",
        "median_days_first_to_second", "active_psychologists_per_10000", "network_activities",
        "activity_participants", "budget"]
    assert {k: figures[k] for k in YEAR_2024_RSN} == YEAR_2024_RSN
    assert {k: figures[k] for k in UNIVERSALISM_2024_RSN} == UNIVERSALISM_2024_RSN
    assert all(isinstance(figures[k], int) for k in ("sessions", "patients", "registered_partners"))


def test_runner_rejects_missing_and_extra_parameters(tiny_con):
    with pytest.raises(db.QueryParameterError, match="missing"):
        db.run(tiny_con, "overview/sessions_by_month", date_from=date(2024, 1, 1))
    with pytest.raises(db.QueryParameterError, match="unexpected"):
        db.run(tiny_con, "filters/communes", colour="red")
