"""Large files are read, checked and staged a chunk at a time (csvfile.CHUNK_BYTES): a file spanning many
chunks gives exactly the report, the messages (same lines) and the database that one chunk gives, and
nothing is left behind. The chunk size is made tiny here so that small files span many chunks."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from psynam import store
from psynam.ingest import csvfile, import_paths, validate
from psynam.ingest.report import format_report
from tests.ingest.conftest import CLEAN, data_tables, messages, rows, snapshot

TODAY = dt.date(2024, 6, 30)
HEADER = ("session_id;session_date;network;psychologist_id;care_level;format;setting;patient_id;patient_age;"
          "patient_commune;session_commune;partner_id;participants;preferential_tariff;fee_inami_eur;"
          "fee_patient_eur;target_public\n")


def line(i: int, *, sid: str | None = None, age: str = "40", network: str = "RSN", date: str | None = None,
         tags: str = "") -> str:
    """One session row, always of the same length for the same arguments (ids and days are padded)."""
    return (f"{sid or f'K{i:05d}'};{date or f'{1 + i % 28:02d}/05/2024'};{network};PS01;soutien;individuel;"
            f"cabinet;PA{i % 500:03d};{age};Namur;92094;;;non;83,{i % 100:02d};11,00;{tags}\n")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("chunks") / "base.duckdb"
    assert import_paths([CLEAN], path, today=TODAY).ok
    return path


def _import(base: Path, folder: Path, paths, **options):
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "db.duckdb"
    shutil.copyfile(base, db)
    return db, import_paths(paths, db, today=TODAY, **options)


def _outcome(db: Path, report) -> tuple:
    return (report.status, {t: c.as_dict() for t, c in report.tables.items()}, [str(i) for i in report.issues],
            report.omitted_warnings, report.omitted_errors, data_tables(snapshot(db)))


def _same_in_chunks(base: Path, tmp_path: Path, monkeypatch, paths, chunk: int, **options):
    """Import `paths` whole (one chunk) and in chunks of `chunk` bytes: the outcomes must be equal."""
    whole = _outcome(*_import(base, tmp_path / "whole", paths, **options))
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", chunk)
    db, report = _import(base, tmp_path / "chunked", paths, **options)
    assert _outcome(db, report) == whole
    assert not list(store.work_dir(db).iterdir())        # the stage and the converted copies are gone
    return report


def _pieces(path: Path) -> list[tuple[int, int]]:
    """(first line, last line) of the rows of each piece the file is read in."""
    found = csvfile.open_csv(str(path), path, "sessions", path.parent)
    return [(int(frame["__line"][0]), int(frame["__line"][-1])) for frame, _ in found.pieces() if frame.height]


def test_a_file_over_many_chunks_gives_the_same_report_messages_and_database(base, tmp_path, monkeypatch):
    """Errors, warnings beyond the kept 50, blank lines, a title, a quoted line break, a duplicate and a
    total row, in chunks of ~5 lines, under --accept-valid so that the valid rows are written."""
    body = []
    for i in range(400):
        if i % 37 == 0:
            body.append("\n")
        body.append(line(i, age="300" if i % 23 == 5 else "40", network="RSK" if i % 3 == 1 else "RSN",
                         sid="K00007" if i == 350 else None, tags='"aines|\nprecarite"' if i == 200 else ""))
    path = tmp_path / "sessions.csv"
    path.write_text("Export PSYNAM\n\n" + HEADER + "".join(body) + ";;;;;;;;;;;;;;Total;1234;\n", encoding="utf-8")
    report = _same_in_chunks(base, tmp_path, monkeypatch, [path], 600, accept_valid=True)
    assert len(_pieces(path)) > 50
    # 18 ages out of range, 2 rows sharing K00007, of which line 350's age is one of the 18
    assert report.omitted_warnings > 0 and report.tables["sessions"].rejected == 18 + 2 - 1
    assert f"{path}:1: -: avertissement : ligne(s) 1 à 2 ignorée(s) : titre ou notes au-dessus de l'en-tête " \
           f"(ligne 3)" in messages(report, "warning")


def test_a_cp1252_file_and_a_zip_member_read_in_chunks(base, tmp_path, monkeypatch):
    text = HEADER + "".join(line(i, sid=f"É{i:05d}") for i in range(120))
    (tmp_path / "in").mkdir()
    cp1252 = tmp_path / "in" / "sessions.csv"
    cp1252.write_bytes(text.encode("cp1252"))
    report = _same_in_chunks(base, tmp_path, monkeypatch, [cp1252], 700)
    assert report.ok and report.tables["sessions"].inserted == 120


def test_a_duplicate_id_in_two_chunks_rejects_both_lines(base, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 500)
    path = tmp_path / "sessions.csv"
    path.write_text(HEADER + "".join(line(i, sid="K00003" if i == 90 else None) for i in range(100)),
                    encoding="utf-8")
    pieces = _pieces(path)
    assert next(n for n, (a, b) in enumerate(pieces) if a <= 5 <= b) != next(
        n for n, (a, b) in enumerate(pieces) if a <= 92 <= b)          # lines 5 and 92 are in two chunks
    db, report = _import(base, tmp_path / "db", [path], accept_valid=True)
    assert messages(report) == [f"{path}:5: session_id: identifiant en double (aussi ligne 92) (« K00003 »)",
                                f"{path}:92: session_id: identifiant en double (aussi ligne 5) (« K00003 »)"]
    assert report.tables["sessions"].as_dict() == dict(read=100, inserted=98, updated=0, unchanged=0, rejected=2)
    assert rows(db, "select count(*) from sessions where session_id = 'K00003'") == [(0,)]


def test_a_duplicate_across_two_files_names_the_other_file(base, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 400)
    first, second = tmp_path / "sessions_a.csv", tmp_path / "sessions_b.csv"
    first.write_text(HEADER + "".join(line(i) for i in range(30)), encoding="utf-8")
    second.write_text(HEADER + "".join(line(i, sid=f"L{i:05d}" if i != 25 else "K00002") for i in range(30)),
                      encoding="utf-8")
    _, report = _import(base, tmp_path / "db", [first, second])
    assert report.status == "refused"
    assert messages(report) == [f"{first}:4: session_id: identifiant en double (aussi {second}:27) (« K00002 »)",
                                f"{second}:27: session_id: identifiant en double (aussi {first}:4) (« K00002 »)"]


def test_an_error_on_the_last_line_of_a_later_chunk_names_its_line(base, tmp_path, monkeypatch):
    size = len(line(0, age="040"))
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 10 * size)            # ten rows a chunk, cut exactly
    path = tmp_path / "sessions.csv"
    path.write_text(HEADER + "".join(line(i, age="300" if i == 29 else "040") for i in range(45)),
                    encoding="utf-8")
    assert _pieces(path)[:3] == [(2, 11), (12, 21), (22, 31)]          # row 29 is on line 31, a last line
    _, report = _import(base, tmp_path / "db", [path])
    assert messages(report) == [f"{path}:31: patient_age: âge hors limites (0 à 110 ans) (« 300 »)"]


def test_title_rows_and_quoted_line_breaks_keep_their_lines_across_chunks(base, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 300)
    path = tmp_path / "sessions.csv"
    rows_ = [line(i, tags='"aines|\nprecarite"' if i in (3, 40) else "", age="300" if i in (10, 60) else "40")
             for i in range(70)]
    path.write_text("Titre\nExtrait du 01/06/2024\n\n" + HEADER + "".join(rows_), encoding="utf-8")
    assert len(_pieces(path)) > 10
    # header on line 4; row i on line 5 + i, plus one line per quoted line break above it
    _, report = _import(base, tmp_path / "db", [path], accept_valid=True)
    assert messages(report) == [f"{path}:16: patient_age: âge hors limites (0 à 110 ans) (« 300 »)",
                                f"{path}:67: patient_age: âge hors limites (0 à 110 ans) (« 300 »)"]
    assert report.tables["sessions"].inserted == 68


def test_month_first_dates_in_a_later_chunk_refuse_the_whole_file(base, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 400)
    path = tmp_path / "sessions.csv"
    path.write_text(HEADER + "".join(line(i, date="05/31/2024" if i == 50 else None,
                                          age="300" if i == 2 else "40") for i in range(60)), encoding="utf-8")
    db, report = _import(base, tmp_path / "db", [path], accept_valid=True)
    assert messages(report) == [
        f"{path}:52: session_date: date écrite mois avant jour (format américain) : l'ordre jour/mois de tout le "
        "fichier est ambigu, fichier refusé ; exportez les dates en JJ/MM/AAAA ou AAAA-MM-JJ (« 05/31/2024 »)"]
    assert report.tables["sessions"].as_dict() == dict(read=60, inserted=0, updated=0, unchanged=0, rejected=60)
    assert rows(db, "select count(*) from sessions where session_id like 'K%'") == [(0,)]


def test_a_truncated_last_line_in_the_last_chunk(base, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 350)
    path = tmp_path / "sessions.csv"
    path.write_text(HEADER + "".join(line(i) for i in range(40)) + "K99999;01/05/2024;RSN", encoding="utf-8")
    _, report = _import(base, tmp_path / "db", [path])
    assert messages(report) == [f"{path}:42: -: dernière ligne incomplète (3 champs au lieu de 17) : fichier "
                                "tronqué ? Ligne rejetée"]
    assert report.tables["sessions"].as_dict() == dict(read=41, inserted=40, updated=0, unchanged=0, rejected=1)


def test_an_unclosed_quote_in_a_later_chunk_refuses_the_file_at_its_line(base, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 300)
    path = tmp_path / "sessions.csv"
    path.write_text(HEADER + "".join(line(i, tags='"aines' if i == 30 else "") for i in range(40)),
                    encoding="utf-8")
    db, report = _import(base, tmp_path / "db", [path])
    assert report.status == "unreadable"
    assert [str(i) for i in report.issues] == [f"{path}: -: guillemet non fermé à partir de la ligne 32 : "
                                               "fichier refusé"]
    assert not list(store.work_dir(db).iterdir())


def test_errors_beyond_the_kept_ones_are_counted(base, tmp_path, monkeypatch):
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 500)
    monkeypatch.setattr(validate, "ERRORS_KEPT_PER_RULE", 3)
    path = tmp_path / "sessions.csv"
    path.write_text(HEADER + "".join(line(i, age="300" if i % 2 else "40", sid="K00000" if i in (10, 20) else None)
                                     for i in range(40)), encoding="utf-8")
    db, report = _import(base, tmp_path / "db", [path])
    assert report.status == "refused" and report.tables["sessions"].rejected == 20 + 3
    assert messages(report) == [
        f"{path}:2: session_id: identifiant en double (aussi ligne 12, ligne 22) (« K00000 »)",
        f"{path}:3: patient_age: âge hors limites (0 à 110 ans) (« 300 »)",
        f"{path}:5: patient_age: âge hors limites (0 à 110 ans) (« 300 »)",
        f"{path}:7: patient_age: âge hors limites (0 à 110 ans) (« 300 »)",
        f"{path}:12: session_id: identifiant en double (aussi ligne 2, ligne 22) (« K00000 »)",
        f"{path}:22: session_id: identifiant en double (aussi ligne 2, ligne 12) (« K00000 »)"]
    assert report.omitted_errors == 20 - 3
    text = format_report(report)
    assert "… et 17 autres erreurs du même type, non affichées" in text
    assert "Import refusé : 23 erreur(s), 23 ligne(s) rejetée(s)" in text


def test_a_large_file_is_held_a_few_chunks_at_a_time(base, tmp_path, monkeypatch):
    """Each chunk is checked and staged before the file's later chunks are read: at most the two read
    ahead (the reader's and the pieces' one-chunk lag) plus the one being staged are parsed at any time. A
    loop over `(first, second, *chunks)` once read every chunk first (3.2 GB at ten million sessions)."""
    monkeypatch.setattr(csvfile, "CHUNK_BYTES", 500)
    path = tmp_path / "sessions.csv"
    path.write_text(HEADER + "".join(line(i) for i in range(300)), encoding="utf-8")
    parsed, ahead = [0], []
    parse, add = csvfile.CsvFile._parse, validate.Stage.add

    def counting_parse(self, *args, **kwargs):
        parsed[0] += 1
        return parse(self, *args, **kwargs)

    def noting_add(self, src, rows):
        if src >= 0 and rows.height:                  # a chunk of the file (-1: the columns, no row)
            ahead.append(parsed[0] - len(ahead))
        return add(self, src, rows)

    monkeypatch.setattr(csvfile.CsvFile, "_parse", counting_parse)
    monkeypatch.setattr(validate.Stage, "add", noting_add)
    db, report = _import(base, tmp_path / "db", [path])
    assert report.ok and report.tables["sessions"].inserted == 300
    assert len(ahead) > 20 and max(ahead) <= 3
