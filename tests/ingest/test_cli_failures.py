"""The command line meets a failing machine with one French message and a non-zero exit code, never a
traceback (issue 17, item 6); the real disks, folders and kills are in tests/fault."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from psynam import failures, store
from psynam.__main__ import main
from tests.ingest.conftest import CLEAN, snapshot

NEW = Path(__file__).parent / "corpus" / "01_utf8_semicolon.csv"


@pytest.fixture
def live(populated) -> Path:
    return populated


def _run(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_full_disk_is_said_before_the_import_starts(live, capsys, monkeypatch):
    monkeypatch.setattr(store, "free_bytes", lambda folder: 5 * 1024 * 1024)
    before = snapshot(live)
    code, out, err = _run(capsys, "import", str(NEW), "--db", str(live))
    assert code == failures.ENVIRONMENT
    assert err.startswith(f"Espace disque insuffisant dans {live.parent} : il faut environ ")
    assert "il en reste 5 Mo" in err and "La base n'a pas été modifiée." in err and "Traceback" not in err
    assert snapshot(live) == before


def test_a_disk_that_fills_during_the_import_is_said_in_french(live, capsys, monkeypatch):
    """Before: `_duckdb.FatalException: FATAL Error: Failed to create checkpoint … No space left on device`."""
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(store.work_dir(live) / "123-x.duckdb"))

    monkeypatch.setattr(shutil, "copyfileobj", full)
    code, out, err = _run(capsys, "import", str(NEW), "--db", str(live))
    assert code == failures.ENVIRONMENT and err.startswith(f"Disque plein dans {live.parent} : libérez de la place")
    assert list(store.work_dir(live).iterdir()) == []


def test_a_read_only_folder_is_said_in_french(live, capsys, monkeypatch):
    def read_only(db):
        raise OSError(errno.EROFS, "Read-only file system", str(store.lock_path(db)))

    monkeypatch.setattr(store, "writer_lock", read_only)
    code, out, err = _run(capsys, "import", str(NEW), "--db", str(live))
    assert code == failures.ENVIRONMENT
    assert err.startswith(f"Écriture impossible dans {live.parent} (dossier en lecture seule")


@pytest.mark.parametrize("command", [["history"], ["import", str(NEW)], ["undo", "1"],
                                     ["metrics", "--from", "2024-01-01", "--to", "2024-12-31"]])
def test_a_database_file_that_is_not_duckdb(tmp_path, capsys, command):
    garbage = tmp_path / "psynam.duckdb"
    garbage.write_bytes(b"not a database" * 300)
    code, out, err = _run(capsys, *command, "--db", str(garbage))
    assert code == failures.ENVIRONMENT, err
    assert err.startswith(f"Le fichier {garbage} n'est pas une base DuckDB lisible") and "Traceback" not in err
    assert garbage.read_bytes() == b"not a database" * 300


def test_restore_of_anything_but_a_psynam_database_is_refused(live, tmp_path, capsys):
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x01\x02" * 2048)
    before = snapshot(live)
    code, out, err = _run(capsys, "restore", str(garbage), "--db", str(live))      # before: "restored", 0
    assert code == failures.REFUSED and err.startswith("Restauration refusée : ce n'est pas une base DuckDB")
    code, out, err = _run(capsys, "restore", str(tmp_path / "missing.duckdb"), "--db", str(live))
    assert code == failures.INPUT and err.startswith("Fichier introuvable : ")     # before: a traceback
    code, out, err = _run(capsys, "restore", str(live), "--db", str(live))
    assert code == failures.REFUSED and "c'est la base en service elle-même" in err
    assert snapshot(live) == before


def test_restore_of_a_backup_says_where_the_replaced_base_went(live, capsys):
    assert main(["import", str(NEW), "--db", str(live)]) == 0
    [backup] = store.backups(live)
    code, out, err = _run(capsys, "restore", str(backup), "--db", str(live))
    assert code == 0 and "restaurée comme base en service" in out and str(store.backup_dir(live)) in out


def test_an_unexpected_error_is_one_french_line_and_the_detail_on_demand(live, capsys, monkeypatch):
    from psynam.ingest import pipeline

    def bug(*args, **kwargs):
        raise TypeError("a bug")

    monkeypatch.setattr(pipeline, "_prepare", bug)
    code, out, err = _run(capsys, "import", str(CLEAN), "--db", str(live))
    assert code == failures.UNEXPECTED and err.startswith("Erreur inattendue (TypeError). La base n'a pas été modifiée.")
    assert "Traceback" not in err
    monkeypatch.setenv("PSYNAM_DEBUG", "1")
    code, out, err = _run(capsys, "import", str(CLEAN), "--db", str(live))
    assert "Traceback" in err and "a bug" in err


def test_temporary_space_exhausted_is_told_apart_from_the_disk():
    import duckdb
    error = duckdb.OutOfMemoryException("Out of Memory Error: failed to offload data block of size 96.0 KiB "
                                        "(928.0 KiB/976.5 KiB used).\nThis limit was set by the "
                                        "'max_temp_directory_size' setting.")
    failure = failures.explain(error)
    assert failure.kind == "temp_full" and failure.exit_code == failures.ENVIRONMENT
    assert failure.message.startswith("Espace temporaire épuisé") and "TMPDIR" in failure.message


def test_a_refused_role_keeps_its_own_french_message():
    class AccessDenied(PermissionError):      # as psynam.access raises it for a write a role may not do
        pass

    failure = failures.explain(AccessDenied("Votre rôle ne permet pas d'importer."))
    assert failure.kind == "denied" and failure.exit_code == failures.REFUSED
    assert failure.message == "Votre rôle ne permet pas d'importer. La base n'a pas été modifiée."
