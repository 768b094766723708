"""A read-only database folder, a corrupt database, a corrupt backup, missing files: each write is refused
with its French message and a non-zero exit code, readers keep reading what can be read, nothing changes
and nothing is left behind."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from psynam import failures, store
from tests.fault.conftest import figures, leftovers
from tests.ingest.conftest import CLEAN

pytestmark = pytest.mark.fault
NEW = Path(__file__).parents[1] / "ingest" / "corpus" / "01_utf8_semicolon.csv"
METRICS = ("metrics", "--from", "2021-09-01", "--to", "2026-12-31", "--json")


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    """The clean export, then one more import (so that undo and restore have something to work on)."""
    from psynam.ingest import import_paths

    path = tmp_path_factory.mktemp("fault-folders") / "psynam.duckdb"
    assert import_paths([CLEAN], path).ok and import_paths([NEW], path).ok
    return path


def _live(disk, base: Path) -> Path:
    db = disk.path / "psynam.duckdb"
    shutil.copyfile(base, db)
    for backup in store.backups(base):
        store.backup_dir(db).mkdir(exist_ok=True)
        shutil.copyfile(backup, store.backup_dir(db) / backup.name)
    return db


def test_a_read_only_folder_refuses_every_write_and_keeps_every_reader(disk, base, private_tmp):
    db = _live(disk, base)
    before = figures(db)
    read = disk.run(*METRICS, "--db", str(db))
    assert read.returncode == 0, read.stderr
    [backup] = store.backups(db)
    disk.read_only()
    try:
        for write in (("import", str(NEW)), ("undo", "2"), ("restore", str(backup)), ("build", "--force")):
            done = disk.run(*write, "--db", str(db))
            assert done.returncode == failures.ENVIRONMENT, (write, done.stderr)
            assert done.stderr.startswith(f"Écriture impossible dans {disk.path} (dossier en lecture seule"), (
                write, done.stderr)
            assert "Traceback" not in done.stderr
        again = disk.run(*METRICS, "--db", str(db))        # readers read a read-only folder
        assert again.returncode == 0 and json.loads(again.stdout) == json.loads(read.stdout)
    finally:
        disk.writable()
    assert figures(db) == before and leftovers(db, private_tmp) == []


def test_a_corrupt_database_is_named_and_a_backup_brings_it_back(disk, base, private_tmp):
    db = _live(disk, base)
    [backup] = store.backups(db)
    good = figures(backup)
    data = db.read_bytes()
    db.write_bytes(data[: len(data) // 3] + b"\x00" * 4096)      # a file cut short and overwritten
    broken = db.read_bytes()
    for command in (METRICS, ("import", str(NEW)), ("undo", "2")):    # (its history may still be readable)
        done = disk.run(*command, "--db", str(db))
        assert done.returncode == failures.ENVIRONMENT, (command, done.stderr)
        assert done.stderr.startswith(f"Le fichier {db} n'est pas une base DuckDB lisible"), (command, done.stderr)
        assert "restore" in done.stderr and "Traceback" not in done.stderr
    assert db.read_bytes() == broken and leftovers(db, private_tmp) == []
    done = disk.run("restore", str(backup), "--db", str(db))
    assert done.returncode == 0, done.stderr
    assert figures(db) == good and leftovers(db, private_tmp) == []
    assert disk.run(*METRICS, "--db", str(db)).returncode == 0


def test_a_corrupt_or_foreign_backup_is_refused_and_changes_nothing(disk, base, private_tmp, tmp_path):
    """Before: `restore garbage.bin` answered "restored", exit 0, and every reader then failed."""
    db = _live(disk, base)
    before = figures(db)
    [backup] = store.backups(db)
    cut = tmp_path / "cut.duckdb"
    cut.write_bytes(backup.read_bytes()[:100_000])
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(bytes(range(256)) * 64)
    for path in (cut, garbage):
        done = disk.run("restore", str(path), "--db", str(db))
        assert done.returncode == failures.REFUSED, done.stderr
        assert done.stderr.startswith("Restauration refusée : ce n'est pas une base DuckDB lisible"), done.stderr
    done = disk.run("restore", str(db), "--db", str(db))
    assert done.returncode == failures.REFUSED and "c'est la base en service elle-même" in done.stderr
    assert figures(db) == before and leftovers(db, private_tmp) == []


def test_missing_files_are_named(disk, base, private_tmp, tmp_path):
    db = _live(disk, base)
    before = figures(db)
    for command, code, words in ((("import", str(tmp_path / "nope.csv")), failures.INPUT, "fichier ou dossier introuvable"),
                                 (("restore", str(tmp_path / "nope.duckdb")), failures.INPUT, "Fichier introuvable"),
                                 (("undo", "99"), failures.REFUSED, "l'import n° 99 n'existe pas")):
        done = disk.run(*command, "--db", str(db))
        assert done.returncode == code, (command, done.stdout, done.stderr)
        assert words in done.stdout + done.stderr and "Traceback" not in done.stderr
    assert figures(db) == before and leftovers(db, private_tmp) == []
