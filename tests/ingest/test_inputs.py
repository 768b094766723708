"""Each form an export takes: CSV dialects and encodings, folders, zips, workbooks, headers."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import xlsxwriter

from psynam.ingest import import_paths
from tests.ingest.conftest import CLEAN, FILES, SESSION, messages, rows, sessions_file, write_rows


def test_csv_with_comma(tmp_path, db):
    report = import_paths([sessions_file(tmp_path, {})], db)
    assert report.ok and report.tables["sessions"].inserted == 1


def test_csv_with_semicolon(tmp_path, db):
    assert import_paths([sessions_file(tmp_path, {}, {}, sep=";")], db).tables["sessions"].inserted == 2


def test_csv_with_tab(tmp_path, db):
    report = import_paths([sessions_file(tmp_path, {}, name="sessions.tsv", sep="\t")], db)
    assert report.ok and report.tables["sessions"].inserted == 1


def test_quoted_fields_with_separator_and_line_break(tmp_path, db):
    path = tmp_path / "partners.csv"
    path.write_text('partner_id;name;sector;commune;network;joined_on\n'
                    'P1;"Asbl ""Le Pont""; service\nsocial";social;Namur;RSN;2022-01-01\n'
                    'P2;Autre;social;Namur;RSN;2099-01-01;extra\n', encoding="utf-8")
    report = import_paths([path], db, accept_valid=True)
    assert rows(db, "select name from partners") == [('Asbl "Le Pont"; service\nsocial',)]
    # the ragged row after the multi-line one is named by its physical line
    assert any(f"{path}:4:" in m and "7 champs au lieu de 6" in m for m in messages(report))


def test_folder_of_every_table(db):
    report = import_paths([CLEAN], db)
    assert report.ok
    assert {t: c.inserted for t, c in report.tables.items()} == {
        "partners": 3, "psychologists": 3, "agreements": 2, "sessions": 4, "clairvisions": 2,
        "activities": 2, "budget": 3}


def test_zip_inside_a_subfolder_and_unknown_file_warned(tmp_path, db):
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in CLEAN.iterdir():
            z.write(f, f"export-2024-06/{f.name}")
        z.writestr("export-2024-06/notes.csv", "a,b\n1,2\n")
        z.writestr("__MACOSX/export-2024-06/._sessions.csv", "junk")
    report = import_paths([archive], db)
    assert report.ok and report.tables["sessions"].inserted == 4
    assert f"{archive}:export-2024-06/notes.csv: -: avertissement : fichier ignoré" in "\n".join(
        messages(report, "warning"))


def test_french_file_names_any_case(tmp_path, db):
    shutil.copy(CLEAN / "partners.csv", tmp_path / "PARTENAIRES.csv")
    sessions_file(tmp_path, {"setting": "partenaire", "partner_id": "P001"}, name="Séances_2024-05.csv")
    report = import_paths([tmp_path], db)
    assert report.ok and set(report.tables) == {"partners", "sessions"}


def test_xlsx_with_formula_date_and_numeric_cells(tmp_path, db):
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    dates = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("Séances")
    header = list(SESSION)
    sheet.write_row(0, 0, header)
    for r, session_id in enumerate(["X1", "X2"], start=1):
        for c, name in enumerate(header):
            sheet.write(r, c, {**SESSION, "session_id": session_id}[name] or None)
        sheet.write_datetime(r, header.index("session_date"), dt.datetime(2024, 5, 6), dates)
        sheet.write_number(r, header.index("patient_age"), 40)
        sheet.write_boolean(r, header.index("preferential_tariff"), r == 2)
    sheet.write_formula(1, header.index("fee_inami_eur"), "=80+3", None, 83)
    sheet.write_number(2, header.index("fee_inami_eur"), 83.5)
    book.add_worksheet("Notes").write(0, 0, "free text")
    book.close()
    report = import_paths([path], db)
    assert report.ok, messages(report)
    assert rows(db, "select session_id, session_date, patient_age, fee_inami_eur::varchar, preferential_tariff "
                    "from sessions order by 1") == [
        ("X1", dt.date(2024, 5, 6), 40, "83.00", False), ("X2", dt.date(2024, 5, 6), 40, "83.50", True)]
    assert any(":Notes: -: avertissement : feuille ignorée" in m for m in messages(report, "warning"))


def test_xlsx_rejection_names_the_sheet_row(tmp_path, db):
    path = tmp_path / "export.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("sessions")
    sheet.write_row(0, 0, list(SESSION))
    sheet.write_row(3, 0, [v or None for v in {**SESSION, "patient_age": "200"}.values()])  # rows 2-3 empty
    book.close()
    report = import_paths([path], db)
    assert messages(report) == [f"{path}:sessions:4: patient_age: âge hors limites (0 à 110 ans) (« 200 »)"]


def test_encoding_cp1252_with_french_headers_and_belgian_values(db):
    report = import_paths([FILES / "belgian" / "seances.csv"], db)
    assert report.ok, messages(report)
    assert rows(db, "select session_id, patient_commune, session_commune, setting, fee_inami_eur::varchar, "
                    "target_public from sessions order by 1") == [
        ("B001", "92035", "92094", "cabinet", "83.00", None),
        ("B002", None, "92035", "partenaire", "1234.56", "perinatalite|precarite"),
        ("B003", "92094", None, "video", "83.00", "aines")]


def test_encoding_utf8_with_bom(tmp_path, db):
    path = sessions_file(tmp_path, {"patient_commune": "Éghezée"})
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert import_paths([path], db).ok
    assert rows(db, "select patient_commune from sessions") == [("92035",)]


def test_encoding_cp1252_name_with_apostrophe(tmp_path, db):
    path = write_rows(tmp_path / "partners.csv", [dict(
        partner_id="P1", name="Maison d’accueil de Éghezée", sector="social", commune="Éghezée",
        network="RSN", joined_on="2022-01-01")], sep=";", encoding="cp1252")
    assert import_paths([path], db).ok
    assert rows(db, "select name, commune from partners") == [("Maison d’accueil de Éghezée", "92035")]


def test_headers_french_odd_case_spaces_and_no_accents(tmp_path, db):
    path = tmp_path / "partners.csv"
    path.write_text("  ID_PARTENAIRE ,Nom, secteur,COMMUNE,Reseau,Statut,date adhesion,Date de naissance\n"
                    "P1,Le Pont,social,Namur,RSN,adhérent,2022-01-01,x\n", encoding="utf-8")
    report = import_paths([path], db)
    assert report.ok
    assert messages(report, "warning") == [
        f"{path}:1: Date de naissance: avertissement : colonnes inconnues, ignorées : Date de naissance"]
    assert rows(db, "select partner_id, membership, joined_on from partners") == [("P1", "adherent", dt.date(2022, 1, 1))]


def test_missing_required_columns_are_all_named_and_the_file_refused(tmp_path, db):
    path = tmp_path / "sessions.csv"
    path.write_text("session_id,network,format\nS1,RSN,individuel\n", encoding="utf-8")
    report = import_paths([path], db)
    assert report.status == "refused" and not db.exists()
    [message] = messages(report)
    assert message.startswith(f"{path}:1: session_date, psychologist_id, care_level, setting: colonnes requises absentes")
    for name in ("session_date (date_seance)", "psychologist_id (id_psychologue)", "care_level (niveau)",
                 "setting (lieu)"):
        assert name in message
    assert report.tables["sessions"].rejected == 1


def test_unknown_explicit_file_name_is_recognised_by_its_headers(tmp_path, db):
    path = sessions_file(tmp_path, {}, name="export_mai.csv")
    assert import_paths([path], db).tables["sessions"].inserted == 1


def test_unreadable_inputs(tmp_path, db):
    assert import_paths([tmp_path / "missing.csv"], db).status == "unreadable"
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    assert import_paths([tmp_path / "notes.pdf"], db).status == "unreadable"
    (tmp_path / "broken.zip").write_bytes(b"not a zip")
    assert import_paths([tmp_path / "broken.zip"], db).status == "unreadable"
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    assert import_paths([tmp_path / "broken.xlsx"], db).status == "unreadable"
    assert not db.exists()
