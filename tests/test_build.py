"""The database an earlier release built is upgraded on start: its staging rows are rebuilt under the
current staging SQL and reference data, the imported rows stay as they were, the old file is a backup."""

from __future__ import annotations

import duckdb

from psynam import build, db, store
from tests.conftest import load_tiny


def rows(path, table: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(f"select * from {table} order by all").fetchall()
    finally:
        con.close()


def test_a_database_built_by_an_earlier_release_is_upgraded(tmp_path):
    path = tmp_path / "old.duckdb"
    load_tiny(path)
    sessions, staged = rows(path, "sessions"), rows(path, "stg_sessions")
    assert not build.outdated(path)
    # What an earlier release left: a fingerprint of other staging SQL, stored rows missing a column.
    con = db.connect(path)
    con.execute("update psynam_meta set value = 'earlier' where key = 'schema_version'")
    con.execute("create or replace table stg_sessions as select * exclude (priorities) from stg_sessions")
    con.close()
    assert build.outdated(path)

    assert build.ensure_database(path) == path

    assert not build.outdated(path)
    assert rows(path, "sessions") == sessions
    assert rows(path, "stg_sessions") == staged
    assert len(store.backups(path)) == 1


def test_a_current_database_is_left_alone(tmp_path):
    path = tmp_path / "current.duckdb"
    load_tiny(path)
    before = path.stat().st_mtime_ns
    build.ensure_database(path)
    assert path.stat().st_mtime_ns == before and store.backups(path) == []
