"""Meta-tests on queries/: every file parses, opens with its header, and every query is used somewhere."""

import re

import duckdb
import pytest

from psynam import QUERIES_DIR, ROOT, db

QUERY_FILES = sorted(p for p in QUERIES_DIR.rglob("*.sql") if p.parent.name != "staging")
NAMES = [str(p.relative_to(QUERIES_DIR).with_suffix("")) for p in QUERY_FILES]
CALLERS = [p for d in ("pages", "psynam") for p in (ROOT / d).rglob("*.py")] + [ROOT / "app.py"]


@pytest.mark.parametrize("name", NAMES)
def test_query_parses_as_one_statement_with_a_header(name):
    text = (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
    assert text.startswith("-- Purpose:"), "every query opens with its purpose"
    assert "-- Grain:" in text and "-- Parameters:" in text
    assert len(duckdb.extract_statements(text)) == 1
    assert not re.search(r"\{[a-z_]+\}|%s|\.format\(", text), "no string formatting in SQL"


@pytest.mark.parametrize("name", NAMES)
def test_every_query_is_used(name):
    used = any(f'"{name}"' in p.read_text(encoding="utf-8") for p in CALLERS)
    assert used, f"{name} is not run by any page or module"


def test_staging_scripts_apply_to_an_empty_database():
    con = duckdb.connect()
    db.init_schema(con)
    db.init_schema(con)  # idempotent
    assert con.sql("select count(*) from stg_sessions").fetchall() == [(0,)]
    assert con.sql("select count(*) from ref_communes").fetchall() == [(38,)]


def test_every_declared_parameter_is_documented():
    for name in NAMES:
        text = (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")
        header = "\n".join(line for line in text.splitlines() if line.startswith("--"))
        for param in db.query_parameters(name):
            assert f"${param}" in header, f"{name}: ${param} missing from the header"
