"""Nothing lost, nothing half-done (imports, undos and restores killed at random moments: tests/fault/
test_kills.py): readers keep answering during imports and see one version or the other;
the history replays into an empty database with identical results; undo restores exactly; backups."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from psynam import ROOT, store
from psynam.ingest import confirm, history, import_paths, stage
from psynam.ingest.undo import UndoRefused, undo
from tests.ingest.conftest import CLEAN, data_tables, rows, snapshot

CORPUS = Path(__file__).parent / "corpus"
TODAY = dt.date(2024, 6, 30)
HEADER = ("session_id;session_date;network;psychologist_id;care_level;format;setting;patient_id;patient_age;"
          "patient_commune;session_commune;partner_id;participants;preferential_tariff;fee_inami_eur;"
          "fee_patient_eur;target_public\n")


def big_sessions(path: Path, n: int, prefix: str = "K", age: int = 40) -> Path:
    body = "".join(f"{prefix}{i:06d};{1 + i % 28:02d}/05/2024;RSN;PS01;soutien;individuel;cabinet;PA{i % 500};{age};"
                   f"Namur;92094;;;non;83,{i % 100:02d};11,00;\n" for i in range(n))
    path.write_text(HEADER + body, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("store") / "base.duckdb"
    assert import_paths([CLEAN], path, today=TODAY).ok
    return path


def _copy(base: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "db.duckdb"
    shutil.copyfile(base, db)
    return db


def test_readers_keep_answering_and_see_one_version_or_the_other(base, tmp_path):
    """While imports run in another process (the command line), a reader opening the database over and
    over never meets a lock error and always sees a total of a whole version."""
    db = _copy(base, tmp_path / "live")
    files = [big_sessions(tmp_path / f"sessions_{i}.csv", 1000, prefix=f"R{i}") for i in range(2)]
    query = "select count(*), sum(fee_inami_eur) from sessions"
    expected = {rows(db, query)[0]}
    seen, errors, stop = set(), [], threading.Event()
    held = store.open_reader(db)          # a connection held open across every swap keeps its version
    held_before = held.sql(query).fetchall()[0]

    def read():
        while not stop.is_set():
            try:
                con = store.open_reader(db)
                seen.add(con.sql(query).fetchall()[0])
                con.close()
            except Exception as e:  # noqa: BLE001 - any failure of a reader is what this test looks for
                errors.append(e)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for f in files:
            done = subprocess.run([sys.executable, "-m", "psynam", "import", str(f), "--db", str(db)], cwd=ROOT,
                                  capture_output=True, text=True)
            assert done.returncode == 0, done.stdout + done.stderr
            expected.add(rows(db, query)[0])
    finally:
        stop.set()
        reader.join()
    assert not errors
    assert seen <= expected and len(expected) == 3 and len(seen) >= 2
    assert held.sql(query).fetchall()[0] == held_before
    held.close()


def test_the_history_replays_into_an_empty_database_identically(base, tmp_path):
    db = tmp_path / "live.duckdb"
    assert import_paths([CLEAN], db, today=TODAY).ok
    assert import_paths([CORPUS / "23_overlap_older.csv"], db, today=TODAY).ok
    assert import_paths([CORPUS / "24_overlap_newer.csv"], db, today=TODAY).ok
    assert import_paths([CORPUS / "14_workbook_merged_title_and_header.xlsx"], db, today=TODAY).ok
    undo(3, db)
    assert import_paths([CORPUS / "33_zip_of_exports.zip"], db, today=TODAY).ok
    assert import_paths([CORPUS / "37_amount_below_the_cent.csv", CORPUS / "09_dates_every_form.csv"], db,
                        today=TODAY, accept_valid=True).ok
    replayed = tmp_path / "replayed.duckdb"
    assert history.replay(db, replayed) == [1, 2, 3, 4, 5, 6]
    original, copy = snapshot(db), snapshot(replayed)
    assert data_tables(copy) == data_tables(original)
    for table in [t for t in original if t.startswith("import_changes_")]:
        assert copy[table] == original[table], table
    assert rows(replayed, "select import_id from import_undos") == [(3,)]
    def files(path):
        return [(i, [(f["name"], f["sha256"]) for f in json.loads(sources)])
                for i, sources in rows(path, "select import_id, sources from imports order by 1")]
    assert files(replayed) == files(db)


def test_undo_restores_exactly_the_rows_inserted_or_changed(base, tmp_path):
    db = _copy(base, tmp_path / "undo")
    start = snapshot(db)
    import_paths([CORPUS / "23_overlap_older.csv"], db, today=TODAY)
    after_older = snapshot(db)
    import_paths([CORPUS / "24_overlap_newer.csv"], db, today=TODAY)
    with pytest.raises(UndoRefused, match="n° 3"):
        undo(2, db)                       # import 3 holds rows of import 2: undo it first
    result = undo(3, db)
    assert (result.deleted["sessions"], result.restored["sessions"]) == (1, 1)
    assert data_tables(snapshot(db)) == data_tables(after_older)
    assert rows(db, "select patient_age from sessions where session_id = 'C032'") == [(40,)]
    with pytest.raises(UndoRefused, match="déjà été annulé"):
        undo(3, db)
    undo(2, db)
    assert data_tables(snapshot(db)) == data_tables(start)
    with pytest.raises(UndoRefused, match="n'existe pas"):
        undo(99, db)


def test_a_dry_run_confirmed_after_another_import_is_refused(base, tmp_path):
    db = _copy(base, tmp_path / "stale")
    staged = stage([CORPUS / "01_utf8_semicolon.csv"], db, today=TODAY)
    assert import_paths([CORPUS / "23_overlap_older.csv"], db, today=TODAY).ok
    between = snapshot(db)
    with pytest.raises(store.StaleBase):
        confirm(staged)
    assert snapshot(db) == between
    assert not list(store.work_dir(db).iterdir())


def test_each_import_keeps_a_backup_that_restores_the_previous_state(base, tmp_path):
    db = _copy(base, tmp_path / "backup")
    before = snapshot(db)
    import_paths([CORPUS / "01_utf8_semicolon.csv"], db, today=TODAY)
    assert not Path(str(db) + ".wal").exists()          # checkpointed
    [backup] = store.backups(db)
    assert snapshot(backup) == before
    store.restore(db, backup)
    assert snapshot(db) == before
    kept = store.files_dir(db)
    assert [p.name for p in kept.glob("*/*")] == ["01_utf8_semicolon.csv"]


def test_a_dead_writers_spill_folder_is_cleared_by_the_next_writer(tmp_path):
    """DuckDB spills a copy's sorts into `<copy>.duckdb.tmp/`, a folder: a writer killed while spilling
    leaves one, and the next writer must clear it rather than fail on it."""
    from psynam import store

    db = tmp_path / "live.duckdb"
    folder = store.work_dir(db)
    folder.mkdir()
    dead = 2 ** 22 + 12345   # above the default pid_max: no such process
    (folder / f"{dead}-abc.duckdb").write_bytes(b"copy")
    spill = folder / f"{dead}-abc.duckdb.tmp"
    spill.mkdir()
    (spill / "duckdb_temp_storage-0.tmp").write_bytes(b"spill")
    candidate = store.new_candidate(db, fresh=True)
    assert sorted(p.name for p in folder.iterdir()) == [] and candidate.path.parent == folder
