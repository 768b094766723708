"""Each rule of the contract rejects the row with `file:line: column: reason`; warnings do not reject."""

from __future__ import annotations

import pytest

from psynam.ingest import import_paths
from tests.ingest.conftest import GROUP, messages, sessions_file, write_rows



@pytest.mark.parametrize("override, column, reason", [
    ({"session_id": ""}, "session_id", "valeur requise"),
    ({"session_date": ""}, "session_date", "valeur requise"),
    ({"session_date": "2099-01-01"}, "session_date", "date dans le futur"),
    ({"session_date": "31/08/2021"}, "session_date", "date antérieure au début du programme (01/09/2021)"),
    ({"network": ""}, "network", "valeur requise"),
    ({"network": "RSX"}, "network", "valeur inconnue (attendu : RSN, RSK)"),
    ({"psychologist_id": ""}, "psychologist_id", "valeur requise"),
    ({"care_level": "niveau 3"}, "care_level", "valeur inconnue"),
    ({"format": "duo"}, "format", "valeur inconnue (attendu : groupe, individuel)"),
    ({"setting": ""}, "setting", "valeur requise"),
    ({"patient_id": ""}, "patient_id", "requis pour une séance individuelle"),
    ({"patient_age": ""}, "patient_age", "requis pour une séance individuelle"),
    ({**GROUP, "patient_id": "PA9"}, "patient_id", "doit être vide pour une séance de groupe"),
    ({**GROUP, "patient_age": "30"}, "patient_age", "doit être vide pour une séance de groupe"),
    ({"patient_age": "111"}, "patient_age", "âge hors limites (0 à 110 ans)"),
    ({"patient_age": "-1"}, "patient_age", "âge hors limites (0 à 110 ans)"),
    ({"session_commune": ""}, "session_commune", "requise sauf pour une séance en vidéo"),
    ({"setting": "partenaire"}, "partner_id", "requis quand le lieu est « partenaire » (outreaching)"),
    ({**GROUP, "participants": ""}, "participants", "requis pour une séance de groupe"),
    ({**GROUP, "participants": "0"}, "participants", "doit valoir au moins 1"),
    ({"fee_inami_eur": "-83"}, "fee_inami_eur", "montant négatif"),
    ({"fee_patient_eur": "-1,00"}, "fee_patient_eur", "montant négatif"),
    ({"preferential_tariff": "bof"}, "preferential_tariff", "oui/non attendu"),
])
def test_session_rule(tmp_path, db, override, column, reason):
    path = sessions_file(tmp_path, {}, override)
    report = import_paths([path], db)
    assert report.status == "refused"
    errors = messages(report)
    assert len(errors) == 1, errors
    assert errors[0].startswith(f"{path}:3: {column}: {reason}")
    assert not db.exists()


def test_video_session_needs_no_commune(tmp_path, db):
    assert import_paths([sessions_file(tmp_path, {"setting": "visio", "session_commune": ""})], db).ok


@pytest.mark.parametrize("participants, warned", [("3", True), ("4", False), ("15", False), ("16", True)])
def test_group_size_outside_4_to_15_is_a_warning(tmp_path, db, participants, warned):
    path = sessions_file(tmp_path, {**GROUP, "participants": participants})
    report = import_paths([path], db)
    assert report.ok
    expected = [f"{path}:2: participants: avertissement : hors de la fourchette attendue pour un groupe "
                f"(4 à 15) (« {participants} »)"]
    assert messages(report, "warning") == (expected if warned else [])


def test_coordinator_warnings(tmp_path, db):
    path = sessions_file(tmp_path,
                         {"care_level": "1L", "session_date": "2024-04-02"},       # 2021 code after 31/03/2024
                         {"care_level": "soutien", "session_date": "2024-03-29"},  # 2024 code before 01/04/2024
                         {"network": "RSK", "patient_age": "30"},                  # RSK: under 23
                         {"network": "RSN", "patient_age": "12"},                  # RSN: 15 and over
                         {"session_commune": "Liège"})                             # outside the province
    report = import_paths([path], db)
    assert report.ok and report.tables["sessions"].inserted == 5
    warnings = messages(report, "warning")
    assert warnings[0].startswith(f"{path}:2: care_level: avertissement : code « premiere_ligne » utilisé hors")
    assert warnings[1].startswith(f"{path}:3: care_level: avertissement : code « soutien » utilisé hors")
    assert warnings[2].startswith(f"{path}:4: patient_age: avertissement : âge hors du public du réseau RSK")
    assert warnings[3].startswith(f"{path}:5: patient_age: avertissement : âge hors du public du réseau RSN")
    assert warnings[4] == f"{path}:6: session_commune: avertissement : commune hors province (« Liège »)"


def test_duplicate_ids_within_a_file_name_both_lines(tmp_path, db):
    path = sessions_file(tmp_path, {"session_id": "S1"}, {"session_id": "S2"}, {"session_id": "S1"})
    assert messages(import_paths([path], db)) == [
        f"{path}:2: session_id: identifiant en double (aussi ligne 4) (« S1 »)",
        f"{path}:4: session_id: identifiant en double (aussi ligne 2) (« S1 »)"]


