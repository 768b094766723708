"""What the import page does and shows, kept out of the page so that it stays declarative: the session's
dry run (uploads saved beside the database, staged, confirmed or thrown away), its counts and issues (and
their CSV, pseudonymised ids left out), the history with its status, and undo with what it will remove.

Every step returns its outcome, or the French message of a failure the user can meet (psynam.failures),
never raises one: the page only shows what it gets. The write steps (dry run, confirm, undo) go through
psynam.ingest's stage/confirm/undo, where a role check belongs.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from psynam import export, failures, formatting as fmt, store
from psynam.ingest import history, pipeline, undo as undoing
from psynam.ingest.report import ImportReport
from psynam.ingest.tables import TABLES, header_key, header_map
from psynam.labels import imports as words

# Pseudonymised ids never appear on the page or in its downloads (README, Privacy): the coordinator has the
# file, and an issue names the line and the reason.
PSEUDONYMISED = ("patient_id", "psychologist_id")
_HEADERS = {k: c for t in TABLES.values() for k, c in header_map(t).items() if c in PSEUDONYMISED}


@dataclass
class Outcome:
    """A step's result, or the message of why it failed (then `value` is None)."""
    value: object = None
    error: str | None = None


def attempt(step: Callable[[], object], db: Path | None = None) -> Outcome:
    """Run `step`; a failure a user can meet becomes its French message (an unexpected one too: the page
    says it went wrong and that the database is unchanged, the detail goes to the server's log)."""
    try:
        return Outcome(step())
    except Exception as error:  # noqa: BLE001 - whatever fails, the page shows a message, never a traceback
        failure = failures.explain(error, db)
        if failure is None:
            import logging
            logging.getLogger("psynam").exception("import page")
            failure = failures.unexpected(error)
        return Outcome(None, failure.message)


# --- the session's dry run -------------------------------------------------------------------------
def signature(files, accept_valid: bool) -> str | None:
    """What identifies a dry run: the files' names and contents, and the option (None: no file)."""
    if not files:
        return None
    return hashlib.sha256(repr((accept_valid, [(f.name, hashlib.sha256(f.getvalue()).hexdigest())
                                               for f in files])).encode()).hexdigest()


def save_uploads(files, folder: Path) -> list[Path]:
    """Write uploaded files into `folder` under their own names (made safe); return their paths."""
    paths = []
    for f in files:
        name = Path(f.name).name.replace("\x00", "") or "fichier"
        path = folder / name
        n = 1
        while path in paths:
            n += 1
            path = folder / f"{Path(name).stem}_{n}{Path(name).suffix}"
        path.write_bytes(f.getvalue())
        paths.append(path)
    return paths


@dataclass
class DryRun:
    signature: str
    staged: pipeline.Staged
    folder: Path                   # where its uploads were saved (messages name files without it)

    @property
    def report(self) -> ImportReport:
        return self.staged.report


class DryRuns:
    """One session's dry run on screen. The page holds it in a session-scoped resource whose release
    (the session ends, or a write elsewhere clears the caches) discards its copy and uploads; the store's
    sweep deletes whatever a lost session still left after store.dry_run_seconds()."""

    def __init__(self, db: Path):
        self.db, self.current = Path(db), None
        self._lock = threading.Lock()

    def drop(self) -> None:
        with self._lock:
            if self.current is not None:
                pipeline.discard(self.current.staged)
                self.current = None

    @staticmethod
    def release(runs: DryRuns) -> None:
        runs.drop()

    def start(self, files, accept_valid: bool, user: str | None, progress) -> Outcome:
        """Save the uploads beside the database (store.new_upload_folder) and stage them."""
        self.drop()

        def run():
            folder = store.new_upload_folder(self.db)
            try:
                paths = save_uploads(files, folder)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise
            staged = pipeline.stage(paths, self.db, accept_valid=accept_valid, via="page", user=user,
                                    progress=progress, uploads=folder)
            return DryRun(signature(files, accept_valid), staged, folder)

        outcome = attempt(run, self.db)
        self.current = outcome.value
        return outcome

    def confirm(self) -> Outcome:
        dry, self.current = self.current, None
        outcome = attempt(lambda: pipeline.confirm(dry.staged), self.db)
        if outcome.error:
            pipeline.discard(dry.staged)
        return outcome


