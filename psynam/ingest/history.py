"""The import history as people read it (the page's table, `python -m psynam history`), and its replay:
every import and undo applied again, in order, from the kept files into an empty database.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl

from psynam import db as database
from psynam import store

HISTORY = "imports/history"
_COUNTS = (("inserted", "insérées"), ("updated", "modifiées"), ("unchanged", "inchangées"), ("rejected", "rejetées"))


def read(db=None) -> pl.DataFrame:
    """The raw history of the live database (an empty frame when there is no database)."""
    path = Path(database.db_path(db))
    if not path.exists():
        return pl.DataFrame()
    con = store.open_reader(path)
    try:
        return database.run(con, HISTORY)
    finally:
        con.close()


def _tables_text(summary: dict) -> str:
    parts = []
    for table, c in summary.get("tables", {}).items():
        counts = ", ".join(f"{c[k]:,} {label}".replace(",", " ") for k, label in _COUNTS if c.get(k))
        parts.append(f"{table} : {counts or '0'}")
    return " ; ".join(parts)


def describe(raw: pl.DataFrame) -> pl.DataFrame:
    """One line per import in words: id, when, files, their SHA-256, rows per table, who, status."""
    rows = []
    for r in raw.iter_rows(named=True):
        sources, summary = json.loads(r["sources"]), json.loads(r["summary"])
        rows.append({
            "import_id": r["import_id"],
            "imported_at": r["imported_at"],
            "files": ", ".join(s.get("name") or Path(s["file"]).name for s in sources),
            "sha256": ", ".join(s["sha256"] for s in sources),
            "tables": _tables_text(summary),
            "user": summary.get("user") or "",
            "via": summary.get("via") or "",
            "undone_at": r["undone_at"],
        })
    schema = {"import_id": pl.Int64, "imported_at": pl.Datetime, "files": pl.String, "sha256": pl.String,
              "tables": pl.String, "user": pl.String, "via": pl.String, "undone_at": pl.Datetime}
    return pl.DataFrame(rows, schema=schema, orient="row")


def replay(source=None, target=None) -> list[int]:
    """Apply the history of database `source` again into the new database `target`: every import from
    its kept files (same options, same day of reference) and every undo at the point it was made.
    Returns the import ids replayed. The target must not exist."""
    from psynam.ingest.pipeline import import_paths
    from psynam.ingest.undo import undo

    source, target = Path(database.db_path(source)), Path(target)
    if target.exists():
        raise FileExistsError(f"{target} exists: replay builds a new database")
    con = store.open_reader(source)
    try:
        history = database.run(con, HISTORY).sort("import_id")
        undos = con.sql("select import_id, after_import, undone_by from import_undos "
                        "order by after_import, undone_at, import_id").fetchall()
    finally:
        con.close()
    done = []
    for r in history.iter_rows(named=True):
        summary = json.loads(r["summary"])
        files = [store.kept_file(source, s["sha256"], s.get("name") or Path(s["file"]).name)
                 for s in json.loads(r["sources"])]
        report = import_paths(files, target, accept_valid=bool(summary.get("accept_valid")),
                              today=dt.date.fromisoformat(summary["today"]) if summary.get("today") else None,
                              user=summary.get("user"), via="rejeu")
        if report.import_id != r["import_id"]:
            raise RuntimeError(f"replay of import {r['import_id']} gave {report.status} / id {report.import_id}")
        done.append(r["import_id"])
        for undone, after, by in undos:
            if after == r["import_id"]:
                undo(undone, target, user=by)
    return done
