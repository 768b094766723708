"""Normalising values: numbers, dates, booleans, coded values through the aliases, communes."""

from __future__ import annotations

import datetime as dt
import csv

import pytest

from psynam import REFERENCE_DIR
from psynam.ingest import import_paths
from psynam.ingest.values import aliases, value_key
from tests.ingest.conftest import GROUP, messages, rows, sessions_file


def _one(tmp_path, db, column, *values, extra=None):
    """Import one session per value of `column`; return the stored values in order."""
    path = sessions_file(tmp_path, *[{**(extra or {}), column: v} for v in values], sep=";")
    report = import_paths([path], db)
    assert report.ok, messages(report)
    return [r[0] for r in rows(db, f"select {column} from sessions order by length(session_id), session_id")]


@pytest.mark.parametrize("text, stored", [
    ("83", "83.00"), ("83,00", "83.00"), ("83.5", "83.50"), ("1 234,56", "1234.56"),
    ("1\u00a0234,56", "1234.56"), ("1\u202f234,5", "1234.50"), ("1.234,56", "1234.56"), ("1,234.56", "1234.56"),
    ("1.234.567", "1234567.00"), ("83,00 €", "83.00"), ("0,125", None), (",5", "0.50"), ("83.0000", "83.00"),
])
def test_decimal_forms(tmp_path, db, text, stored):
    path = sessions_file(tmp_path, {"fee_inami_eur": text}, sep=";")
    report = import_paths([path], db)
    if stored is None:
        assert messages(report) == [f"{path}:2: fee_inami_eur: plus de 2 décimales (montants exacts au cent) (« {text} »)"]
    else:
        assert report.ok, messages(report)
        assert rows(db, "select fee_inami_eur::varchar from sessions") == [(stored,)]


@pytest.mark.parametrize("text, reason", [
    ("1.234", "séparateur ambigu"), ("1,234", "séparateur ambigu"), ("83 euros", "nombre invalide"),
    ("12a", "nombre invalide"), ("12345678901,00", "nombre trop grand"),
])
def test_decimal_rejections(tmp_path, db, text, reason):
    path = sessions_file(tmp_path, {"fee_inami_eur": text}, sep=";")
    [message] = messages(import_paths([path], db))
    assert message.startswith(f"{path}:2: fee_inami_eur: {reason}")


def test_integer_forms(tmp_path, db):
    assert _one(tmp_path, db, "participants", "8", "1 000", "12,0", extra=GROUP) == [8, 1000, 12]
    path = sessions_file(tmp_path, {**GROUP, "participants": "8,5"})
    assert messages(import_paths([path], db))[0].endswith("participants: nombre entier attendu (« 8,5 »)")


def test_both_date_formats(tmp_path, db):
    stored = _one(tmp_path, db, "session_date", "2024-03-31", "31/03/2024", "31-03-2024", "1/3/2024",
                  "31.03.2024", "2024-03-31 00:00:00", "31/3/2024", "45382", extra={"care_level": "premiere_ligne"})
    assert stored == [dt.date(2024, 3, 31)] * 3 + [dt.date(2024, 3, 1)] + [dt.date(2024, 3, 31)] * 4


@pytest.mark.parametrize("text", ["31/02/2024", "2024-13-01", "mars 2024", "12345", "31/3/2024/1"])
def test_invalid_dates(tmp_path, db, text):
    path = sessions_file(tmp_path, {"session_date": text})
    assert messages(import_paths([path], db)) == [
        f"{path}:2: session_date: date invalide (attendu JJ/MM/AAAA, AAAA-MM-JJ ou une date Excel) (« {text} »)"]


def test_a_month_first_date_refuses_the_whole_file(tmp_path, db):
    path = sessions_file(tmp_path, {"session_date": "04/03/2024"}, {"session_date": "03/31/24"})
    report = import_paths([path], db)
    assert report.status == "refused" and report.tables["sessions"].rejected == 2
    assert messages(report) == [f"{path}:3: session_date: date écrite mois avant jour (format américain) : "
                                "l'ordre jour/mois de tout le fichier est ambigu, fichier refusé ; exportez les "
                                "dates en JJ/MM/AAAA ou AAAA-MM-JJ (« 03/31/24 »)"]


def test_every_boolean_spelling(tmp_path, db):
    spellings = {"1": True, "0": False, "true": True, "FALSE": False, "oui": True, "Non": False, "O": True,
                 "n": False, "yes": True, "No": False, "Vrai": True, "faux": False, "": None}
    stored = _one(tmp_path, db, "preferential_tariff", *spellings)
    assert stored == list(spellings.values())
    path = sessions_file(tmp_path, {"preferential_tariff": "peut-être"})
    assert messages(import_paths([path], db))[0].startswith(f"{path}:2: preferential_tariff: oui/non attendu")


