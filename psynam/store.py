"""The database file and what lives beside it: one writer at a time, changes made on a private copy and
swapped in atomically, the previous file kept as a backup, every imported file kept for replay.

DuckDB allows one writing process per file, and a reader holding the file read-only blocks a writer in
another process. So nobody ever writes the live file: a writer takes the lock, copies the live file into
`work/`, writes the copy, checkpoints and closes it, and `os.replace`s it over the live file (the old
inode stays readable by any connection still open on it). A reader therefore always sees one whole
version, never a lock error; a writer killed at any moment leaves the live file untouched (its copy is
deleted by the next writer). Layout beside data/psynam.duckdb:

    psynam.duckdb.lock      the writers' lock (flock: released by the kernel when a writer dies)
    psynam.duckdb.work/     private copies being written, named <pid>-<random>.duckdb
    psynam.duckdb.backups/  the previous versions, the last KEEP_BACKUPS, named <time>-<operation>.duckdb
    psynam.duckdb.files/    every imported file, as files/<sha256>/<name>
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import duckdb

from psynam.audit import write_action

KEEP_BACKUPS = 10
STALE_WORK_SECONDS = 24 * 3600  # a copy left by a dry run nobody confirmed


class StaleBase(RuntimeError):
    """The live database changed between a dry run and its confirmation."""


def _beside(db: Path, suffix: str) -> Path:
    return db.with_name(db.name + suffix)


def lock_path(db: Path) -> Path:
    return _beside(db, ".lock")


def work_dir(db: Path) -> Path:
    return _beside(db, ".work")


def backup_dir(db: Path) -> Path:
    return _beside(db, ".backups")


def files_dir(db: Path) -> Path:
    return _beside(db, ".files")


@contextlib.contextmanager
def writer_lock(db: Path):
    """Hold the writers' lock of `db` (blocks while another writer holds it)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path(db), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def identity(db: Path) -> tuple[int, int, int] | None:
    """What tells one version of the live file from another (None: there is no live file)."""
    try:
        st = os.stat(db)
    except FileNotFoundError:
        return None
    return st.st_ino, st.st_mtime_ns, st.st_size


@dataclass
class Candidate:
    """A private copy of the database being written; becomes the live file on commit()."""
    db: Path                                  # the live file it will replace
    path: Path                                # the copy
    base: tuple[int, int, int] | None         # identity of the live file it was copied from

    def connect(self) -> duckdb.DuckDBPyConnection:
        con = duckdb.connect(str(self.path))
        con.execute("set enable_progress_bar = false")   # a terminal is no place for it: the page has its own
        return con


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _clean_work(folder: Path) -> None:
    """Delete copies whose writer died, and old ones nobody confirmed."""
    now = time.time()
    for f in folder.glob("*"):
        pid = f.name.split("-", 1)[0]
        dead = pid.isdigit() and not _pid_alive(int(pid))
        with contextlib.suppress(FileNotFoundError):
            if dead or now - f.stat().st_mtime > STALE_WORK_SECONDS:
                if f.is_dir():  # DuckDB's spill folder of a copy (<copy>.duckdb.tmp)
                    shutil.rmtree(f, ignore_errors=True)
                else:
                    f.unlink()


def new_candidate(db: Path, fresh: bool = False) -> Candidate:
    """A private copy of the live file (an empty one when `fresh` or when there is no live file yet)."""
    folder = work_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    _clean_work(folder)
    path = folder / f"{os.getpid()}-{uuid.uuid4().hex}.duckdb"
    base = identity(db)
    if fresh:
        return Candidate(db, path, base)
    try:
        with open(db, "rb") as src:
            base = _fd_identity(src.fileno())
            with open(path, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 24)
    except FileNotFoundError:
        base = None
    return Candidate(db, path, base)


