"""One import from end to end: read the export, check every table, write it all into a private copy of
the database, then (on confirmation) swap the copy in — all or nothing unless accept_valid.

stage() is the dry run: it does the whole import on a copy (psynam.store) and reports what it did, so the
counts a coordinator confirms are the counts that will be written; confirm() makes that copy the live
database (under the writers' lock, only if the live file has not changed since), keeping the imported
files beside it; discard() throws it away. import_paths() does both for the command line.

Memory stays bounded whatever the size of the files: each table is read and checked a chunk at a time
into a stage on disk (validate.Stage: Parquet parts beside the copy, deleted afterwards), the whole-
import checks (duplicated ids) and the merge run in DuckDB on that stage, and the import's connection
gets a memory limit (IMPORT_MEMORY_LIMIT, or $PSYNAM_IMPORT_MEMORY_LIMIT) past which DuckDB writes to a
temporary folder.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import os
import shutil
import tempfile
import uuid
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import duckdb

from psynam import db as database
from psynam import store
from psynam.audit import write_action
from psynam.ingest import write
from psynam.ingest.read import read_export
from psynam.ingest.report import ERROR, WARNING, Capped, ImportReport, Issue, UnreadableInput
from psynam.ingest.tables import ORDER
from psynam.ingest.validate import Checked, Context, Stage, check_table

Progress = Callable[[float, str], None]
# DuckDB's memory limit on an import's connection (the merge and the derived tables); beyond it, DuckDB
# writes to a temporary folder. Lower is leaner but slower (the derived tables spill).
IMPORT_MEMORY_LIMIT = os.environ.get("PSYNAM_IMPORT_MEMORY_LIMIT", "1GB")
SPILL_PREFIX = "psynam-import-"


def _silent(fraction: float, text: str) -> None:
    return None


def current_user() -> str:
    """Who imports, when known: $PSYNAM_USER, else the login name."""
    try:
        return os.environ.get("PSYNAM_USER") or getpass.getuser()
    except (KeyError, OSError):
        return ""


@dataclass
class Staged:
    """A dry run kept for confirmation: its report and the written copy (None when refused), and the folder
    of its uploaded files when the import page made one (deleted with it)."""
    report: ImportReport
    candidate: store.Candidate | None
    kept: list[tuple[Path, str]] = field(default_factory=list)   # (file to keep, sha256)
    uploads: Path | None = None

    def touch(self) -> None:
        """Keep it alive while it is on screen (store.sweep deletes dry runs left alone too long)."""
        store.touch(self.candidate.path if self.candidate else None, self.uploads)


def input_bytes(paths) -> int:
    """What an import's files hold, archives counted expanded: the space its stage may take."""
    total = 0
    for p in paths:
        path = Path(p)
        with contextlib.suppress(OSError, zipfile.BadZipFile):
            if path.is_dir():
                total += sum(f.stat().st_size for f in path.iterdir() if f.is_file())
            elif path.suffix.lower() == ".zip":
                with zipfile.ZipFile(path) as z:
                    total += sum(i.file_size for i in z.infolist())
            else:
                total += path.stat().st_size
    return total


@write_action("import", log=False)
def stage(paths, db=None, *, accept_valid: bool = False, today: dt.date | None = None, user: str | None = None,
          via: str = "ligne de commande", fresh: bool = False, progress: Progress = _silent,
          uploads: Path | None = None) -> Staged:
    """Import into a private copy of the database `db`; nothing is visible until confirm(). `uploads`: the
    folder holding `paths` when the import page saved them (store.new_upload_folder); it then belongs to
    the dry run, deleted with it — at once when the import is refused or fails."""
    path = Path(database.db_path(db))
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    today = today or dt.date.today()
    progress(0.02, "copie de la base")
    try:
        # A full disk is said before anything is written: the copy of the database, then about three times
        # the files (their stage, the rows added to the copy and its log, the kept files).
        store.check_space(path, 3 * input_bytes(paths))
        candidate = store.new_candidate(path, fresh=fresh)
    except BaseException:
        if uploads is not None:
            shutil.rmtree(uploads, ignore_errors=True)
        raise
    try:
        con = candidate.connect()
        try:
            with _spill(con):
                with _staging(con) as (stages, scratch):
                    report, checked = _prepare(con, paths, accept_valid, True, today, progress, stages, scratch)
                    # A refused import is written too, on the copy that is then thrown away, so that its
                    # counts say what the valid rows would do (read − rejected = inserted + updated + unchanged).
                    written = report.status in ("imported", "refused") and bool(checked)
                    if written:
                        meta = {"user": user if user is not None else current_user(), "via": via,
                                "today": today.isoformat()}
                        _write(con, report, checked, meta, progress, commit=True)
                if written and report.ok:     # a refused import's copy is thrown away: nothing to prepare
                    progress(0.96, "préparation des tableaux")
                    database.refresh_after(con, report.import_id)   # decides itself: update, rebuild or nothing
                    con.execute("checkpoint")
        finally:
            con.close()
    except BaseException:
        discard(Staged(ImportReport(), candidate, uploads=uploads))
        raise
    if not report.ok:
        discard(Staged(report, candidate, uploads=uploads))
        report.import_id = None
        return Staged(report, None)
    kept = [(Path(s["file"]), s["sha256"]) for s in report.sources]
    progress(1.0, "simulation terminée")
    return Staged(report, candidate, kept, uploads)