def test_every_alias_spelling(tmp_path, db):
    """Each spelling of value_aliases.csv maps to its code (checked through the importer for sessions)."""
    with open(REFERENCE_DIR / "value_aliases.csv", encoding="utf-8") as f:
        entries = list(csv.DictReader(f))
    for kind in ("care_level", "setting", "format"):
        spellings = [e for e in entries if e["kind"] == kind]
        overrides = [{kind: e["alias"], "partner_id": "P1", **(GROUP if e["code"] == "groupe" else {})}
                     for e in spellings]
        path = sessions_file(tmp_path, *overrides, name=f"sessions_{kind}.csv")
        target = tmp_path / f"{kind}.duckdb"
        report = import_paths([path], target)
        assert report.ok, messages(report)
        stored = dict(rows(target, f"select session_id, {kind} from sessions"))
        assert [stored[f"S{i + 1}"] for i in range(len(spellings))] == [e["code"] for e in spellings], kind


@pytest.mark.parametrize("text, code", [
    ("1L", "premiere_ligne"), ("première ligne", "premiere_ligne"), ("PREMIERE-LIGNE", "premiere_ligne"),
    ("spécialisé", "specialise"), ("SPEC", "specialise"), ("soutien psychologique", "soutien"),
    ("Traitement psychologique", "traitement"), ("interventions communautaires", "communautaire"),
])
def test_contract_care_level_spellings(text, code):
    assert aliases()["care_level"][value_key(text)] == code


@pytest.mark.parametrize("text, code", [
    ("outreaching", "partenaire"), ("lieu d'accroche", "partenaire"), ("Lieu d’accroche", "partenaire"),
    ("vidéo", "video"), ("VISIO", "video"), ("Cabinet", "cabinet"), ("domicile", "domicile"),
])
def test_contract_setting_spellings(text, code):
    assert aliases()["setting"][value_key(text)] == code


def test_unknown_code_lists_the_accepted_ones(tmp_path, db):
    path = sessions_file(tmp_path, {"setting": "jardin"}, {"network": "RSN+RSK"})
    assert messages(import_paths([path], db)) == [
        f"{path}:2: setting: valeur inconnue (attendu : cabinet, domicile, partenaire, video) (« jardin »)",
        f"{path}:3: network: valeur non admise ici (attendu : RSN, RSK) (« RSN+RSK »)"]


def test_target_public_tags_are_lower_cased_and_trimmed(tmp_path, db):
    assert _one(tmp_path, db, "target_public", " Précarité | AÎNÉS|aines ", "petite enfance", "") == [
        "precarite|aines", "petite_enfance", None]


def test_tags_separated_by_any_separator_drop_empty_ones(tmp_path, db):
    # a trailing separator, doubled ones and a line break next to one (these once crashed the import)
    assert _one(tmp_path, db, "target_public", "aines;", "x,,y", "aines;\nprecarite", " ; ") == [
        "aines", "x|y", "aines|precarite", None]


@pytest.mark.parametrize("text, nis", [
    ("92094", "92094"), ("Namur", "92094"), ("namur", "92094"), ("NAMUR", "92094"), ("Eghezee", "92035"),
    ("Éghezée", "92035"), ("Namen", "92094"),            # Dutch name
    ("Bruxelles", "21004"), ("Brussel", "21004"),        # French and Dutch, outside the province
    ("Sankt Vith", "63067"), ("Anvers", "11002"),        # German name without hyphen; French for Antwerpen
    ("11007", "11007"),                                   # a code ended by the 2025 mergers, kept as given
    ("Tielt", "37022"),                                   # a name kept by the merged commune: today's code
])
def test_commune_by_code_and_by_each_kind_of_name(tmp_path, db, text, nis):
    assert _one(tmp_path, db, "patient_commune", text) == [nis]


def test_ambiguous_commune_is_rejected(tmp_path, db):
    path = sessions_file(tmp_path, {"patient_commune": "Saint-Nicolas"})
    assert messages(import_paths([path], db)) == [
        f"{path}:2: patient_commune: nom de commune ambigu (46021 Saint-Nicolas (Flandre orientale) ; "
        "62093 Saint-Nicolas (Liège)) : indiquez le code NIS (« Saint-Nicolas »)"]


def test_unknown_commune_is_rejected_with_suggestions_never_guessed(tmp_path, db):
    path = sessions_file(tmp_path, {"session_commune": "Eghezé"}, {"session_commune": "Atlantis"},
                         {"session_commune": "99999"})
    assert messages(import_paths([path], db)) == [
        f"{path}:2: session_commune: commune inconnue ; vouliez-vous dire Eghezée (92035) ? (« Eghezé »)",
        f"{path}:3: session_commune: commune inconnue (« Atlantis »)",
        f"{path}:4: session_commune: code NIS inconnu (« 99999 »)"]
