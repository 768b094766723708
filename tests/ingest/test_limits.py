"""Documented limits, enforced with clear messages (issue 17, item 3): files per zip, bytes per import
(archives and workbooks counted expanded), columns per table, messages per rule (the first 50 warnings,
then a count) — and a zip of thousands of small files imports in seconds."""

from __future__ import annotations

import io
import time
import zipfile

from psynam.ingest import import_paths, read
from tests.ingest.conftest import messages

HEADER = ("session_id;session_date;network;psychologist_id;care_level;format;setting;patient_id;patient_age;"
          "patient_commune;session_commune;partner_id;participants;preferential_tariff;fee_inami_eur;"
          "fee_patient_eur;target_public\n")


def _row(i: int) -> str:
    return f"Z{i:06d};06/05/2024;RSN;PS01;soutien;individuel;cabinet;PA{i % 300};40;Namur;92094;;;non;83,00;11,00;\n"


def _zip(path, members: dict[str, str]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            z.writestr(name, text)
    return path


def test_a_zip_of_5000_one_row_files_imports_in_seconds(tmp_path, db):
    """Before: 331 s under the writer's lock (65–90 ms a file); the files are now read without Polars and
    checked in one batch. CPU time is asserted, not wall time, so that a busy machine does not fail it."""
    path = _zip(tmp_path / "export.zip", {f"sessions_{i:05d}.csv": HEADER + _row(i) for i in range(5000)})
    started = time.process_time()
    report = import_paths([path], db)
    spent = time.process_time() - started
    assert report.ok and report.tables["sessions"].inserted == 5000
    assert spent < 30, f"{spent:.1f} s of CPU"


def test_a_zip_with_too_many_files_is_refused_before_it_is_read(tmp_path, db, monkeypatch):
    assert read.max_zip_members() == 10_000
    monkeypatch.setenv("PSYNAM_MAX_ZIP_MEMBERS", "100")
    path = _zip(tmp_path / "export.zip", {f"junk_{i}.bin": "x" for i in range(101)})
    report = import_paths([path], db)
    assert report.status == "unreadable" and not db.exists()
    assert messages(report) == [f"{path}: -: l'archive contient 101 fichiers (au plus 100) : refusée ; regroupez les "
                                "exports par table"]


def test_warnings_of_one_rule_are_listed_50_times_then_counted(tmp_path, db):
    """Before: 20,000 junk files printed 20,002 lines."""
    members = {f"junk_{i:04d}.bin": "x" for i in range(300)}
    members.update({f"sessions_{i:02d}.csv": HEADER.replace("\n", ";remarque\n") + _row(i).replace("\n", ";x\n")
                    for i in range(60)})
    path = _zip(tmp_path / "export.zip", members)
    report = import_paths([path], db)
    assert report.ok and report.tables["sessions"].inserted == 60
    warnings = messages(report, "warning")
    assert sum("fichier ignoré : format non reconnu" in w for w in warnings) == 50
    assert sum("colonnes inconnues, ignorées : remarque" in w for w in warnings) == 50
    assert report.omitted_warnings == 250 + 10


def test_an_import_over_its_total_size_is_refused(tmp_path, db, monkeypatch):
    monkeypatch.setenv("PSYNAM_MAX_IMPORT_MB", "0.01")
    first = tmp_path / "a" / "sessions.csv"
    second = tmp_path / "b" / "sessions.csv"
    for i, path in enumerate((first, second)):
        path.parent.mkdir()
        path.write_text(HEADER + "".join(_row(i * 100 + j) for j in range(70)), encoding="utf-8")
    assert import_paths([first], db).ok
    report = import_paths([first, second], db)
    assert report.status == "unreadable"
    assert messages(report) == [f"{second}: -: l'import dépasse 10 Ko de données au total (archives décompressées) : "
                                "importez les fichiers en plusieurs fois"]


def test_a_workbook_that_expands_like_a_bomb_is_refused(tmp_path, db):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", " " * (64 << 20))
    path = tmp_path / "export.xlsx"
    path.write_bytes(data.getvalue())
    [error] = messages(import_paths([path], db))
    assert error.startswith(f"{path}: -: le classeur se décompresse en 64,0 Mo (limite 1 024,0 Mo, ou 200 fois sa "
                            "taille) : refusé")


def test_a_header_of_thousands_of_columns_is_refused(tmp_path, db):
    path = tmp_path / "sessions.csv"
    path.write_text(HEADER.strip() + ";" + ";".join(f"x{i}" for i in range(300)) + "\n" + _row(1), encoding="utf-8")
    [error] = messages(import_paths([path], db))
    assert error == f"{path}: -: 317 colonnes (au plus 200) : ce n'est pas une table d'export PSYNAM, fichier refusé"