def test_duplicate_budget_key_across_files(tmp_path, db):
    row = dict(year="2024", network="RSN", category="individuel", envelope_eur="10", capped="1")
    first = write_rows(tmp_path / "budget.csv", [row])
    (tmp_path / "more").mkdir()
    second = write_rows(tmp_path / "more" / "budget.csv", [{**row, "category": "Individuel"}])
    assert messages(import_paths([first, second], db)) == [
        f"{first}:2: year, network, category: identifiant en double (aussi {second}:2) (« 2024 / RSN / individuel »)",
        f"{second}:2: year, network, category: identifiant en double (aussi {first}:2) (« 2024 / RSN / Individuel »)"]


@pytest.mark.parametrize("table, row, column, reason", [
    ("clairvisions", dict(clairvision_id="C9", clairvision_date="2023-01-01", network="RSN", psychologist_id="PS01",
                          commune="Namur", participants="0", duration_hours="2", fee_inami_eur="83"),
     "participants", "doit valoir au moins 1"),
    ("clairvisions", dict(clairvision_id="C9", clairvision_date="2023-01-01", network="RSN", psychologist_id="PS01",
                          commune="Namur", participants="5", duration_hours="0", fee_inami_eur="83"),
     "duration_hours", "doit être supérieure à 0"),
    ("clairvisions", dict(clairvision_id="C9", clairvision_date="2023-01-01", network="RSN", psychologist_id="PS01",
                          commune="", participants="5", duration_hours="1", fee_inami_eur="83"),
     "commune", "valeur requise"),
    ("partners", dict(partner_id="P9", name="X", sector="cuisine", commune="Namur", network="RSN",
                      joined_on="2022-01-01"), "sector", "valeur inconnue (attendu : assuetudes,"),
    ("partners", dict(partner_id="P9", name="X", sector="social", commune="Namur", network="RSN",
                      joined_on="2022-01-01", membership="honoraire"), "membership", "valeur inconnue (attendu : adherent, effectif)"),
    ("partners", dict(partner_id="P9", name="X", sector="social", commune="Namur", network="RSN",
                      joined_on="2022-01-01", left_on="2021-12-31"), "left_on", "date de sortie antérieure"),
    ("agreements", dict(agreement_id="A9", partner_id="P001", psychologist_id="PS01", network="RSN",
                        signed_on="2022-01-01", start_on="2022-01-01", hours_per_month="0"),
     "hours_per_month", "doit être supérieur à 0"),
    ("agreements", dict(agreement_id="A9", partner_id="P001", psychologist_id="PS01", network="RSN",
                        signed_on="2022-01-01", start_on="2022-01-01", hours_per_month="4", settings="cabinet|plage"),
     "settings", "valeur inconnue dans la liste"),
    ("agreements", dict(agreement_id="A9", partner_id="P404", psychologist_id="PS01", network="RSN",
                        signed_on="2022-01-01", start_on="2022-01-01", hours_per_month="4"),
     "partner_id", "partenaire inconnu"),
    ("psychologists", dict(psychologist_id="PS9", network="RSN", practice_commune="Namur",
                           conventioned_on="2022-01-01", ended_on="2021-01-01"), "ended_on", "date de fin antérieure"),
    ("budget", dict(year="2024", network="RSN", category="individuel", envelope_eur="10", capped=""),
     "capped", "valeur requise"),
    ("budget", dict(year="2024", network="RSN", category="loyer", envelope_eur="10", capped="0"),
     "category", "valeur inconnue"),
    ("budget", dict(year="24", network="RSN", category="groupe", envelope_eur="10", capped="0"), "year", "année invalide"),
    ("activities", dict(activity_id="ACT9", activity_date="2023-01-01", participants="-2"),
     "participants", "ne peut pas être négatif"),
])
def test_other_table_rules(populated, tmp_path, table, row, column, reason):
    path = write_rows(tmp_path / f"{table}.csv", [row])
    errors = messages(import_paths([path], populated))
    assert len(errors) == 1 and errors[0].startswith(f"{path}:2: {column}: {reason}"), errors


def test_partner_id_checked_against_the_database(populated, tmp_path):
    path = sessions_file(tmp_path, {"setting": "partenaire", "partner_id": "P001"},
                         {"setting": "partenaire", "partner_id": "P404"})
    assert messages(import_paths([path], populated)) == [
        f"{path}:3: partner_id: partenaire inconnu (absent de la table partners) (« P404 »)"]


def test_partner_id_checked_against_partners_of_the_same_import(tmp_path, db):
    partners = write_rows(tmp_path / "partners.csv", [dict(partner_id="P7", name="X", sector="social",
                                                           commune="Namur", network="RSN", joined_on="2022-01-01")])
    sessions = sessions_file(tmp_path, {"setting": "outreaching", "partner_id": "P7"},
                             {"setting": "outreaching", "partner_id": "P8"})
    assert messages(import_paths([partners, sessions], db)) == [
        f"{sessions}:3: partner_id: partenaire inconnu (absent de la table partners) (« P8 »)"]


def test_partner_id_not_checked_when_no_partners_are_known(tmp_path, db):
    assert import_paths([sessions_file(tmp_path, {"setting": "partenaire", "partner_id": "P8"})], db).ok
