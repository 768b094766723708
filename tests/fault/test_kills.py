"""Processes killed with SIGKILL at random moments of an import (the 20 kills that were in
tests/ingest/test_store.py), an undo and a restore, and dry runs abandoned — by a session that died or one
nobody came back to: after each, the database opens and holds the figures of before or of after, the lock
is free, and the next writer leaves no temporary file behind."""

from __future__ import annotations

import datetime as dt
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from psynam import ROOT, store
from psynam.ingest import import_paths
from tests.fault.conftest import figures, leftovers
from tests.ingest.conftest import CLEAN, rows
from tests.ingest.test_store import big_sessions

pytestmark = pytest.mark.fault
TODAY = dt.date(2024, 6, 30)

# A child that gets ready (imports done, its inputs read), says so, waits for "go" and then does its work.
IMPORT = """
import sys, datetime as dt
from psynam.ingest import import_paths
print("ready", flush=True)
sys.stdin.readline()
report = import_paths([sys.argv[1]], sys.argv[2], today=dt.date(2024, 6, 30))
print("done", report.status, flush=True)
"""
UNDO = """
import sys
from psynam.ingest.undo import undo
print("ready", flush=True)
sys.stdin.readline()
undo(int(sys.argv[1]), sys.argv[2])
print("done", flush=True)
"""
RESTORE = """
import sys
from pathlib import Path
from psynam import store
from psynam.build import upgrade_into
print("ready", flush=True)
sys.stdin.readline()
store.restore(Path(sys.argv[2]), Path(sys.argv[1]), prepare=upgrade_into)
print("done", flush=True)
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path]:
    """The clean export (import 1), then 3,000 sessions (import 2, which undo and restore take back)."""
    folder = tmp_path_factory.mktemp("fault-kills")
    path = folder / "psynam.duckdb"
    file = big_sessions(folder / "sessions.csv", 3000)
    assert import_paths([CLEAN], path, today=TODAY).ok and import_paths([file], path, today=TODAY).ok
    return path, file


def _copy(base: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "psynam.duckdb"
    shutil.copyfile(base, db)
    for backup in store.backups(base):
        store.backup_dir(db).mkdir(exist_ok=True)
        shutil.copyfile(backup, store.backup_dir(db) / backup.name)
    return db


def _child(script: str, *args) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def _go(proc: subprocess.Popen) -> None:
    proc.stdin.write("go\n")
    proc.stdin.flush()


def _killed_at_random(base: Path, tmp_path: Path, script: str, args, kills: int, seed: int) -> list[bool]:
    """Time the operation once whole, then run it `kills` times on copies of `base`, each killed with
    SIGKILL at a random moment of its running time; return, per kill, whether it had finished (the
    database is then wholly `after`), and check the database is exactly `before` or `after`."""
    before = figures(base)
    reference = _copy(base, tmp_path / "reference")
    proc = _child(script, *args(reference))
    started = time.perf_counter()
    _go(proc)
    assert proc.stdout.readline().startswith("done")
    proc.wait()
    duration = time.perf_counter() - started
    after = figures(reference)
    assert after != before

    rng, outcomes = random.Random(seed), []
    for batch in range(0, kills, 5):
        runs = []
        for k in range(min(5, kills - batch)):
            db = _copy(base, tmp_path / f"run{batch}_{k}")
            runs.append((db, _child(script, *args(db))))
        for db, proc in runs:
            _go(proc)
            time.sleep(rng.uniform(0, duration * 1.1) / len(runs))
            proc.send_signal(signal.SIGKILL)
        for db, proc in runs:
            proc.wait()
            state = figures(db)
            assert state in (before, after)
            outcomes.append(state == after)
            store.sweep(db)                         # what the next writer does first
            assert leftovers(db, Path("/nonexistent")) == []
    return outcomes


def test_an_import_killed_at_random_moments_leaves_the_database_whole(base, tmp_path):
    """20 imports of 3,000 rows, each killed after a random delay within its running time: the database
    opens and holds exactly what it held before, or the whole import; the next import works."""
    db, _ = base
    file = big_sessions(tmp_path / "more.csv", 3000, prefix="M")
    outcomes = _killed_at_random(db, tmp_path, IMPORT, lambda copy: (file, copy), 20, 20240331)
    assert not all(outcomes), "no kill landed before the swap"
    for run in sorted(tmp_path.glob("run*/psynam.duckdb"))[:3]:
        assert rows(run, "select count(*) from imports")[0][0] in (2, 3)
    again = tmp_path / "run0_0" / "psynam.duckdb"      # the lock died with the process
    assert import_paths([file], again, today=TODAY).ok
    assert leftovers(again, Path("/nonexistent")) == []


def test_an_undo_killed_at_random_moments_leaves_the_database_whole(base, tmp_path):
    db, _ = base
    outcomes = _killed_at_random(db, tmp_path, UNDO, lambda copy: (2, copy), 10, 20240401)
    assert not all(outcomes), "no kill landed before the swap"
    from psynam.ingest.undo import undo
    again = tmp_path / "run0_0" / "psynam.duckdb"
    if rows(again, "select count(*) from import_undos")[0][0] == 0:
        undo(2, again)                                 # the next writer finds the lock free
    assert leftovers(again, Path("/nonexistent")) == []


def test_a_restore_killed_at_random_moments_leaves_the_database_whole(base, tmp_path):
    db, _ = base
    outcomes = _killed_at_random(db, tmp_path, RESTORE,
                                 lambda copy: (store.backups(copy)[-1], copy), 10, 20240402)
    assert not all(outcomes), "no kill landed before the swap"


# --- abandoned dry runs ----------------------------------------------------------------------------
DRY_RUN = """
import sys
from pathlib import Path
from psynam import failures, store
from psynam.ingest import confirm, stage
db, source = Path(sys.argv[1]), Path(sys.argv[2])
folder = store.new_upload_folder(db)          # as the import page saves an upload
copy = folder / source.name
copy.write_bytes(source.read_bytes())
staged = stage([copy], db, uploads=folder)
print("staged", staged.candidate.path, flush=True)
sys.stdin.readline()                          # the coordinator walks away
try:
    confirm(staged)
    print("confirmed", flush=True)
