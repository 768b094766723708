"""The command line: `python -m psynam <command> ...` (sample, import, metrics, build).

A failure a user can meet — a full disk, a read-only folder, a file that is not a database, a missing
file — prints one French message on stderr and exits non-zero (psynam.failures: 1 refused, 2 input, 3
machine, 4 unexpected), never a traceback; PSYNAM_DEBUG=1 adds the traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback

from psynam import db


def main(argv: list[str] | None = None) -> int:
    """Run one command; its failures become a message and an exit code."""
    from psynam import failures

    parser, args = _parse(argv)
    try:
        return _run(parser, args)
    except (Exception, KeyboardInterrupt) as error:  # noqa: BLE001 - every failure gets a French message
        where = getattr(args, "db", None) or db.db_path()
        failure = failures.explain(error, where) or failures.unexpected(error)
        print(failure.message, file=sys.stderr)
        if os.environ.get("PSYNAM_DEBUG"):
            traceback.print_exc()
        return failure.exit_code


def _parse(argv: list[str] | None):
    parser = argparse.ArgumentParser(prog="python -m psynam", description="PSYNAM dashboard tools")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("sample", help="write a deterministic sample export")
    p.add_argument("--out", required=True, help="output folder (or a .zip file name)")
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--sessions", type=int, default=100_000)
    p.add_argument("--until", default=None, help="last month included, YYYY-MM (default: last month)")
    p.add_argument("--clean", action="store_true", help="canonical headers, ISO dates, UTF-8, ',' separator")

    p = sub.add_parser("import", help="import export files (CSV, folder, .zip, .xlsx) into the database")
    p.add_argument("paths", nargs="+")
    p.add_argument("--db", default=None)
    p.add_argument("--accept-valid", action="store_true",
                   help="import the valid rows even when some rows are rejected (default: all or nothing)")
    p.add_argument("--dry-run", action="store_true", help="validate and count, write nothing")

    p = sub.add_parser("history", help="list the imports recorded in the database")
    p.add_argument("--db", default=None)

    p = sub.add_parser("undo", help="take back one import: restore exactly the rows it inserted or changed")
    p.add_argument("import_id", type=int)
    p.add_argument("--db", default=None)

    p = sub.add_parser("replay", help="replay a database's import history into a new database")
    p.add_argument("--from", dest="source", required=True, help="the database whose history is replayed")
    p.add_argument("--db", required=True, help="the new database (must not exist)")

    p = sub.add_parser("restore", help="make a backup copy the live database again")
    p.add_argument("backup")
    p.add_argument("--db", default=None)

    p = sub.add_parser("metrics", help="print the headline figures of a period")
    p.add_argument("--from", dest="date_from", required=True)
    p.add_argument("--to", dest="date_to", required=True)
    p.add_argument("--network", choices=["RSN", "RSK"], default=None)
    p.add_argument("--db", default=None)
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = sub.add_parser("build", help="build the database from the committed sample export if it is missing")
    p.add_argument("--db", default=None)
    p.add_argument("--force", action="store_true", help="rebuild even if the database exists")

    p = sub.add_parser("report", help="the steering-committee report (HTML, PDF or Excel)")
    p.add_argument("--from", dest="date_from", required=True)
    p.add_argument("--to", dest="date_to", required=True)
    p.add_argument("--network", choices=["RSN", "RSK"], default=None)
    p.add_argument("--db", default=None)
    p.add_argument("--format", choices=["html", "pdf", "xlsx"], default="html")
    p.add_argument("--out", required=True)
    p.add_argument("--threshold", type=int, default=None, help="small-count threshold (default 5)")

    p = sub.add_parser("bench", help="benchmark import, queries and page renders at several sizes")
    p.add_argument("--sessions", default="100000,1000000", help="comma-separated sizes, e.g. 100000,1000000,10000000")
    p.add_argument("--runs", type=int, default=5, help="timed runs per measure (median reported)")
    p.add_argument("--workdir", default=None, help="where to write the generated exports and databases")
    p.add_argument("--no-monthly", action="store_true", help="skip the monthly-import measure (an extra import)")

    p = sub.add_parser("load", help="concurrent app sessions over WebSocket on loopback, during an import")
    p.add_argument("--sessions", type=int, default=30, help="concurrent app sessions")
    p.add_argument("--duration", type=float, default=60.0, help="seconds of load (bounded)")
    p.add_argument("--think", default="5,15",
                   help="seconds between two filter changes of one session, as MIN,MAX (default 5,15; 1,3 = stress)")
    p.add_argument("--workers", type=int, default=0,
                   help="serve through nginx in front of N Streamlit workers (psynam serve); 0: one process, direct")
    p.add_argument("--as", dest="as_role", choices=["coordinateur", "representant", "comite"], default="coordinateur",
                   help="every session logged in with this role (needs --workers; default: coordinator, no login)")
    p.add_argument("--db", default=None)

    p = sub.add_parser("serve", help="serve the app to a team: N Streamlit workers behind nginx (sticky sessions)")
    p.add_argument("--workers", type=int, default=2, help="Streamlit processes (default 2; about one per core)")
    p.add_argument("--address", default="127.0.0.1",
                   help="address nginx listens on (default 127.0.0.1; another needs a login in secrets.toml)")
    p.add_argument("--port", type=int, default=8080)
    p.add_argument("--db", default=None)
    p.add_argument("--secrets", default=None, help="secrets file (default: .streamlit/secrets.toml)")
    p.add_argument("--workdir", default=None, help="nginx configuration, logs (default /tmp/psynam-serve)")

    return parser, parser.parse_args(argv)


def _run(parser: argparse.ArgumentParser, args) -> int:
    if args.command == "sample":
        from psynam.sample import cli as sample_cli
        return sample_cli(args)
    if args.command == "import":
        from psynam.ingest import cli as import_cli
        return import_cli(args)
    if args.command == "history":
        from psynam.ingest import history_cli
        return history_cli(args)
    if args.command == "undo":
        from psynam.ingest import undo_cli
        return undo_cli(args)
    if args.command == "replay":
        from psynam.ingest.history import replay
        ids = replay(args.source, args.db)
        print(f"{len(ids)} imports replayed into {args.db}: {ids}")
        return 0
    if args.command == "restore":
        from pathlib import Path

        from psynam import store
        from psynam.build import upgrade_into
        store.restore(db.db_path(args.db), Path(args.backup), prepare=upgrade_into)
        print(f"{args.backup} restaurée comme base en service ({db.db_path(args.db)}) ; la base remplacée est "
              f"gardée dans {store.backup_dir(db.db_path(args.db))}.")
        return 0
    if args.command == "metrics":
        from psynam.metrics import cli as metrics_cli
        return metrics_cli(args)
    if args.command == "report":
        from psynam.report import cli as report_cli
        return report_cli(args)
    if args.command == "bench":
        from psynam.perf.bench import cli as bench_cli
        return bench_cli(args)
    if args.command == "load":
        from psynam.perf.load import cli as load_cli
        return load_cli(args)
    if args.command == "serve":
        from psynam.serve import cli as serve_cli
        return serve_cli(args)
    if args.command == "build":
        from psynam.build import cli as build_cli
        return build_cli(args)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