@write_action("import")
def confirm(staged: Staged, locked: bool = False) -> ImportReport:
    """Make a staged import the live database; raises store.StaleBase if the database changed since."""
    candidate = staged.candidate
    if candidate is None:
        raise ValueError("nothing to confirm: the import was refused")
    lock = store.writer_lock(candidate.db) if not locked else _nothing()
    with lock:
        if not store.exists(candidate):
            discard(staged)
            raise store.Expired(f"{candidate.path} is gone")
        kept = []          # files kept by this confirmation, removed again if it fails
        try:
            con = candidate.connect()
            try:  # the time of the confirmation, not of the dry run
                con.execute("update imports set imported_at = $at where import_id = $id",
                            {"at": dt.datetime.now().replace(microsecond=0), "id": staged.report.import_id})
                con.execute("checkpoint")
            finally:
                con.close()
            for file, sha in staged.kept:
                if not store.kept_file(candidate.db, sha, file.name).exists():
                    kept.append(store.keep_file(candidate.db, file, sha))
            store.commit(candidate, f"avant-import-{staged.report.import_id}")
        except BaseException:
            for path in kept:
                path.unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    path.parent.rmdir()
            discard(staged)
            raise
    staged.report.dry_run = False
    staged.candidate = None
    _remove_uploads(staged)
    return staged.report


def discard(staged: Staged) -> None:
    """Throw a dry run away: its copy and its uploaded files."""
    if staged.candidate is not None:
        store.discard(staged.candidate)
        staged.candidate = None
    _remove_uploads(staged)


def _remove_uploads(staged: Staged) -> None:
    if staged.uploads is not None:
        shutil.rmtree(staged.uploads, ignore_errors=True)
        staged.uploads = None


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def import_paths(paths, db=None, *, accept_valid: bool = False, dry_run: bool = False,
                 today: dt.date | None = None, user: str | None = None, via: str = "ligne de commande",
                 fresh: bool = False, progress: Progress = _silent) -> ImportReport:
    """Import export files (CSV, folders, .zip, .xlsx) into the database file `db` (default: db_path()).
    The live file changes only when everything succeeded; a refused import writes nothing."""
    path = Path(database.db_path(db))
    options = dict(accept_valid=accept_valid, today=today, user=user, via=via, fresh=fresh, progress=progress)
    if dry_run:
        staged = stage(paths, path, **options)
        discard(staged)
        staged.report.dry_run, staged.report.import_id = True, None
        return staged.report
    with store.writer_lock(path):
        staged = stage(paths, path, **options)
        if staged.candidate is None:
            staged.report.dry_run = False
            return staged.report
        return confirm(staged, locked=True)


def import_into(con: duckdb.DuckDBPyConnection, paths, *, accept_valid: bool = False, dry_run: bool = False,
                today: dt.date | None = None) -> ImportReport:
    """As import_paths, into an open connection, in one transaction (the caller keeps it open)."""
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    today = today or dt.date.today()
    with _staging(con) as (stages, scratch):
        report, checked = _prepare(con, paths, accept_valid, dry_run, today, _silent, stages, scratch)
        if report.status == "imported":
            _write(con, report, checked, {"user": current_user(), "via": "python", "today": today.isoformat()},
                   _silent, commit=not dry_run)
    if report.status == "imported" and not dry_run:
        database.refresh_after(con, report.import_id)
    return report


@contextlib.contextmanager
def _staging(con: duckdb.DuckDBPyConnection):
    """Yield a list for the import's stages (validate.Stage) and the folder for its temporary files
    (the folder of `con`'s database, the system's temporary folder for one in memory); close the
    stages (their files and tables) afterwards."""
    found = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()
    folder = Path(found[0][0]).parent if found and found[0][0] else Path(tempfile.gettempdir())
    stages: list[Stage] = []
    try:
        yield stages, folder
    finally:
        for stage in stages:
            stage.close(con)


