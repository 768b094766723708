"""A full disk for the database, an exhausted TMPDIR: the import stops with its French message and exit
code 3, the database opens with the figures it had, nothing is left behind, and once there is room the
same import goes through."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from psynam import failures, store
from tests.fault.conftest import figures, leftovers
from tests.ingest.conftest import CLEAN
from tests.ingest.test_store import big_sessions

pytestmark = pytest.mark.fault
MB = 1024 * 1024


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    from psynam.ingest import import_paths

    path = tmp_path_factory.mktemp("fault-base") / "psynam.duckdb"
    assert import_paths([CLEAN], path).ok
    return path


@pytest.fixture(scope="module")
def sessions(tmp_path_factory) -> Path:
    return big_sessions(tmp_path_factory.mktemp("fault-input") / "sessions.csv", 50_000)


def _live(disk, base: Path) -> Path:
    db = disk.path / "psynam.duckdb"
    shutil.copyfile(base, db)
    return db


def test_a_disk_too_full_for_the_import_is_said_before_it_starts(disk, base, sessions, private_tmp):
    db = _live(disk, base)
    before = figures(db)
    disk.fill(db.stat().st_size + 2 * MB)
    done = disk.run("import", str(sessions), "--db", str(db))
    assert done.returncode == failures.ENVIRONMENT, done.stderr
    if disk.mounted:       # the estimate reads the free space, which only a real small disk has
        assert done.stderr.startswith(f"Espace disque insuffisant dans {disk.path} : il faut environ ")
    else:
        assert done.stderr.startswith(f"Disque plein dans {disk.path}")
    assert "Traceback" not in done.stderr and "La base n'a pas été modifiée." in done.stderr
    assert figures(db) == before and leftovers(db, private_tmp) == []


def test_a_disk_that_fills_during_the_import(disk, base, sessions, private_tmp):
    """Before: `_duckdb.FatalException: … Could not write file …: No space left on device`, exit 1. The
    free-space estimate is switched off (a negative margin) so that the disk really fills."""
    db = _live(disk, base)
    before = figures(db)
    disk.fill(db.stat().st_size + 1 * MB)            # room for the copy, not for the import
    done = disk.run("import", str(sessions), "--db", str(db), env={"PSYNAM_FREE_MARGIN_MB": "-100000"})
    assert done.returncode == failures.ENVIRONMENT, done.stderr
    assert done.stderr.startswith(f"Disque plein dans {disk.path} : libérez de la place"), done.stderr
    assert "Traceback" not in done.stderr
    assert figures(db) == before and leftovers(db, private_tmp) == []
    disk.empty()
    again = disk.run("import", str(sessions), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert figures(db) != before and leftovers(db, private_tmp) == []


CONFIRM = """
import sys
from pathlib import Path
from psynam import failures, store
from psynam.ingest import confirm, stage
db, source = Path(sys.argv[1]), Path(sys.argv[2])
folder = store.new_upload_folder(db)
copy = folder / source.name
copy.write_bytes(source.read_bytes())
staged = stage([copy], db, uploads=folder)
print("staged", flush=True)
sys.stdin.readline()                       # the test fills the disk now
try:
    confirm(staged)
    print("confirmed")
except Exception as error:
    print(failures.explain(error, db).message)
"""


def test_a_disk_that_fills_while_the_imported_file_is_kept(disk, base, sessions, private_tmp):
    """Before: a partial `.tmp` stayed in psynam.duckdb.files/ and the disk stayed full."""
    if not disk.mounted:
        pytest.skip("the file size limit is fixed when the child starts: covered by tests/ingest/test_leftovers")
    db = _live(disk, base)
    before = figures(db)
    proc = disk.popen([sys.executable, "-c", CONFIRM, str(db), str(sessions)], stdin=-1, stdout=-1, stderr=-1)
    assert proc.stdout.readline().strip() == "staged", proc.stderr.read()
    disk.fill(1 * MB)                              # less than the 4.7 MB file to keep
    out, err = proc.communicate("go\n", timeout=600)
    assert out.startswith("Disque plein dans"), out + err
    assert figures(db) == before and leftovers(db, private_tmp) == []
    assert not store.files_dir(db).exists() or list(store.files_dir(db).rglob("*.csv")) == []


def test_an_exhausted_temporary_folder(temp_disk, base, sessions, tmp_path):
    """A 1 MB TMPDIR and a memory limit low enough that DuckDB must spill (before: an English traceback
    naming max_temp_directory_size)."""
    db = tmp_path / "psynam.duckdb"
    shutil.copyfile(base, db)
    before = figures(db)
    temp_disk.env["PSYNAM_IMPORT_MEMORY_LIMIT"] = "16MB"
    done = temp_disk.run("import", str(sessions), "--db", str(db))
    assert done.returncode == failures.ENVIRONMENT, done.stderr
    assert done.stderr.startswith("Espace temporaire épuisé") and str(temp_disk.path) in done.stderr, done.stderr
    assert figures(db) == before and leftovers(db, temp_disk.path) == []
