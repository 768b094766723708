"""What the import page shows, as frames and files: the counts of a dry run, its issues (and their CSV),
the history with its status — kept out of the page so that it stays declarative.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl

from psynam import export, formatting as fmt
from psynam.ingest import history
from psynam.ingest.report import ImportReport
from psynam.labels import imports as words


def save_uploads(files, folder: Path) -> list[Path]:
    """Write uploaded files into `folder` under their own names (made safe); return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
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


def counts_frame(report: ImportReport) -> pl.DataFrame:
    rows = [{"table": t, **c.as_dict()} for t, c in report.tables.items()]
    schema = {"table": pl.String, **{k: pl.Int64 for k in ("read", "inserted", "updated", "unchanged", "rejected")}}
    return pl.DataFrame(rows, schema=schema, orient="row")


def _short(file: str, folder: Path | None) -> str:
    """A file as the coordinator named it: without the upload folder."""
    if folder is not None and file.startswith(str(folder)):
        return file[len(str(folder)):].lstrip("/")
    return file


def issues_frame(report: ImportReport, folder: Path | None = None) -> pl.DataFrame:
    rows = [{"file": _short(i.file, folder), "line": i.line, "column": i.column, "value": i.value,
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


def history_frame(raw: pl.DataFrame) -> pl.DataFrame:
    """The history in words, with a status column (in force / undone on …)."""
    if raw.is_empty():
        return pl.DataFrame()
    frame = history.describe(raw)
    status = [words.TEXT["status_undone"].format(date=fmt.day(u.date())) if u else words.TEXT["status_in_force"]
              for u in frame["undone_at"]]
    return frame.with_columns(pl.Series("status", status, dtype=pl.String)).drop("undone_at")


def undo_options(frame: pl.DataFrame) -> dict[int, str]:
    """The imports still in force, newest first: id -> its label."""
    if frame.is_empty():
        return {}
    live = frame.filter(pl.col("status") == words.TEXT["status_in_force"])
    return {r["import_id"]: words.TEXT["option"].format(id=r["import_id"], date=fmt.day(r["imported_at"].date()),
                                                        files=r["files"])
            for r in live.iter_rows(named=True)}
