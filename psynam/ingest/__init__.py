"""The importer: reads an activity export (CSV, folder, .zip, .xlsx), checks it against the data
contract and writes it into a private copy of the database, swapped in whole (psynam.store) — all or
nothing unless accept_valid; every import is logged, its files kept, and it can be undone.

    report = import_paths(["export.zip"], "data/psynam.duckdb")
    report.ok, report.tables["sessions"].inserted, [str(i) for i in report.issues]
    staged = stage(paths, db); confirm(staged) or discard(staged)     # the page's dry run, then its choice
    undo(3, db); history.read(db); history.replay(db, "new.duckdb")

Modules: tables (what the contract says), read, csvfile, workbook, header (files → text frames), values,
communes (text → typed values), validate (rules; its docstring lists every check), write (set-based
upsert with change records), pipeline (stage / confirm / import_paths), undo, history (log and
replay), report, benchmark (the 1-million-row timing).
"""

from __future__ import annotations

from psynam.ingest.pipeline import confirm, discard, import_into, import_paths, stage
from psynam.ingest.report import ImportReport, Issue, TableCounts, format_report

__all__ = ["cli", "history_cli", "undo_cli", "import_paths", "import_into", "stage", "confirm", "discard",
           "ImportReport", "Issue", "TableCounts"]

EXIT_CODES = {"imported": 0, "refused": 1, "unreadable": 2}


def cli(args) -> int:
    """`python -m psynam import PATH... [--db FILE] [--accept-valid] [--dry-run]`: print the report,
    return the exit code (0 imported or would be, 1 refused, 2 unreadable)."""
    from psynam.db import db_path

    report = import_paths(args.paths, args.db, accept_valid=args.accept_valid,
                          dry_run=getattr(args, "dry_run", False), via="ligne de commande")
    print(format_report(report, str(db_path(args.db))))
    if report.ok and not report.dry_run:
        print(f"Import n° {report.import_id} ; pour l'annuler : python -m psynam undo {report.import_id}")
    return EXIT_CODES[report.status]


def history_cli(args) -> int:
    """`python -m psynam history [--db FILE]`: one block per import, newest first."""
    from psynam.ingest import history

    frame = history.describe(history.read(args.db))
    if frame.is_empty():
        print("Aucun import enregistré.")
        return 0
    for r in frame.iter_rows(named=True):
        status = f"annulé le {r['undone_at']:%d/%m/%Y %H:%M}" if r["undone_at"] else "en vigueur"
        who = f" par {r['user']}" if r["user"] else ""
        print(f"n° {r['import_id']}  {r['imported_at']:%d/%m/%Y %H:%M}{who} ({r['via']}) — {status}")
        for name, sha in zip(r["files"].split(", "), r["sha256"].split(", ")):
            print(f"    {name}  sha256 {sha}")
        print(f"    {r['tables']}")
    return 0


def undo_cli(args) -> int:
    """`python -m psynam undo ID [--db FILE]`: take an import back; 0 done, 1 refused."""
    from psynam.ingest.undo import UndoRefused, undo

    try:
        report = undo(args.import_id, args.db)
    except UndoRefused as e:
        print(f"Annulation impossible : {e}.")
        return 1
    parts = [f"{t} : {report.deleted[t]} supprimée(s), {report.restored[t]} rétablie(s)"
             for t in report.deleted if report.deleted[t] or report.restored[t]]
    print(f"Import n° {report.import_id} annulé" + (" — " + " ; ".join(parts) if parts else "") + ".")
    return 0