@contextlib.contextmanager
def _spill(con: duckdb.DuckDBPyConnection):
    """Bound DuckDB's memory on the import's connection: beyond IMPORT_MEMORY_LIMIT, it writes to a
    folder of its own in the system's temporary folder ($TMPDIR), deleted afterwards (and, if the
    process was killed, by the next import)."""
    root = Path(tempfile.gettempdir())
    for old in root.glob(f"{SPILL_PREFIX}*"):
        pid = old.name[len(SPILL_PREFIX):].split("-", 1)[0]
        if pid.isdigit() and not store._pid_alive(int(pid)):   # as the store cleans its work folder
            shutil.rmtree(old, ignore_errors=True)
    folder = root / f"{SPILL_PREFIX}{os.getpid()}-{uuid.uuid4().hex}"
    con.execute(f"set memory_limit = '{IMPORT_MEMORY_LIMIT}'")
    con.execute(f"set temp_directory = '{str(folder).replace(chr(39), chr(39) * 2)}'")
    if cap := _temp_cap():
        con.execute(f"set max_temp_directory_size = '{cap}MiB'")
    try:
        yield
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _temp_cap() -> int | None:
    """$PSYNAM_MAX_TEMP_MB: the most an import may write to TMPDIR (DuckDB's default: 90 % of its free space)."""
    value = os.environ.get("PSYNAM_MAX_TEMP_MB")
    return max(int(float(value)), 1) if value else None


def _prepare(con, paths, accept_valid, dry_run, today, progress, stages: list[Stage],
             scratch: Path) -> tuple[ImportReport, list[Checked]]:
    report = ImportReport(dry_run=dry_run, accept_valid=accept_valid)
    progress(0.05, "lecture des fichiers")
    try:
        export = read_export(paths, scratch)
    except UnreadableInput as e:
        return _unreadable(report, e), []
    try:
        report.sources = export.sources
        capped = Capped()              # what reading the files found (ignored files, sheets…), per rule
        capped.extend(export.issues)
        report.issues = capped.kept
        report.omitted_warnings += capped.omitted[WARNING]
        report.omitted_errors += capped.omitted[ERROR]
        if not export.tables:
            report.status = "unreadable"
            report.issues.append(Issue(", ".join(Path(p).name for p in paths), None, "", None,
                                       "aucune table reconnue (sessions.csv, partners.csv, … ou feuilles nommées ainsi)"))
            return report, []
        context = Context(today, _stored_ids(con, "partners", "partner_id"),
                          _stored_ids(con, "psychologists", "psychologist_id"))
        checked = []
        present = [t for t in ORDER if any(r.table == t for r in export.tables)]
        for n, table in enumerate(present):
            text = f"contrôle de {table}"
            progress(0.3 + 0.4 * n / len(present), text)
            raws = [r for r in export.tables if r.table == table]
            stages.append(Stage(scratch, table))
            try:
                result = check_table(con, table, raws, context, stages[-1],
                                     lambda rows, n=n, text=text: progress(
                                         0.3 + 0.4 * n / len(present), f"{text} : {rows:,} lignes".replace(",", " ")))
            except UnreadableInput as e:      # a file found broken while its rows were read
                return _unreadable(ImportReport(dry_run=dry_run, accept_valid=accept_valid), e), []
            checked.append(result)
            report.tables[table] = result.counts
            report.issues += result.issues
            report.omitted_warnings += result.omitted_warnings
            report.omitted_errors += result.omitted_errors
            if table == "partners":
                context.partners = (context.partners or set()) | result.ids(con, "partner_id") or None
            if table == "psychologists":
                context.psychologists = (context.psychologists or set()) | result.ids(con, "psychologist_id") or None
    finally:
        export.close()
    if any(i.severity == ERROR for i in report.issues) and not accept_valid:
        report.status = "refused"
    return report, checked


def _unreadable(report: ImportReport, e: UnreadableInput) -> ImportReport:
    report.status = "unreadable"
    report.issues.append(Issue(str(e).split(": ", 1)[0], None, "", None, str(e).split(": ", 1)[-1]))
    return report


def _stored_ids(con, table: str, column: str) -> set[str] | None:
    """The ids already in the database (None when the table is absent or empty: nothing to check against)."""
    if con is None:
        return None
    exists = con.execute("select count(*) from duckdb_tables() where schema_name = 'main' and table_name = $t "
                         "and database_name = current_database()", {"t": table}).fetchall()[0][0]
    if not exists:
        return None
    ids = con.sql(f"select distinct {column} as id from {table}").pl()["id"]  # names from the fixed list above
    return set(ids.to_list()) or None


def _write(con: duckdb.DuckDBPyConnection, report: ImportReport, checked: list[Checked], meta: dict,
           progress: Progress, commit: bool) -> None:
    current = database.stored_schema_version(con) == database.schema_version()   # read outside the transaction
    con.begin()
    try:
        if not current:
            database.init_schema(con)          # else tables, views and reference data are this release's
        import_id = write.next_import_id(con)
        holds = set()
        for n, result in enumerate(checked):
            progress(0.7 + 0.25 * n / max(len(checked), 1), f"écriture de {result.table}")
            holds |= write.merge(con, result, report.tables[result.table], import_id)
        write.record_import(con, import_id, report.sources,
                            {**report.summary(), **meta, "holds": sorted(holds)})
    except BaseException:
        con.rollback()
        raise
    if commit:
        con.commit()
        report.import_id = import_id
    else:
        con.rollback()
