"""Every value parses to what it says or is rejected with `file:line: column: reason` (issue 17, item 1):
digits other than 0-9, two-digit years, digits grouped wrongly, control characters, over-long text — and a
required value is checked after parsing, so that nothing becomes NULL without a message."""

from __future__ import annotations

import polars as pl
import pytest

from psynam.ingest import import_paths, validate, values
from psynam.ingest.tables import TABLES
from tests.ingest.conftest import GROUP, messages, rows, sessions_file, write_rows

CLAIRVISION = dict(clairvision_id="C9", clairvision_date="2023-01-01", network="RSN", psychologist_id="PS01",
                   commune="Namur", participants="5", duration_hours="2", fee_inami_eur="83")
PARTNER = dict(partner_id="P9", name="Maison médicale Ciney", sector="maison_medicale", commune="Ciney",
               network="RSN", joined_on="2022-01-01")
DIGITS = "chiffres autres que 0 à 9"


@pytest.mark.parametrize("override, column, reason", [
    ({"fee_inami_eur": "٨٣"}, "fee_inami_eur", DIGITS),                       # Arabic-Indic digits
    ({"fee_inami_eur": "８３,００"}, "fee_inami_eur", DIGITS),                  # full-width digits
    ({"patient_age": "٤٠"}, "patient_age", DIGITS),                           # a required age
    ({**GROUP, "participants": "６"}, "participants", DIGITS),                # required for a group
    ({"session_commune": "٩٢٠٩٤"}, "session_commune", DIGITS),
    ({"session_date": "٢٠٢٤-٠٥-٠٦"}, "session_date", DIGITS),
    ({"network": "RSN١"}, "network", "valeur inconnue"),
    ({"session_date": "24-03-31"}, "session_date", "année à deux chiffres"),  # was read as 24/03/2031
    ({"session_date": "6/5/24"}, "session_date", "année à deux chiffres"),    # was read as 06/05/2024
    ({"fee_inami_eur": "12 34,5"}, "fee_inami_eur", "chiffres mal groupés"),  # was read as 1234.50
    ({"fee_inami_eur": "1 2345"}, "fee_inami_eur", "chiffres mal groupés"),
    ({"patient_age": "4 0"}, "patient_age", "chiffres mal groupés"),
    ({"patient_id": "PA\x001"}, "patient_id", "caractère de contrôle invisible (U+0000)"),
    ({"psychologist_id": "PS\x1b[31m"}, "psychologist_id", "caractère de contrôle invisible (U+001B)"),
    ({"patient_id": "P" * 101}, "patient_id", "texte trop long (101 caractères ; au plus 100)"),
])
def test_a_value_that_does_not_parse_to_what_it_says_rejects_its_row(tmp_path, db, override, column, reason):
    path = sessions_file(tmp_path, {}, override, sep=";")
    report = import_paths([path], db)
    assert report.status == "refused" and report.tables["sessions"].rejected == 1
    [error] = messages(report)
    assert error.startswith(f"{path}:3: {column}: {reason}"), error
    assert not db.exists()


def test_with_accept_valid_a_refused_value_never_becomes_null(tmp_path, db):
    path = sessions_file(tmp_path, {}, {"fee_inami_eur": "٨٣"}, {"patient_age": "٤٠"}, {"session_date": "24-03-31"})
    report = import_paths([path], db, accept_valid=True)
    assert report.ok and report.tables["sessions"].inserted == 1 and report.tables["sessions"].rejected == 3
    assert rows(db, "select session_id, fee_inami_eur::varchar, patient_age, session_date::varchar from sessions") == [
        ("S1", "83.00", 40, "2024-05-06")]


def test_grouped_thousands_are_still_read(tmp_path, db):
    path = sessions_file(tmp_path, *[{"fee_inami_eur": t} for t in ("1 234,5", "1\u00a0234,50", "1'234.50",
                                                                      "€ 83", "83,00 EUR", " 83 ")], sep=";")
    assert import_paths([path], db).ok
    assert [r[0] for r in rows(db, "select fee_inami_eur::varchar from sessions order by session_id")] == [
        "1234.50", "1234.50", "1234.50", "83.00", "83.00", "83.00"]


def test_a_required_clairvision_value_in_foreign_digits_is_rejected_not_a_crash(tmp_path, db):
    path = write_rows(tmp_path / "clairvisions.csv", [CLAIRVISION, {**CLAIRVISION, "clairvision_id": "C10",
                                                                    "participants": "٣"}])
    report = import_paths([path], db)
    assert report.status == "refused"
    assert messages(report) == [f"{path}:3: participants: {values.FOREIGN_DIGIT_REASON} (« ٣ »)"]


def test_a_long_name_is_rejected_and_its_message_stays_short(tmp_path, db):
    name = "Maison médicale " + "x" * (10 * 1024 * 1024)
    path = write_rows(tmp_path / "partners.csv", [PARTNER, {**PARTNER, "partner_id": "P10", "name": name}])
    report = import_paths([path], db)
    [error] = messages(report)
    assert error.startswith(f"{path}:3: name: texte trop long (10 485 776 caractères ; au plus 300) "
                            "(« Maison médicale xxx")
    assert len(error) < 400
    assert len(write_rows(tmp_path / "ok.csv", [{**PARTNER, "name": "é" * 300}]).read_text()) > 300
    assert import_paths([tmp_path / "ok.csv"], db).ok      # 300 characters, accents included: accepted


def test_a_nul_byte_past_the_first_64_kb_is_rejected(tmp_path, db):
    many = [{"session_id": f"S{i}", "patient_id": f"PA{i}"} for i in range(1, 1200)]
    path = sessions_file(tmp_path, *many, {"session_id": "LAST", "patient_id": "PA\x00X"}, sep=";")
    assert path.stat().st_size > 65536 + 1000
    report = import_paths([path], db)
    assert messages(report) == [f"{path}:1201: patient_id: caractère de contrôle invisible (U+0000) : fichier "
                                "abîmé ? Corrigez cette valeur (« PA<U+0000>X »)"]


def test_no_value_becomes_null_silently_whatever_the_parser_says(monkeypatch):
    """The last guard: a parser that gives no value and no reason for a non-empty text still rejects it."""
    column = TABLES["sessions"].column("fee_inami_eur")
    real = validate._parse

    def lossy(col):
        return values.Parsed(pl.lit(None, pl.Decimal(12, 2))) if col == column else real(col)

    monkeypatch.setattr(validate, "_parse", lossy)
    frame = pl.DataFrame({"fee_inami_eur": ["83,00", None]})
    typed, checks = validate._typed(frame, [column])
    flagged = [ck.message for ck in checks if typed.select(ck.condition.fill_null(False)).to_series().to_list()[0]]
    assert flagged == [validate.UNREAD]
    assert not any(typed.select(ck.condition.fill_null(False)).to_series().to_list()[1] for ck in checks)


def test_a_required_value_is_checked_after_parsing():
    """A required column whose text parses to nothing is rejected by its parse problem, and the required
    rule looks at the typed value (`valeur requise` for an empty cell only, never a second message)."""
    column = TABLES["clairvisions"].column("participants")
    frame = pl.DataFrame({"participants": ["٣", None, "4"]})
    typed, checks = validate._typed(frame, [column])
    by_row = [[ck.message for ck in checks if typed.select(ck.condition.fill_null(False)).to_series()[i]]
              for i in range(3)]
    assert by_row == [[values.FOREIGN_DIGIT_REASON], ["valeur requise"], []]
