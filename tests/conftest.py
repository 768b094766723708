"""Shared fixtures: a real DuckDB database holding the tiny hand-written export (tests/fixtures/tiny)."""

from pathlib import Path

import pytest

from psynam import db

FIXTURES = Path(__file__).parent / "fixtures"
TINY = FIXTURES / "tiny"
TABLES = ("partners", "psychologists", "agreements", "sessions", "clairvisions", "budget", "activities")


def load_tiny(path: Path) -> None:
    """Load the tiny export straight into the canonical tables (bypassing the importer on purpose:
    the query tests must not depend on it; tests/ingest checks the importer gives the same rows)."""
    con = db.connect(path)
    db.init_schema(con)
    for table in TABLES:
        con.execute(
            f"insert into {table} by name select * from read_csv($path, header = true, all_varchar = true)",
            {"path": str(TINY / f"{table}.csv")},
        )
    con.close()


@pytest.fixture(scope="session")
def tiny_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tiny") / "tiny.duckdb"
    load_tiny(path)
    return path


@pytest.fixture
def tiny_con(tiny_db):
    con = db.connect(tiny_db, read_only=True)
    yield con
    con.close()
