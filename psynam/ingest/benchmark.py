"""The large-import timing: a sessions export of N rows (Belgian CSV: `;`, decimal comma, dd/mm/yyyy),
imported into a new database, then imported again (every row unchanged), each in a fresh process whose
wall time and peak memory are printed.

    .venv/bin/python -m psynam.ingest.benchmark --rows 1000000 [--folder DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

from psynam import ROOT

# The child's peak is VmHWM (reset by exec), not ru_maxrss, which on Linux keeps the resident size the
# forked process had before exec: this (parent) process's, holding the generated export.
_RUN = """
import sys, time
from psynam.ingest import import_paths
marks = {}
report = import_paths([sys.argv[1]], sys.argv[2], progress=lambda f, text: marks.setdefault(f, time.perf_counter()))
c = report.tables["sessions"]
print(next(line.split()[1] for line in open("/proc/self/status") if line.startswith("VmHWM:")))
print(f"{marks[1.0] - marks[0.96]:.1f}")
print(report.status, c.read, c.inserted, c.updated, c.unchanged, c.rejected)
"""


def write_sessions(path: Path, rows: int) -> Path:
    """A valid sessions export of `rows` rows, individual and group sessions, in the Belgian form."""
    i = pl.int_range(0, rows, eager=True).alias("i")
    frame = pl.DataFrame(i).with_columns(group=(pl.col("i") % 10) == 0)
    day = pl.lit(dt.date(2022, 1, 1)) + pl.duration(days=pl.col("i") % 900)
    frame = frame.select(
        pl.format("S{}", pl.col("i").cast(pl.String).str.zfill(8)).alias("ID_Seance"),
        day.dt.strftime("%d/%m/%Y").alias("Date_Seance"),
        pl.when(pl.col("i") % 3 == 0).then(pl.lit("RSK")).otherwise(pl.lit("RSN")).alias("Reseau"),
        pl.format("PSY{}", pl.col("i") % 250).alias("ID_Psychologue"),
        pl.when(day < dt.date(2024, 4, 1)).then(pl.lit("premiere_ligne")).otherwise(pl.lit("soutien")).alias("Niveau"),
        pl.when(pl.col("group")).then(pl.lit("groupe")).otherwise(pl.lit("individuel")).alias("Format"),
        pl.lit("cabinet").alias("Lieu"),
        pl.when(~pl.col("group")).then(pl.format("P{}", pl.col("i") % 50000)).alias("ID_Patient"),
        pl.when(~pl.col("group")).then((pl.col("i") % 5 + 16).cast(pl.String)).alias("Age_Patient"),
        pl.when(~pl.col("group")).then(pl.lit("92094")).alias("Commune_Patient"),
        pl.lit("Namur").alias("Commune_Seance"),
        pl.lit(None, pl.String).alias("ID_Partenaire"),
        pl.when(pl.col("group")).then(pl.lit("8")).alias("Participants"),
        pl.when(pl.col("i") % 4 == 0).then(pl.lit("oui")).otherwise(pl.lit("non")).alias("Tarif_Preferentiel"),
        pl.when(pl.col("group")).then(pl.lit("1 234,56")).otherwise(pl.lit("83,00")).alias("Montant_INAMI"),
        pl.lit("11,00").alias("Montant_Patient"),
        pl.lit(None, pl.String).alias("Public_Cible"),
    ).with_columns(pl.when(pl.col("Reseau") == "RSK").then(pl.lit("12")).otherwise(pl.col("Age_Patient"))
                   .alias("Age_Patient"))
    frame = frame.with_columns(pl.when(pl.col("Format") == "groupe").then(None).otherwise(pl.col("Age_Patient"))
                               .alias("Age_Patient"))
    frame.write_csv(path, separator=";")
    return path


def timed_import(file: Path, db: Path) -> tuple[float, float, float, str]:
    """(seconds, of which rebuilding the derived tables, peak resident memory in MB, the child's summary
    line) of one import in a fresh process. The peak is the child's own."""
    started = time.perf_counter()
    limit = {"PSYNAM_MAX_FILE_MB": str(max(500, 2 * file.stat().st_size // (1 << 20)))}
    done = subprocess.run([sys.executable, "-c", _RUN, str(file), str(db)], cwd=ROOT, capture_output=True,
                          text=True, check=True, env={**os.environ, **limit})
    seconds = time.perf_counter() - started
    peak_kb, derived, summary = done.stdout.strip().splitlines()[-3:]
    return seconds, float(derived), int(peak_kb) / 1024, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m psynam.ingest.benchmark")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--folder", default=None, help="where to write the export and the database")
    args = parser.parse_args(argv)
    folder = Path(args.folder or tempfile.mkdtemp(prefix="psynam-benchmark-"))
    folder.mkdir(parents=True, exist_ok=True)
    file, db = folder / "sessions.csv", folder / "benchmark.duckdb"
    for old in folder.glob("benchmark.duckdb*"):
        if old.is_file():
            old.unlink()
    write_sessions(file, args.rows)
    print(f"export: {args.rows:,} rows, {file.stat().st_size / 1e6:,.0f} MB ({file})")
    for label in ("first import (all new)", "same export again (all unchanged)"):
        seconds, derived, peak, summary = timed_import(file, db)
        print(f"{label}: {seconds:.1f} s (derived tables {derived:.1f} s), peak memory {peak:,.0f} MB — "
              f"status, read, inserted, updated, unchanged, rejected: {summary}")
    print(f"database: {db.stat().st_size / 1e6:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
