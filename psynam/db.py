"""The one place that opens DuckDB and runs a named query with bound parameters.

Queries live in queries/<area>/<name>.sql; `run("overview/activity_kpis", date_from=..., ...)` checks the
caller's parameters against the file's own `$parameters`, binds them and returns a Polars frame.
"""

from __future__ import annotations

import hashlib
import logging
import os
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from psynam import DATA_DIR, QUERIES_DIR, REFERENCE_DIR

DEFAULT_DB = DATA_DIR / "psynam.duckdb"


class QueryParameterError(ValueError):
    """The caller's parameters do not match the query file's `$parameters`."""


def db_path(path: str | os.PathLike | None = None) -> Path:
    """The database file: the given path, else $PSYNAM_DB, else data/psynam.duckdb."""
    if path:
        return Path(path)
    env = os.environ.get("PSYNAM_DB")
    return Path(env) if env else DEFAULT_DB


def connect(path: str | os.PathLike | None = None, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(db_path(path)), read_only=read_only)


@lru_cache(maxsize=None)
def _load(name: str) -> tuple[str, frozenset[str]]:
    file = QUERIES_DIR / f"{name}.sql"
    if not file.is_file():
        raise FileNotFoundError(f"no query file {file.relative_to(QUERIES_DIR.parent)}")
    sql = file.read_text(encoding="utf-8")
    statements = duckdb.extract_statements(sql)
    if len(statements) != 1:
        raise ValueError(f"{file.name}: a query file holds exactly one statement, found {len(statements)}")
    return sql, frozenset(statements[0].named_parameters)


def query_parameters(name: str) -> frozenset[str]:
    """The `$parameters` a query file declares."""
    return _load(name)[1]


def _bindable(value):
    # An empty selection means "no filter": bind NULL so `$x is null or ...` holds.
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(value) if value else None
    return value


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pl.DataFrame:
    """Run queries/<name>.sql with exactly its parameters bound; return a Polars frame."""
    sql, expected = _load(name)
    given = set(params)
    missing, extra = expected - given, given - expected
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"missing {sorted(missing)}")
        if extra:
            parts.append(f"unexpected {sorted(extra)}")
        raise QueryParameterError(f"query {name}: " + ", ".join(parts))
    bound = {k: _bindable(v) for k, v in params.items()}
    return con.sql(sql, params=bound).pl() if bound else con.sql(sql).pl()


def run_script(con: duckdb.DuckDBPyConnection, name: str) -> None:
    """Execute a multi-statement SQL file (DDL, views) with no parameters."""
    file = QUERIES_DIR / f"{name}.sql"
    con.execute(file.read_text(encoding="utf-8"))


def init_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the imported tables if missing, reload the ref_* tables, (re)create the stg_* views.

    Safe to call on every build or import: tables are created only when absent, reference data and
    views are replaced so that a new release's rules and definitions take effect.
    """
    from psynam import reference

    run_script(con, "staging/tables")
    reference.load_into(con)
    # Databases written before stg_sessions was stored held it as a view: it becomes a table here.
    if con.execute("select count(*) from duckdb_views() where view_name = 'stg_sessions' "
                   "and database_name = current_database()").fetchall()[0][0]:
        con.execute("drop view stg_sessions")
    run_script(con, "staging/views")


def refresh_derived(con: duckdb.DuckDBPyConnection) -> None:
    """Rebuild the stored staging rows (stg_sessions and the tables derived from it) from the imported tables.

    Whatever writes the imported tables calls this once its transaction is committed (the importer,
    undo, tests that insert rows by hand): the pages read stg_sessions, not the raw tables. It runs in
    a transaction of its own, after the write, because DuckDB 2.0 can miss rows of a large insert read
    back within the same transaction (psynam/ingest/write.py).
    """
    con.execute("set enable_progress_bar = false")  # no bar on the importer's terminal
    run_script(con, "staging/derived")
    con.execute("insert or replace into psynam_meta values ('schema_version', $v)", {"v": schema_version()})


# Above this share of the stored sessions touched, a whole rebuild is cheaper than an update (and orders the
# table anew).
UPDATE_SHARE = 0.2


def refresh_after(con: duckdb.DuckDBPyConnection, import_id: int) -> str:
    """Bring the stored staging rows up to date once import `import_id` has been written or undone (committed):
    what it changed is in its change records (import_changes_<table>), which an undo reverts. The rows
    depend on sessions and partners only (and on the staging rules): sessions alone changed, a small share
    of them → update the rows they can move (queries/staging/derived_update.sql); partners changed, new
    rules, a first import → rebuild whole (refresh_derived); neither → nothing. Returns what was done:
    'update', 'rebuild' or 'none'. An update that fails is replaced by a rebuild."""
    if stored_schema_version(con) != schema_version():
        refresh_derived(con)
        return "rebuild"
    partners, sessions = con.execute(
        "select (select count(*) from import_changes_partners where import_id = $id), "
        "(select count(distinct session_id) from import_changes_sessions where import_id = $id)",
        {"id": import_id}).fetchall()[0]
    if not partners and not sessions:
        return "none"
    stored = con.execute("select count(*) from stg_sessions").fetchall()[0][0]
    if partners or sessions > UPDATE_SHARE * stored:
        refresh_derived(con)
        return "rebuild"
    con.execute("set enable_progress_bar = false")
    try:
        con.execute("begin transaction")
        con.execute("delete from stg_refresh_sessions")
        con.execute("insert into stg_refresh_sessions select distinct session_id from import_changes_sessions "
                    "where import_id = $id", {"id": import_id})
        con.execute("commit")
        run_script(con, "staging/derived_update")
    except duckdb.Error as exc:
        try:
            con.rollback()
        except duckdb.Error:
            pass
        logging.getLogger(__name__).warning("stored rows: the update failed (%s); rebuilding them", exc)
        refresh_derived(con)
        return "rebuild"
    return "update"


@lru_cache(maxsize=1)
def schema_version() -> str:
    """A fingerprint of what the stored staging rows depend on besides the imported data: the staging SQL
    and the reference data. A database built under another fingerprint is rebuilt (psynam.build)."""
    digest = hashlib.sha256()
    for file in sorted((QUERIES_DIR / "staging").glob("*.sql")) + sorted(REFERENCE_DIR.glob("*.csv")):
        digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def stored_schema_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint a database's staging rows were built with (None: built before fingerprints)."""
    try:
        rows = con.execute("select value from psynam_meta where key = 'schema_version'").fetchall()
    except duckdb.CatalogException:
        return None
    return rows[0][0] if rows else None
