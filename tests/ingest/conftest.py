"""Helpers for the importer's tests: small exports written on the fly, database snapshots."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import duckdb
import pytest

FILES = Path(__file__).parent / "files"
CLEAN = FILES / "clean"

# A valid individual session; tests override the columns they are about.
SESSION = dict(session_id="S1", session_date="2024-05-06", network="RSN", psychologist_id="PS01",
               care_level="soutien", format="individuel", setting="cabinet", patient_id="PA1",
               patient_age="40", patient_commune="92094", session_commune="92094", partner_id="",
               participants="", preferential_tariff="false", fee_inami_eur="83.00", fee_patient_eur="11.00",
               target_public="")
GROUP = dict(format="groupe", patient_id="", patient_age="", participants="8", fee_inami_eur="400.00",
             fee_patient_eur="2.50")


def write_rows(path: Path, rows: list[dict], sep: str = ",", encoding: str = "utf-8") -> Path:
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=sep)
        writer.writeheader()
        writer.writerows(rows)
    return path


def sessions_file(folder: Path, *overrides: dict, name: str = "sessions.csv", sep: str = ",") -> Path:
    """sessions.csv with one valid row per override (row i is on line i + 2, id S<i+1> unless given)."""
    rows = [{**SESSION, "session_id": f"S{i + 1}", **o} for i, o in enumerate(overrides)]
    return write_rows(folder / name, rows, sep)


def snapshot(db: Path) -> dict[str, str] | None:
    """A checksum of every table of the database file (None if there is no file)."""
    if not db.exists():
        return None
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [r[0] for r in con.sql("select table_name from duckdb_tables() order by 1").fetchall()]
        return {t: hashlib.sha256(repr(con.sql(f'select * from "{t}" order by all').fetchall()).encode()).hexdigest()
                for t in tables}
    finally:
        con.close()


def data_tables(snap: dict[str, str] | None) -> dict[str, str]:
    """The imported tables of a snapshot (without the import log and change records)."""
    return {t: h for t, h in (snap or {}).items() if t != "imports" and not t.startswith("import_")}


def rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql(sql).fetchall()
    finally:
        con.close()


def messages(report, severity: str = "error") -> list[str]:
    return [str(i) for i in report.issues if i.severity == severity]


@pytest.fixture
def db(tmp_path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def populated(tmp_path, db) -> Path:
    """A database holding the clean sample export."""
    from psynam.ingest import import_paths

    assert import_paths([CLEAN], db).ok
    return db
