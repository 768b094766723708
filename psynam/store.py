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
    psynam.duckdb.uploads/  files uploaded on the import page, one folder <pid>-<random>/ per dry run (0700)
    psynam.duckdb.backups/  the previous versions, the last KEEP_BACKUPS, named <time>-<operation>.duckdb
    psynam.duckdb.files/    every imported file, as files/<sha256>/<name>

Nothing is left behind: whatever fails removes what it was writing (a partial copy, a partial kept file,
a partial backup), and sweep() — run by every writer and by the import page — deletes what a dead
process left and any dry run nobody confirmed within DRY_RUN_MINUTES (its copy and its uploads).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
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


def dry_run_seconds() -> float:
    """How long a dry run waits for its confirmation before its copy and uploads are deleted
    ($PSYNAM_DRY_RUN_MINUTES, default 30; the page keeps a dry run on screen alive while it is used)."""
    return float(os.environ.get("PSYNAM_DRY_RUN_MINUTES", "30")) * 60


class StaleBase(RuntimeError):
    """The live database changed between a dry run and its confirmation."""


class Expired(RuntimeError):
    """A dry run's copy is gone (expired, or swept when its session ended): it must be run again."""


class NotADatabase(ValueError):
    """A file offered to restore is not a PSYNAM database this release can serve (the reason, in French)."""


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


def uploads_dir(db: Path) -> Path:
    return _beside(db, ".uploads")


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


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _owner(name: str) -> int | None:
    """The process that wrote a file of the store: `<pid>-<random>…`, or `.<name>.<pid>.tmp` (keep_file)."""
    if name.startswith("."):
        parts = name.rsplit(".", 2)
        pid = parts[1] if len(parts) == 3 and parts[2] == "tmp" else ""
    else:
        pid = name.split("-", 1)[0]
    return int(pid) if pid.isdigit() else None


def _abandoned(path: Path, now: float) -> bool:
    """Left by a process that died, or older than a dry run may wait."""
    pid = _owner(path.name)
    if pid is not None and not _pid_alive(pid):
        return True
    try:
        return now - path.stat().st_mtime > dry_run_seconds()
    except FileNotFoundError:
        return False


def sweep(db: Path) -> list[Path]:
    """Delete what writers and dry runs left beside `db`: copies, stages and spill folders of dead writers
    or of dry runs older than dry_run_seconds() (work/), their uploads (uploads/), partial kept files
    (files/*/.*.tmp). Returns what was deleted."""
    now, gone = time.time(), []
    places = [work_dir(db), uploads_dir(db)]
    for folder in places:
        for f in folder.glob("*") if folder.is_dir() else ():
            if _abandoned(f, now):
                _remove(f)
                gone.append(f)
    kept = files_dir(db)
    for f in kept.glob("*/.*.tmp") if kept.is_dir() else ():
        if _abandoned(f, now):
            _remove(f)
            gone.append(f)
    return gone


def new_upload_folder(db: Path) -> Path:
    """A private folder beside the database for one dry run's uploaded files (readable by its owner only),
    named like a copy so that sweep() deletes it with its dry run."""
    folder = uploads_dir(db)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"{os.getpid()}-{uuid.uuid4().hex}"
    path.mkdir(mode=0o700)
    return path


def touch(*paths: Path | None) -> None:
    """Keep a dry run alive (its copy, its uploads): the sweep deletes only what is older than its expiry."""
    for path in paths:
        if path is not None:
            with contextlib.suppress(FileNotFoundError):
                os.utime(path)


def new_candidate(db: Path, fresh: bool = False) -> Candidate:
    """A private copy of the live file (an empty one when `fresh` or when there is no live file yet). A copy
    that fails (a full disk) is removed before the error goes on."""
    folder = work_dir(db)
    folder.mkdir(parents=True, exist_ok=True)
    sweep(db)
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
        path.unlink(missing_ok=True)
        base = None
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Candidate(db, path, base)


def free_bytes(folder: Path) -> int:
    return shutil.disk_usage(folder).free


def margin_bytes() -> int:
    """Free space a write keeps beyond its estimate ($PSYNAM_FREE_MARGIN_MB, default 16; a negative margin
    switches the estimate off, as the fault tests do to reach a real full disk)."""
    return int(float(os.environ.get("PSYNAM_FREE_MARGIN_MB", "16")) * 1024 * 1024)


class DiskFull(OSError):
    """Not enough free space for a write, found before starting it (the message is in French)."""

    def __init__(self, folder: Path, needed: int, free: int):
        super().__init__(errno.ENOSPC, f"espace disque insuffisant dans {folder}")
        self.folder, self.needed, self.free = folder, needed, free