def counts_frame(report: ImportReport) -> pl.DataFrame:
    rows = [{"table": t, **c.as_dict()} for t, c in report.tables.items()]
    schema = {"table": pl.String, **{k: pl.Int64 for k in ("read", "inserted", "updated", "unchanged", "rejected")}}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _short(file: str, folder: Path | None) -> str:
    """A file as the coordinator named it: without the upload folder."""
    if folder is not None and file.startswith(str(folder)):
        return file[len(str(folder)):].lstrip("/")
    return file


def _pseudonymised(issue) -> bool:
    return issue.field in PSEUDONYMISED or any(header_key(part) in _HEADERS for part in issue.column.split(", "))


def issues_frame(report: ImportReport, folder: Path | None = None) -> pl.DataFrame:
    """Every issue: file, line, column, value, reason, severity — a pseudonymised id's value left out."""
    rows = [{"file": _short(i.file, folder), "line": i.line, "column": i.column,
             "value": words.TEXT["id_hidden"] if _pseudonymised(i) and i.value else i.value,
             "reason": i.reason, "severity": words.SEVERITY.get(i.severity, i.severity)}
            for i in sorted(report.issues, key=lambda i: (i.severity != "error", i.file, i.line or 0))]
    schema = {"file": pl.String, "line": pl.Int64, "column": pl.String, "value": pl.String, "reason": pl.String,
              "severity": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def issues_csv(frame: pl.DataFrame) -> bytes:
    """file, line, column, value, reason (and severity) as a Belgian CSV; text that a spreadsheet could run
    as a formula is written as text."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([words.ISSUES[c] for c in frame.columns])
    for row in frame.iter_rows():
        writer.writerow(["" if v is None else export.safe_text(str(v)) if isinstance(v, str) else v for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def verdict(report: ImportReport) -> tuple[str, str]:
    """("error" | "info", the sentence above the counts)."""
    rejected = sum(c.rejected for c in report.tables.values())
    if report.status == "unreadable":
        return "error", words.TEXT["unreadable"]
    if report.status == "refused":
        return "error", words.TEXT["refused"].format(errors=len(report.errors) + report.omitted_errors,
                                                     rejected=rejected)
    return "info", words.TEXT["ready_partial"].format(rejected=rejected) if rejected else words.TEXT["ready"]


# --- history and undo ------------------------------------------------------------------------------
HISTORY_ORDER = ("import_id", "status", "imported_at", "files", "tables", "user", "via", "sha256")


def history_frame(db: Path) -> pl.DataFrame:
    """The history in words, newest first, its status (in force / undone on …) second, where it is seen
    without scrolling sideways; the long SHA-256 last."""
    raw = history.read(db)
    if raw.is_empty():
        return pl.DataFrame()
    frame = history.describe(raw)
    status = [words.TEXT["status_undone"].format(date=fmt.day(u.date())) if u else words.TEXT["status_in_force"]
              for u in frame["undone_at"]]
    return frame.with_columns(pl.Series("status", status, dtype=pl.String)).select(HISTORY_ORDER)


def undo_options(frame: pl.DataFrame) -> dict[int, str]:
    """The imports still in force, newest first (the first is the default choice): id -> its label."""
    if frame.is_empty():
        return {}
    live = frame.filter(pl.col("status") == words.TEXT["status_in_force"]).sort("import_id", descending=True)
    return {r["import_id"]: words.TEXT["option"].format(id=r["import_id"], date=fmt.day(r["imported_at"].date()),
                                                        files=r["files"])
            for r in live.iter_rows(named=True)}


def undo_preview(import_id: int, db: Path) -> Outcome:
    """What undoing `import_id` would remove and restore (rows per table), or why it cannot be undone."""
    return attempt(lambda: undoing.preview(import_id, db), db)


def preview_frame(found: undoing.UndoPreview) -> pl.DataFrame:
    rows = [{"table": t, "deleted": found.deleted[t], "restored": found.restored[t]}
            for t in found.deleted if found.deleted[t] or found.restored[t]]
    return pl.DataFrame(rows, schema={"table": pl.String, "deleted": pl.Int64, "restored": pl.Int64}, orient="row")


def undo(import_id: int, db: Path, user: str | None) -> Outcome:
    """Undo it; the outcome's value is the sentence saying what was done."""
    def run():
        done = undoing.undo(import_id, db, user=user)
        return words.TEXT["undone"].format(id=import_id, deleted=sum(done.deleted.values()),
                                           restored=sum(done.restored.values()))
    return attempt(run, db)