@contextlib.contextmanager
def rewrite(db: Path, operation: str, memory_limit: str | None = None):
    """A read-write connection on a private copy of the live file, swapped in (checkpointed, the previous
    file kept as a backup named after `operation`) when the block ends; thrown away on any error. For
    writes confirmed at once (undo, upgrade); an import's dry run uses new_candidate/commit itself.
    The caller holds writer_lock(db)."""
    candidate = new_candidate(db)
    try:
        con = candidate.connect()
        try:
            if memory_limit:  # beyond it DuckDB spills to disk rather than growing
                con.execute(f"set memory_limit = '{memory_limit}'")
            yield con
            con.execute("checkpoint")
        finally:
            con.close()
    except BaseException:
        discard(candidate)
        raise
    commit(candidate, operation)


def _fd_identity(fd: int) -> tuple[int, int, int]:
    st = os.fstat(fd)
    return st.st_ino, st.st_mtime_ns, st.st_size


def discard(candidate: Candidate) -> None:
    for f in (candidate.path, _beside(candidate.path, ".wal")):
        f.unlink(missing_ok=True)


def _fsync(path: Path, directory: bool = False) -> None:
    fd = os.open(path, os.O_RDONLY | (os.O_DIRECTORY if directory else 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def commit(candidate: Candidate, operation: str) -> Path | None:
    """Make the candidate the live file; the previous live file becomes a backup (returned).
    The caller holds writer_lock(db). Raises StaleBase if the live file changed since the copy."""
    db = candidate.db
    if identity(db) != candidate.base:
        discard(candidate)
        raise StaleBase(f"{db} changed since the copy was taken")
    if _beside(candidate.path, ".wal").exists():
        raise RuntimeError("the candidate was not checkpointed")
    _fsync(candidate.path)
    backup = None
    if candidate.base is not None:
        folder = backup_dir(db)
        folder.mkdir(exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
        backup = folder / f"{stamp}-{operation}.duckdb"
        try:
            os.link(db, backup)       # the old inode is never written again: a link is a full backup
        except OSError:
            shutil.copy2(db, backup)
        # The readers' caches key on mtime_ns: make sure the new version's differs from the old one.
        old_mtime = candidate.base[1]
        now = time.time_ns()
        os.utime(candidate.path, ns=(now, max(now, old_mtime + 1)))
    os.replace(candidate.path, db)
    _fsync(db.parent, directory=True)
    _prune_backups(backup_dir(db))
    return backup


def _prune_backups(folder: Path) -> None:
    if not folder.exists():
        return
    for old in sorted(folder.glob("*.duckdb"))[:-KEEP_BACKUPS]:
        old.unlink(missing_ok=True)


def backups(db: Path) -> list[Path]:
    """The kept previous versions, oldest first."""
    folder = backup_dir(db)
    return sorted(folder.glob("*.duckdb")) if folder.exists() else []


@write_action("restore")
def restore(db: Path, backup: Path) -> None:
    """Make `backup` the live file again (the current one becomes a backup in turn)."""
    with writer_lock(db):
        candidate = new_candidate(db, fresh=True)
        shutil.copyfile(backup, candidate.path)
        commit(candidate, "before-restore")


# --- imported files ---------------------------------------------------------------------------------
def keep_file(db: Path, source: Path, sha256: str) -> Path:
    """Keep a copy of an imported file beside the database (once per content)."""
    target = files_dir(db) / sha256 / source.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, target)
    return target


def kept_file(db: Path, sha256: str, name: str) -> Path:
    return files_dir(db) / sha256 / name


# --- readers ----------------------------------------------------------------------------------------
READER_ALIAS = "psynam"  # the attached database's name: a fixed identifier, never user input


def open_reader(db: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection on the live file's current version.

    Through ATTACH on an in-memory database rather than duckdb.connect(path): DuckDB shares one
    instance per path within a process, so connect(path) would hand back the version an older
    connection still holds open, not the file that has since been swapped in."""
    con = duckdb.connect()
    con.execute(f"attach $path as {READER_ALIAS} (read_only)", {"path": str(db)})
    con.execute(f"use {READER_ALIAS}")
    return con