def check_space(db: Path, extra: int = 0) -> None:
    """Refuse a write before it starts when the database's folder cannot hold a copy of the database plus
    `extra` bytes (what the import will stage) plus margin_bytes()."""
    folder = db.parent if db.parent.exists() else Path(".")
    needed = (db.stat().st_size if db.exists() else 0) + extra + margin_bytes()
    free = free_bytes(folder)
    if free < needed:
        raise DiskFull(folder, needed, free)


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
    """Delete a copy and what DuckDB wrote beside it (its log, its spill folder)."""
    for f in (candidate.path, _beside(candidate.path, ".wal"), _beside(candidate.path, ".tmp")):
        _remove(f)


def exists(candidate: Candidate) -> bool:
    return candidate.path.exists()


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
    if not candidate.path.exists():
        raise Expired(f"{candidate.path} is gone")
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
            try:
                shutil.copy2(db, backup)
            except BaseException:
                backup.unlink(missing_ok=True)
                raise
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


def check_database(db: Path, candidate: Path) -> None:
    """Raise NotADatabase (a French reason) unless `candidate` is a PSYNAM database this release can serve
    in place of `db`: not the live file itself, a DuckDB file, holding every table the importer writes with
    their columns, the import log and a schema fingerprint (psynam_meta), and no unmerged log (.wal)."""
    from psynam.ingest.tables import TABLES   # the store knows files; the importer knows the tables

    if not candidate.exists():
        raise FileNotFoundError(errno.ENOENT, "fichier introuvable", str(candidate))
    if db.exists() and os.path.samefile(db, candidate):
        raise NotADatabase("c'est la base en service elle-même : choisissez une copie de sauvegarde "
                           f"(dans {backup_dir(db)})")
    if _beside(candidate, ".wal").exists():
        raise NotADatabase("elle a un journal (.wal) non intégré : ce n'est pas une copie de sauvegarde fermée")
    try:
        con = duckdb.connect()
        try:
            con.execute("attach $path as candidate (read_only)", {"path": str(candidate)})
            columns = con.execute("select table_name, column_name from duckdb_columns() "
                                  "where database_name = 'candidate' and schema_name = 'main'").fetchall()
            stored = {}
            for table, column in columns:
                stored.setdefault(table, set()).add(column)
            fingerprint = con.execute("select value from candidate.psynam_meta where key = 'schema_version'"
                                      ).fetchall() if "psynam_meta" in stored else []
        finally:
            con.close()
    except duckdb.Error as e:
        raise NotADatabase("ce n'est pas une base DuckDB lisible (fichier abîmé ou d'un autre programme)") from e
    missing = [t for t in ("imports", "import_undos", "psynam_meta", *TABLES) if t not in stored]
    if missing:
        raise NotADatabase("ce n'est pas une base PSYNAM (tables absentes : " + ", ".join(missing) + ")")
    for name, table in TABLES.items():
        lacking = sorted(set(table.column_names) - stored[name])
        if lacking:
            raise NotADatabase(f"sa table {name} n'a pas les colonnes de cette version ({', '.join(lacking)}) : "
                               "base d'une version inconnue")
    if not fingerprint:
        raise NotADatabase("elle ne porte pas de version de schéma (psynam_meta) : base d'une version inconnue")


@write_action("restore")
def restore(db: Path, backup: Path, prepare=None) -> None:
    """Make `backup` the live file again (the current one becomes a backup in turn), after check_database;
    `prepare(con)` runs on the copy before it is swapped in (psynam.build rebuilds the stored staging rows
    of a copy an earlier release wrote). Anything refused or failing changes nothing."""
    with writer_lock(db):
        check_database(db, backup)
        candidate = new_candidate(db, fresh=True)
        try:
            shutil.copyfile(backup, candidate.path)
            if prepare is not None:
                con = candidate.connect()
                try:
                    prepare(con)
                    con.execute("checkpoint")
                finally:
                    con.close()
            commit(candidate, "avant-restauration")
        except BaseException:
            discard(candidate)
            raise


# --- imported files ---------------------------------------------------------------------------------
def keep_file(db: Path, source: Path, sha256: str) -> Path:
    """Keep a copy of an imported file beside the database (once per content). A copy that fails (a full
    disk) is removed before the error goes on."""
    target = files_dir(db) / sha256 / source.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        try:
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                target.parent.rmdir()          # only when empty: a folder of this content's other names stays
            raise
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
