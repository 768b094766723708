"""The importer: reads an activity export (CSV, folder, .zip, .xlsx), checks it against the data
contract and writes it into the database in one transaction — all or nothing unless accept_valid.

    report = import_paths(["export.zip"], "data/psynam.duckdb")
    report.ok, report.tables["sessions"].inserted, [str(i) for i in report.issues]

Modules: tables (what the contract says), read (files → text frames), values and communes (text →
typed values), validate (rules; its docstring lists every check), write (set-based upsert), report.
"""

from __future__ import annotations

from psynam.ingest.pipeline import import_into, import_paths
from psynam.ingest.report import ImportReport, Issue, TableCounts, format_report

__all__ = ["cli", "import_paths", "import_into", "ImportReport", "Issue", "TableCounts"]

EXIT_CODES = {"imported": 0, "refused": 1, "unreadable": 2}


def cli(args) -> int:
    """`python -m psynam import PATH... [--db FILE] [--accept-valid]`: print the report, return the exit code."""
    from psynam.db import db_path

    report = import_paths(args.paths, args.db, accept_valid=args.accept_valid,
                          dry_run=getattr(args, "dry_run", False))
    print(format_report(report, str(db_path(args.db))))
    return EXIT_CODES[report.status]
