"""One import from end to end: read the export, check every table, write it all in one transaction.

All or nothing by default: a rejected row means nothing is written (and a database file that did not
exist is not created). With accept_valid the valid rows are written and the rejected ones reported.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from psynam import db as store
from psynam.ingest import write
from psynam.ingest.read import read_export
from psynam.ingest.report import ERROR, ImportReport, Issue, UnreadableInput
from psynam.ingest.tables import ORDER
from psynam.ingest.validate import Checked, Context, check_table


def import_paths(paths, db=None, *, accept_valid: bool = False, dry_run: bool = False,
                 today: dt.date | None = None) -> ImportReport:
    """Import export files (CSV, folders, .zip, .xlsx) into the database file `db` (default: db_path())."""
    path = Path(store.db_path(db))
    con = store.connect(path) if path.exists() else None
    try:
        report, checked = _prepare(con, paths, accept_valid, dry_run, today)
        if report.status != "imported":
            return report
        if con is None:
            con = duckdb.connect() if dry_run else store.connect(path)
        _write(con, report, checked)
        return report
    finally:
        if con is not None:
            con.close()


def import_into(con: duckdb.DuckDBPyConnection, paths, *, accept_valid: bool = False, dry_run: bool = False,
                today: dt.date | None = None) -> ImportReport:
    """As import_paths, into an open connection (the caller keeps it open)."""
    report, checked = _prepare(con, paths, accept_valid, dry_run, today)
    if report.status == "imported":
        _write(con, report, checked)
    return report


def _prepare(con, paths, accept_valid, dry_run, today) -> tuple[ImportReport, list[Checked]]:
    report = ImportReport(dry_run=dry_run, accept_valid=accept_valid)
    paths = [paths] if isinstance(paths, (str, Path)) else list(paths)
    try:
        export = read_export(paths)
    except UnreadableInput as e:
        report.status = "unreadable"
        report.issues.append(Issue(str(e).split(": ", 1)[0], None, "", None, str(e).split(": ", 1)[-1]))
        return report, []
    report.sources, report.issues = export.sources, list(export.issues)
    if not export.tables:
        report.status = "unreadable"
        report.issues.append(Issue(", ".join(str(p) for p in paths), None, "", None,
                                   "aucune table reconnue (sessions.csv, partners.csv, … ou feuilles nommées ainsi)"))
        return report, []

    context = Context(today or dt.date.today(), _stored_ids(con, "partners", "partner_id"),
                      _stored_ids(con, "psychologists", "psychologist_id"))
    checked = []
    for table in ORDER:
        raws = [r for r in export.tables if r.table == table]
        if not raws:
            continue
        result = check_table(table, raws, context)
        checked.append(result)
        report.tables[table] = result.counts
        report.issues += result.issues
        report.omitted_warnings += result.omitted_warnings
        if table == "partners":
            context.partners = (context.partners or set()) | set(result.frame["partner_id"].to_list()) or None
        if table == "psychologists":
            context.psychologists = (context.psychologists or set()) | set(
                result.frame["psychologist_id"].to_list()) or None
    if any(i.severity == ERROR for i in report.issues) and not accept_valid:
        report.status = "refused"
    return report, checked


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


def _write(con: duckdb.DuckDBPyConnection, report: ImportReport, checked: list[Checked]) -> None:
    con.begin()
    try:
        store.init_schema(con)
        for result in checked:
            write.merge(con, result, report.tables[result.table])
        if not report.dry_run:
            report.import_id = write.record_import(con, report.sources, report.summary())
    except BaseException:
        con.rollback()
        raise
    if report.dry_run:
        con.rollback()
    else:
        con.commit()
