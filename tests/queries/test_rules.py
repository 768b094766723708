"""The ceiling check (rules/sessions_per_patient and psynam.budget.ceiling_status) against hand-computed
fixtures (docs/indicators.md, ceiling check; data/reference/ceilings.csv; age groups from ref_networks).

Budget fixture (tests/fixtures/budget/README.md), year 2024, whole year:
    RSN premiere_ligne individuel 15_plus (ceiling 8): A 6 sessions (Jan–Mar premiere_ligne + Apr–Jun soutien,
        both the 2021 first line), R3 9 (age 19, followed by RSN -> 15_plus) -> 2 patients, 0 at, 1 over.
    RSK premiere_ligne individuel moins_23 (ceiling 10): K1 10 (at), K2 11 (age 17, followed by RSK ->
        moins_23; over) -> 2 patients, 1 at, 1 over.
    RSK specialise individuel moins_23 (max 20, average 10): K4 20 -> 1 patient, 1 at the maximum.
    The group session has no patient id: it is not checked.
Year 2023: RSN premiere_ligne 15_plus: A 12 (over 8), B 6 -> 2 patients, 0 at, 1 over.
Tiny fixture, 2024 (tests/fixtures/tiny): RSN first line PA 2, PB 1 (S03 soutien), PE 1; RSN specialised PB 1
    (S04 traitement); RSK first line PC 2 (age 1 -> moins_23); RSK specialised PD 1 (age 16, RSK ->
    moins_23). Nobody near a ceiling.
"""

from datetime import date

import polars as pl

from psynam import budget, db
from tests.fixtures.budget import budget_con, budget_db  # noqa: F401  (pytest fixtures)

Y2024 = {"date_from": date(2024, 1, 1), "date_to": date(2024, 12, 31)}


def status(con, networks=None, **period) -> dict:
    dist = db.run(con, "rules/sessions_per_patient", networks=networks, **(period or Y2024))
    return {(r["year"], r["network"], r["level_2021"], r["format"], r["age_group"]):
            (r["max_sessions"], r["patients"], r["patients_at_ceiling"], r["patients_over_ceiling"])
            for r in budget.ceiling_status(dist).iter_rows(named=True)}


def test_patients_at_and_over_the_ceiling(budget_con):
    assert status(budget_con) == {
        (2024, "RSK", "premiere_ligne", "individuel", "moins_23"): (10, 2, 1, 1),
        (2024, "RSK", "specialise", "individuel", "moins_23"): (20, 1, 1, 0),
        (2024, "RSN", "premiere_ligne", "individuel", "15_plus"): (8, 2, 0, 1),
    }


def test_a_year_is_counted_from_january_even_when_the_period_starts_later(budget_con):
    got = status(budget_con, date_from=date(2023, 7, 1), date_to=date(2024, 12, 31))
    assert got[(2023, "RSN", "premiere_ligne", "individuel", "15_plus")] == (8, 2, 0, 1)  # A: 12 sessions
    assert len(got) == 4


def test_a_year_under_way_is_checked_to_the_period_end(budget_con):
    # To 30/06/2024: K1 5, K2 7, K4 7, A 6 sessions; R3 not yet seen -> nobody at or over a ceiling.
    got = status(budget_con, date_from=date(2024, 1, 1), date_to=date(2024, 6, 30))
    assert all(at == 0 and over == 0 for _, _, at, over in got.values())
    assert got[(2024, "RSN", "premiere_ligne", "individuel", "15_plus")] == (8, 1, 0, 0)


def test_network_filter(budget_con):
    assert status(budget_con, networks=["RSN"]) == {
        (2024, "RSN", "premiere_ligne", "individuel", "15_plus"): (8, 2, 0, 1)}


def test_distribution_has_no_patient_ids_and_holds_every_patient(budget_con):
    dist = db.run(budget_con, "rules/sessions_per_patient", networks=None, **Y2024)
    assert not any("patient_id" in c for c in dist.columns)
    assert dist["patients"].sum() == 5  # A, R3, K1, K2, K4
    assert set(zip(dist["sessions"], dist["network"])) == {(6, "RSN"), (9, "RSN"), (10, "RSK"), (11, "RSK"), (20, "RSK")}
    specialised = dist.filter(pl.col("level_2021") == "specialise").row(0, named=True)
    assert (specialised["average_sessions"], specialised["level_label"]) == (10, "Spécialisé (2021)")


def test_age_groups_and_2021_levels_on_the_tiny_fixture(tiny_con):
    dist = db.run(tiny_con, "rules/sessions_per_patient", networks=None, **Y2024)
    got = {(r["network"], r["level_2021"], r["age_group"], r["sessions"]): r["patients"] for r in dist.iter_rows(named=True)}
    assert got == {
        ("RSN", "premiere_ligne", "15_plus", 1): 2,  # PB (S03), PE (S08)
        ("RSN", "premiere_ligne", "15_plus", 2): 1,  # PA
        ("RSN", "specialise", "15_plus", 1): 1,      # PB (S04)
        ("RSK", "premiere_ligne", "moins_23", 2): 1,  # PC
        ("RSK", "specialise", "moins_23", 1): 1,      # PD, 16 and followed by RSK
    }


def test_empty_period(tiny_con):
    dist = db.run(tiny_con, "rules/sessions_per_patient", networks=None, date_from=date(2022, 1, 1),
                  date_to=date(2022, 1, 31))
    assert dist.is_empty() and budget.ceiling_status(dist).is_empty()