except Exception as error:
    print(failures.explain(error, db).message, flush=True)
"""


def _dry_run(db: Path, file: Path, env: dict | None = None) -> tuple[subprocess.Popen, Path]:
    import os
    proc = subprocess.Popen([sys.executable, "-c", DRY_RUN, str(db), str(file)], cwd=ROOT, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, **(env or {})})
    line = proc.stdout.readline().split()
    assert line[0] == "staged", line
    return proc, Path(line[1])


def test_a_dry_run_whose_session_died_is_removed_by_the_next_writer(base, tmp_path):
    db = _copy(base[0], tmp_path / "died")
    before = figures(db)
    file = big_sessions(tmp_path / "new.csv", 500, prefix="D")
    proc, copy = _dry_run(db, file)
    proc.send_signal(signal.SIGKILL)             # the server went down with the page open
    proc.wait()
    assert copy.exists() and list(store.uploads_dir(db).iterdir())        # before: kept for 24 h, /tmp for ever
    assert figures(db) == before
    assert import_paths([big_sessions(tmp_path / "other.csv", 10, prefix="O")], db, today=TODAY).ok
    assert not copy.exists() and leftovers(db, Path("/nonexistent")) == []


def test_a_dry_run_nobody_confirmed_expires(base, tmp_path):
    """A live session that never comes back: its copy and uploads go once they are older than the expiry
    (a few seconds here, 30 minutes by default), and its late confirmation is told so."""
    db = _copy(base[0], tmp_path / "idle")
    before = figures(db)
    file = big_sessions(tmp_path / "new.csv", 500, prefix="E")
    proc, copy = _dry_run(db, file)
    time.sleep(3)
    import os
    env = {**os.environ, "PSYNAM_DRY_RUN_MINUTES": "0.02"}
    done = subprocess.run([sys.executable, "-m", "psynam", "import", str(big_sessions(tmp_path / "o.csv", 10, "O")),
                           "--db", str(db)], cwd=ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert not copy.exists() and list(store.uploads_dir(db).iterdir()) == []
    proc.stdin.write("go\n")
    proc.stdin.flush()
    assert proc.stdout.readline().startswith("Cette simulation a expiré")
    proc.wait()
    after = figures(db)
    assert after != before and leftovers(db, Path("/nonexistent")) == []
