"""Nothing left behind, nothing swapped in that readers cannot read (issue 17, items 4 and 5): an abandoned
dry run's copy and uploads are deleted once it expires (at the latest by the next writer), a failing copy
or kept file removes what it wrote, uploads live beside the database readable by their owner only, and
`restore` takes only a PSYNAM database of a known schema that is not the live file itself."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import stat
import time
from pathlib import Path

import duckdb
import pytest

from psynam import db as database
from psynam import store
from psynam.build import upgrade_into
from psynam.ingest import confirm, discard, import_paths, stage
from tests.ingest.conftest import CLEAN, snapshot

TODAY = dt.date(2024, 6, 30)
CORPUS = Path(__file__).parent / "corpus"
NEW = CORPUS / "01_utf8_semicolon.csv"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("leftovers") / "base.duckdb"
    assert import_paths([CLEAN], path, today=TODAY).ok
    return path


@pytest.fixture
def live(base, tmp_path) -> Path:
    path = tmp_path / "live" / "psynam.duckdb"
    path.parent.mkdir()
    shutil.copyfile(base, path)
    return path


def _uploaded(live: Path) -> tuple[Path, Path]:
    folder = store.new_upload_folder(live)
    copy = folder / NEW.name
    shutil.copyfile(NEW, copy)
    return folder, copy


def _age(*paths: Path, seconds: float = 3600) -> None:
    old = time.time() - seconds
    for p in paths:
        os.utime(p, (old, old))


def test_uploads_live_beside_the_database_readable_by_their_owner_only(live):
    folder, _ = _uploaded(live)
    assert folder.parent == store.uploads_dir(live) and folder.parent.parent == live.parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_an_abandoned_dry_run_is_deleted_by_the_next_writer_once_it_expires(live):
    folder, copy = _uploaded(live)
    staged = stage([copy], live, today=TODAY, uploads=folder)
    assert staged.candidate.path.exists() and folder.exists()
    before = snapshot(live)
    store.sweep(live)                                # younger than its expiry: kept
    assert staged.candidate.path.exists() and folder.exists()
    _age(staged.candidate.path, folder)              # nobody confirmed it for an hour (default expiry 30 min)
    assert import_paths([CORPUS / "23_overlap_older.csv"], live, today=TODAY).ok
    assert not staged.candidate.path.exists() and not folder.exists()
    assert list(store.work_dir(live).iterdir()) == [] and list(store.uploads_dir(live).iterdir()) == []
    with pytest.raises(store.Expired):
        confirm(staged)
    assert snapshot(live) != before                  # the other import went through


def test_confirming_an_expired_dry_run_changes_nothing(live):
    folder, copy = _uploaded(live)
    staged = stage([copy], live, today=TODAY, uploads=folder)
    _age(staged.candidate.path, folder)
    assert store.sweep(live)
    before = snapshot(live)
    with pytest.raises(store.Expired):
        confirm(staged)
    assert snapshot(live) == before and not folder.exists()
    assert not store.files_dir(live).exists()


def test_a_dry_run_on_screen_is_kept_alive(live, monkeypatch):
    monkeypatch.setenv("PSYNAM_DRY_RUN_MINUTES", "1")
    folder, copy = _uploaded(live)
    staged = stage([copy], live, today=TODAY, uploads=folder)
    _age(staged.candidate.path, folder, seconds=120)
    staged.touch()                                   # the page does this on every rerun
    store.sweep(live)
    assert confirm(staged).ok and not folder.exists()


def test_a_refused_dry_run_deletes_its_uploads_at_once(live):
    folder = store.new_upload_folder(live)
    bad = folder / "sessions.csv"
    shutil.copyfile(CORPUS / "34_unknown_commune.csv", bad)
    staged = stage([bad], live, today=TODAY, uploads=folder)
    assert staged.candidate is None and not folder.exists() and list(store.work_dir(live).iterdir()) == []


def test_a_cancelled_dry_run_deletes_its_copy_and_uploads(live):
    folder, copy = _uploaded(live)
    staged = stage([copy], live, today=TODAY, uploads=folder)
    discard(staged)
    assert not folder.exists() and list(store.work_dir(live).iterdir()) == []


def test_a_dead_processes_uploads_and_partial_kept_file_are_swept(live):
    dead = 2 ** 22 + 4242
    upload = store.uploads_dir(live) / f"{dead}-abc"
    upload.mkdir(parents=True)
    (upload / "sessions.csv").write_text("x")
    partial = store.files_dir(live) / ("0" * 64) / f".sessions.csv.{dead}.tmp"
    partial.parent.mkdir(parents=True)
    partial.write_text("half")
    gone = store.sweep(live)
    assert upload in gone and partial in gone and not upload.exists() and not partial.exists()


def _full_disk(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_copy_that_fills_the_disk_leaves_no_partial_copy(live, monkeypatch):
    real = shutil.copyfileobj

    def half(src, dst, length=0):
        dst.write(src.read(4096))
        _full_disk()

    monkeypatch.setattr(shutil, "copyfileobj", half)
    before = snapshot(live)
    with pytest.raises(OSError):
        import_paths([NEW], live, today=TODAY)
    monkeypatch.setattr(shutil, "copyfileobj", real)
    assert snapshot(live) == before and list(store.work_dir(live).iterdir()) == []


def test_a_kept_file_that_fills_the_disk_leaves_nothing_and_imports_nothing(live, monkeypatch):
    def half(src, dst, **kwargs):
        Path(dst).write_bytes(Path(src).read_bytes()[:10])
        _full_disk()

    before = snapshot(live)
    staged = stage([NEW], live, today=TODAY)
    monkeypatch.setattr(shutil, "copyfile", half)
    with pytest.raises(OSError):
        confirm(staged)
    assert snapshot(live) == before                                 # before: a partial .tmp stayed for ever
    assert list(store.files_dir(live).rglob("*")) == [] and list(store.work_dir(live).iterdir()) == []


def test_the_free_space_is_checked_before_anything_is_written(live, monkeypatch):
    monkeypatch.setattr(store, "free_bytes", lambda folder: 1000)
    with pytest.raises(store.DiskFull) as found:
        import_paths([NEW], live, today=TODAY)
    assert found.value.needed > live.stat().st_size and found.value.free == 1000
    assert not store.work_dir(live).exists() or list(store.work_dir(live).iterdir()) == []


# --- restore ---------------------------------------------------------------------------------------
def test_restore_refuses_what_is_not_a_psynam_database_and_changes_nothing(live, tmp_path):
    before = snapshot(live)
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(os.urandom(4096))
    other = tmp_path / "other.duckdb"
    con = duckdb.connect(str(other))
    con.execute("create table t (x integer)")
    con.close()
    cases = [(garbage, "ce n'est pas une base DuckDB lisible"),          # before: "restored", exit 0
             (other, "ce n'est pas une base PSYNAM (tables absentes : imports, import_undos, psynam_meta"),
             (live, "c'est la base en service elle-même")]
    for path, reason in cases:
        with pytest.raises(store.NotADatabase, match=reason.replace("(", r"\(")):
            store.restore(live, path)
    with pytest.raises(FileNotFoundError):
        store.restore(live, tmp_path / "missing.duckdb")
    assert snapshot(live) == before and store.backups(live) == []
    assert not store.work_dir(live).exists()          # refused before a copy was even started


def test_restore_refuses_a_database_of_an_unknown_schema(live, tmp_path):
    odd = tmp_path / "odd.duckdb"
    shutil.copyfile(live, odd)
    con = duckdb.connect(str(odd))
    con.execute("alter table sessions drop column target_public")
    con.execute("checkpoint")
    con.close()
    with pytest.raises(store.NotADatabase, match="sa table sessions n'a pas les colonnes de cette version"):
        store.restore(live, odd)


def test_restore_brings_a_backup_of_an_earlier_release_up_to_date(live):
    assert import_paths([NEW], live, today=TODAY).ok
    [backup] = store.backups(live)
    con = duckdb.connect(str(backup))       # as if an earlier release had written it
    con.execute("update psynam_meta set value = 'earlier' where key = 'schema_version'")
    con.execute("checkpoint")
    con.close()
    store.restore(live, backup, prepare=upgrade_into)
    reader = store.open_reader(live)
    try:
        assert database.stored_schema_version(reader) == database.schema_version()
        assert reader.execute("select count(*) from sessions where session_id like 'C%'").fetchall() == [(0,)]
    finally:
        reader.close()
