"""The corpus of messy and broken files (tests/ingest/corpus/, described in its README): each is imported
correctly or refused with a message naming the file and the line or column — never a traceback, never a
silent wrong value — and `read − rejected = inserted + updated + unchanged` holds for every file."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from psynam.ingest import import_paths
from tests.ingest.conftest import CLEAN, data_tables, rows, snapshot

CORPUS = Path(__file__).parent / "corpus"
TODAY = dt.date(2024, 6, 30)
OK = "imported"

# file -> (status, sessions' (read, inserted, updated, unchanged, rejected), words the first error — or the
# first warning — must hold: the line or column it names and the reason). A refused file's counts say
# what its valid rows would do; nothing is written.
EXPECTED = {
    "01_utf8_semicolon.csv": (OK, (3, 3, 0, 0, 0), None),
    "02_utf8_bom.csv": (OK, (3, 3, 0, 0, 0), None),
    "03_windows1252.csv": (OK, (4, 4, 0, 0, 0), None),
    "04_windows1252_quote_oe_euro.csv": (OK, (2, 2, 0, 0, 0), None),
    "05_utf16_excel_unicode.txt": (OK, (3, 3, 0, 0, 0), None),
    "06_comma_separator.csv": (OK, (3, 3, 0, 0, 0), None),
    "07_tab_separator.tsv": (OK, (3, 3, 0, 0, 0), None),
    "08_thousands_separators.csv": (OK, (4, 4, 0, 0, 0), None),
    "09_dates_every_form.csv": (OK, (4, 4, 0, 0, 0), None),
    "10_dates_us_order.csv": ("refused", (3, 0, 0, 0, 3), ":3: Date séance: date écrite mois avant jour"),
    "11_title_and_notes_above.csv": (OK, (3, 3, 0, 0, 0), "ligne(s) 1 à 3 ignorée(s)"),
    "12_blank_lines.csv": (OK, (3, 3, 0, 0, 0), None),
    "13_total_row.csv": (OK, (3, 3, 0, 0, 0), ":5: -: avertissement : ligne de total ignorée"),
    "14_workbook_merged_title_and_header.xlsx": (OK, (3, 3, 0, 0, 0), ":Séances:4: -: avertissement"),
    "15_workbook_hidden_sheet.xlsx": (OK, (3, 3, 0, 0, 0), ":partners: -: avertissement : feuille masquée"),
    "16_workbook_formulas.xlsx": (OK, (3, 3, 0, 0, 0), None),
    "17_workbook_formula_without_value.xlsx": ("refused", (3, 2, 0, 0, 1),
                                               ":sessions:3: Montant INAMI: formule sans valeur calculée"),
    "18_workbook_excel_dates_and_numbers.xlsx": (OK, (3, 3, 0, 0, 0), None),
    "19_missing_required_columns.csv": ("refused", (3, 0, 0, 0, 3),
                                        ":1: session_date, network, care_level: colonnes requises absentes"),
    "20_extra_columns.csv": (OK, (3, 3, 0, 0, 0), ":1: Remarque, Saisi par: avertissement : colonnes inconnues"),
    "21_header_variants.csv": (OK, (3, 3, 0, 0, 0), None),
    "22_duplicate_ids.csv": ("refused", (3, 1, 0, 0, 2), ":2: ID Séance: identifiant en double (aussi ligne 4)"),
    "23_overlap_older.csv": (OK, (3, 3, 0, 0, 0), None),
    "24_overlap_newer.csv": (OK, (3, 3, 0, 0, 0), None),          # alone; on top of 23: test below
    "25_empty.csv": ("unreadable", None, ": -: fichier vide"),
    "26_header_only.csv": ("refused", (0, 0, 0, 0, 0), ": -: aucune ligne de données"),
    "27_truncated_last_line.csv": ("refused", (4, 3, 0, 0, 1), ":5: -: dernière ligne incomplète"),
    "28_unterminated_quote.csv": ("unreadable", None, ": -: guillemet non fermé à partir de la ligne 5"),
    "29_binary.csv": ("unreadable", None, ": -: contenu binaire"),
    "30_zip_bomb.zip": ("unreadable", None, ": -: l'archive se décompresse en 64,0 Mo"),
    "31_over_the_upload_limit.csv": ("unreadable", None, ": -: fichier trop volumineux (137 Ko ; limite 100 Ko)"),
    "32_formula_and_html_text.csv": (OK, (5, 5, 0, 0, 0), None),
    "33_zip_of_exports.zip": (OK, (3, 3, 0, 0, 0), "lisez-moi.txt: -: avertissement : fichier ignoré"),
    "34_unknown_commune.csv": ("refused", (3, 1, 0, 0, 2), ":2: Commune patient: commune inconnue ; vouliez-vous "
                                                           "dire Gembloux (92142) ?"),
    "35_xlsx_renamed_csv.csv": ("unreadable", None, ": -: c'est un classeur Excel (.xlsx)"),
    "36_no_final_line_break.csv": (OK, (3, 3, 0, 0, 0), ":4: -: avertissement : le fichier ne se termine pas"),
    "37_amount_below_the_cent.csv": ("refused", (3, 2, 0, 0, 1), ":2: Montant INAMI: plus de 2 décimales"),
    "38_quoted_line_break.csv": (OK, (4, 4, 0, 0, 0), None),
    "39_broken_zip.zip": ("unreadable", None, ": -: archive .zip illisible"),
}


def test_the_corpus_holds_at_least_30_files_each_expected_and_described():
    files = sorted(p.name for p in CORPUS.iterdir() if p.name[:2].isdigit())
    assert len(files) >= 30 and files == sorted(EXPECTED)
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in files)


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """A database holding the clean export (partners, psychologists…), copied for each file."""
    path = tmp_path_factory.mktemp("corpus") / "base.duckdb"
    assert import_paths([CLEAN], path, today=TODAY).ok
    return path


def _copy(base: Path, tmp_path: Path) -> Path:
    db = tmp_path / "db.duckdb"
    shutil.copyfile(base, db)
    return db


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_file_is_imported_or_refused_with_its_place(name, base, tmp_path, monkeypatch):
    monkeypatch.setenv("PSYNAM_MAX_FILE_MB", str(100 / 1024))
    db = _copy(base, tmp_path)
    before = snapshot(db)
    status, counts, words = EXPECTED[name]
    report = import_paths([CORPUS / name], db, today=TODAY)
    assert report.status == status, [str(i) for i in report.issues]
    if counts is not None:
        c = report.tables["sessions"]
        assert (c.read, c.inserted, c.updated, c.unchanged, c.rejected) == counts
    for c in report.tables.values():
        assert c.read - c.rejected == c.inserted + c.updated + c.unchanged
    errors = [str(i) for i in report.errors]
    if status != OK:
        assert snapshot(db) == before
        assert errors and all(e.startswith(str(CORPUS / name)) for e in errors)
    else:
        assert not errors
    if words:
        shown = errors or [str(i) for i in report.warnings]
        assert words in shown[0], shown


@pytest.fixture(scope="module")
def reference_rows(base, tmp_path_factory):
    db = tmp_path_factory.mktemp("reference") / "db.duckdb"
    shutil.copyfile(base, db)
    import_paths([CORPUS / "01_utf8_semicolon.csv"], db, today=TODAY)
    return _sessions(db)


def _sessions(db, where="true"):
    return rows(db, f"select session_id, session_date, patient_id, patient_commune, fee_inami_eur, target_public "
                    f"from sessions where session_id like 'C%' and {where} order by 1")


@pytest.mark.parametrize("name", ["01_utf8_semicolon.csv", "02_utf8_bom.csv", "05_utf16_excel_unicode.txt",
                                  "07_tab_separator.tsv", "11_title_and_notes_above.csv", "12_blank_lines.csv",
                                  "13_total_row.csv", "14_workbook_merged_title_and_header.xlsx",
                                  "16_workbook_formulas.xlsx", "21_header_variants.csv", "33_zip_of_exports.zip"])
def test_forms_of_one_export_give_the_same_rows(name, base, reference_rows, tmp_path):
    db = _copy(base, tmp_path)
    import_paths([CORPUS / name], db, today=TODAY)
    assert _sessions(db) == reference_rows
    assert _sessions(db)[0] == ("C001", dt.date(2024, 5, 6), "PA001", "92094", Decimal("83.00"), None)


def test_values_are_exact(base, tmp_path):
    db = _copy(base, tmp_path)
    for name in ("03_windows1252.csv", "04_windows1252_quote_oe_euro.csv", "08_thousands_separators.csv",
                 "09_dates_every_form.csv", "18_workbook_excel_dates_and_numbers.xlsx", "32_formula_and_html_text.csv",
                 "38_quoted_line_break.csv"):
        shutil.copyfile(base, db)
        import_paths([CORPUS / name], db, today=TODAY)
        got = _sessions(db)
        if name.startswith("03"):
            assert {r[3] for r in got} == {"92035", "92138"} and got[0][5] == "perinatalite"
            assert got[3][4] == Decimal("1234.56")
        elif name.startswith("04"):
            assert got[0][2] == "PA’œ" and got[1][3] == "92035"
        elif name.startswith("08"):
            assert [r[4] for r in got] == [Decimal("1234.56"), Decimal("1234.56"), Decimal("1234.50"), Decimal("0.01")]
        elif name.startswith("09"):
            assert {r[1] for r in got} == {dt.date(2024, 3, 31)}
        elif name.startswith("18"):
            assert [r[1] for r in got] == [dt.date(2024, 5, 7), dt.date(2024, 5, 8), dt.date(2024, 5, 9)]  # 45419…
            assert {r[4] for r in got} == {Decimal("83.00")}
        elif name.startswith("32"):   # kept exactly as text: never evaluated, never markup
            assert [r[2] for r in got] == ['=HYPERLINK("http://evil.example","clic")', "+32 81 00 00 00", "-PA3",
                                           "@SUM(A1)", "<script>alert(1)</script>"]
        elif name.startswith("38"):
            assert got[3][5] == "aines|precarite"


def test_same_export_twice_changes_nothing_and_a_newer_overlapping_one_updates(base, tmp_path):
    db = _copy(base, tmp_path)
    older, newer = CORPUS / "23_overlap_older.csv", CORPUS / "24_overlap_newer.csv"
    assert import_paths([older], db, today=TODAY).tables["sessions"].inserted == 3
    once = snapshot(db)
    again = import_paths([older], db, today=TODAY)
    assert again.tables["sessions"].as_dict() == dict(read=3, inserted=0, updated=0, unchanged=3, rejected=0)
    assert data_tables(snapshot(db)) == data_tables(once)
    report = import_paths([newer], db, today=TODAY)
    assert report.tables["sessions"].as_dict() == dict(read=3, inserted=1, updated=1, unchanged=1, rejected=0)
    assert rows(db, "select patient_age from sessions where session_id = 'C032'") == [(41,)]
    # the change is recorded: the row as it was, for undo; the identical import 3 records no row, only
    # that it re-states rows of import 2 (so that 2 is not undone under it)
    assert rows(db, "select import_id, action, patient_age from import_changes_sessions "
                    f"where session_id = 'C032' order by import_id") == [
        (2, "inserted", None), (4, "updated", 40)]
    [(summary,)] = rows(db, "select summary from imports where import_id = 3")
    assert json.loads(summary)["holds"] == [2]
