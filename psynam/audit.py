"""The audit log: who logged in, imported, undid, restored or downloaded what (file, view, filters), and
when — append-only, never a figure nor a pseudonymised id.

It lives in its own DuckDB file beside the database (`psynam.duckdb.audit`, or $PSYNAM_AUDIT_DB), not in
the database file itself: that file is replaced wholesale by every import, undo and restore (a copy
swapped in, psynam/store.py), and a restore brings back an older file — an audit inside it would lose
the very events that matter. A login or a download would also cost a copy of the whole database and
throw every worker's caches away. Every Streamlit worker and the command line append under an
exclusive `flock` on `psynam.duckdb.audit.lock` (DuckDB lets one process write a file at a time; each
write opens, inserts and closes); readers take the lock shared. Nothing in this module updates or
deletes a row.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import fcntl
import functools
import inspect
import io
import json
import os
import sys
import threading
from pathlib import Path
from typing import Callable

import duckdb
import polars as pl

from psynam import QUERIES_DIR, access, db as database
from psynam.labels.roles import COLUMNS, EVENTS, TEXT

ENV_AUDIT_DB = "PSYNAM_AUDIT_DB"
# The only facts an event may carry besides who, when, file, view and filters: none is a figure.
DETAIL_KEYS = {"import_id", "files", "backup", "provider", "issued_at", "reason", "action", "page"}
_THREAD_LOCK = threading.Lock()


def audit_path(db=None) -> Path:
    """The audit file of database `db` (default: the app's database)."""
    if os.environ.get(ENV_AUDIT_DB):
        return Path(os.environ[ENV_AUDIT_DB])
    live = Path(database.db_path(db))
    return live.with_name(live.name + ".audit")


@contextlib.contextmanager
def _locked(path: Path, exclusive: bool):
    path.parent.mkdir(parents=True, exist_ok=True)
    with _THREAD_LOCK if exclusive else contextlib.nullcontext():
        with open(path.with_name(path.name + ".lock"), "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _sql(name: str) -> str:
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


def describe_filters(filters) -> str | None:
    """A filter set as the audit writes it: codes, not labels (stable, and never a figure)."""
    if filters is None or isinstance(filters, str):
        return filters
    parts = [f"periode={filters.date_from.isoformat()}..{filters.date_to.isoformat()}"]
    for name in ("networks", "arrondissements", "communes", "care_levels", "formats", "settings"):
        values = list(getattr(filters, name, ()) or ())
        if values:
            parts.append(f"{name}={','.join(str(v) for v in values)}")
    return "; ".join(parts)


def record(event: str, *, who: access.Access | None = None, db=None, file_name: str | None = None,
           view: str | None = None, filters=None, **detail) -> None:
    """Append one event. `detail` takes only DETAIL_KEYS (import id, file names…): the audit log never
    holds a figure. `who` defaults to whoever runs this (access.current())."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    unknown = set(detail) - DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit detail keys not allowed: {sorted(unknown)}")
    who = who or access.current()
    path = audit_path(db)
    params = {
        "at": dt.datetime.now().replace(microsecond=0), "event": event, "who": who.who or None,
        "role": who.role, "via": who.via, "file_name": file_name, "view": view,
        "filters": describe_filters(filters),
        "detail": json.dumps({k: v for k, v in detail.items() if v is not None}, ensure_ascii=False) if detail else None,
    }
    with _locked(path, exclusive=True):
        con = duckdb.connect(str(path))
        try:
            con.execute(_sql("audit/audit_log"))
            con.execute(_sql("audit/record"), params)
        finally:
            con.close()


def _read(name: str, db=None, **params) -> pl.DataFrame | None:
    """Run an audit query on the audit file, read-only; None when there is no audit file yet."""
    path = audit_path(db)
    if not path.exists():
        return None
    with _locked(path, exclusive=False):
        con = duckdb.connect(str(path), read_only=True)
        try:
            return database.run(con, name, **params)
        finally:
            con.close()


EMPTY = pl.DataFrame(schema={"seq": pl.Int64, "happened_at": pl.Datetime, "event": pl.Utf8, "who": pl.Utf8,
                             "role": pl.Utf8, "via": pl.Utf8, "file_name": pl.Utf8, "view": pl.Utf8,
                             "filters": pl.Utf8, "detail": pl.Utf8})


def events(date_from: dt.date, date_to: dt.date, kinds: list[str] | None = None, db=None) -> pl.DataFrame:
    """The events of a period, newest first (coordinators only)."""
    access.require("audit")
    found = _read("audit/events", db, date_from=date_from, date_to=date_to, events=list(kinds or []))
    return EMPTY if found is None else found


def login_seen(who: str, issued_at: int, db=None) -> bool:
    found = _read("audit/login_seen", db, who=who, issued_at=str(issued_at))
    return bool(found is not None and found["seen"][0])


def to_csv(frame: pl.DataFrame) -> bytes:
    """`;`-separated, dd/mm/yyyy HH:MM:SS, UTF-8 with BOM, French headers and event names; text that a
    spreadsheet would run as a formula written as text."""
    from psynam.export import safe_text

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    names = list(COLUMNS)
    writer.writerow([COLUMNS[c] for c in names])
    for row in frame.iter_rows(named=True):
        cells = []
        for c in names:
            value = row.get(c)
            if c == "happened_at" and value is not None:
                value = value.strftime("%d/%m/%Y %H:%M:%S")
            elif c == "event":
                value = EVENTS.get(value, value)
            cells.append("" if value is None else safe_text(str(value)))
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


# ---- downloads ------------------------------------------------------------------------------------

def tracked(make: Callable[[], bytes | str] | bytes | str, *, file_name: str, view: str | None = None,
            filters=None) -> Callable[[], bytes | str]:
    """Wrap what a download button serves: when the file is asked for, check that the role may download
    and write the download in the audit log, then make the file. Whose download it is is taken now,
    while the page runs in the user's session (Streamlit makes deferred files outside it)."""
    who = access.current()
    db = database.db_path()

    def make_and_record():
        if not who.can_download:
            raise access.AccessDenied(TEXT["download_denied"].format(role=who.role_label))
        record("download", who=who, db=db, file_name=file_name, view=view, filters=filters)
        return make() if callable(make) else make
    return make_and_record


# ---- write actions (psynam.ingest, psynam.store): checked where they run, logged when done ------------

def _import_target(bound: inspect.BoundArguments):
    """The database an import writes: the staged copy's (confirm), else the `db` argument (stage)."""
    staged = bound.arguments.get("staged")
    candidate = getattr(staged, "candidate", None)
    return getattr(candidate, "db", None) or bound.arguments.get("db")


def _import_detail(bound, result, target) -> dict:
    files = [Path(s.get("name") or s.get("file") or "").name for s in getattr(result, "sources", []) or []]
    return {"db": target, "import_id": getattr(result, "import_id", None), "files": files or None}


def _undo_detail(bound, result, target) -> dict:
    return {"db": bound.arguments.get("db"), "import_id": bound.arguments.get("import_id")}


def _restore_detail(bound, result, target) -> dict:
    backup = bound.arguments.get("backup")
    return {"db": bound.arguments.get("db"), "backup": Path(backup).name if backup else None}


_DETAILS = {"import": (_import_target, _import_detail), "undo": (None, _undo_detail),
            "restore": (None, _restore_detail)}


def write_action(action: str, *, log: bool = True):
    """Decorator for a write entry point: the role is checked before anything runs (access.require: a
    representative or committee session gets AccessDenied, nothing written); once the function returns,
    the action is appended to the audit log beside the database it wrote (when `log`); a refusal is
    logged as `refused` with the action."""
    def wrap(function):
        signature = inspect.signature(function)

        @functools.wraps(function)
        def guarded(*args, **kwargs):
            bound = signature.bind(*args, **kwargs)
            target_of, detail_of = _DETAILS[action]
            target = target_of(bound) if target_of else bound.arguments.get("db")
            try:
                who = access.require(action)
            except access.AccessDenied:
                try:  # the attempt is worth a line too; it must not turn the refusal into another error
                    record("refused", db=target, action=action)
                except Exception as exc:
                    print(f"psynam: could not write the audit log for a refused {action}: {exc}", file=sys.stderr)
                raise
            if not log:
                return function(*args, **kwargs)
            result = function(*args, **kwargs)
            try:
                detail = detail_of(bound, result, target)
                record(action, who=who, db=detail.pop("db"), **detail)
            except Exception as exc:  # the write is done; a failed audit line must not hide it
                print(f"psynam: could not write the audit log for {action}: {exc}", file=sys.stderr)
            return result
        return guarded
    return wrap
