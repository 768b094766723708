"""Writing checked rows into the canonical tables: compare, update, insert — all set-based, in DuckDB,
from the stage the checks filled (validate.Stage, on disk), never through Python.

Rows are keyed as in tables.py; a row equal to the stored one is left alone (unchanged), a different
one is updated, a new key is inserted — and each insert or update is recorded in import_changes_<table>
for undo. An unchanged row writes nothing: re-importing an identical export of 100,000 rows once wrote
100,000 "unchanged" records (+31 % file size). What undo needs to know of them — that this export also
holds rows an earlier import wrote, so that one cannot be undone under it — is kept as the list of those
earlier imports (`holds`, in the import's summary). Only
the columns the export holds are compared and written, so a monthly export without an optional column
does not erase it. The SQL is built here rather than kept
in queries/ because it is the same four statements for seven tables; every identifier placed into it
comes from the fixed column lists of tables.py (house rule 4), every value is bound.
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from psynam.ingest.report import TableCounts
from psynam.ingest.tables import TABLES
from psynam.ingest.validate import Checked

VALID = "_ingest_valid"      # a temporary table: the rows being merged

def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def column_types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    rows = con.execute(
        "select column_name, data_type from duckdb_columns() "
        "where schema_name = 'main' and table_name = $t and database_name = current_database()",
        {"t": table}).fetchall()
    return dict(rows)


def changes_table(table: str) -> str:
    """The change records of an imported table (queries/staging/tables.sql)."""
    assert table in TABLES
    return f"import_changes_{table}"


def merge(con: duckdb.DuckDBPyConnection, checked: Checked, counts: TableCounts, import_id: int) -> set[int]:
    """Upsert the valid rows of one table; fill counts.inserted/updated/unchanged; record for each row
    inserted or updated what the import did to it (and, for an update, the row as it was) in
    import_changes_<table>. Returns the imports still in force that wrote rows this one leaves unchanged."""
    spec = TABLES[checked.table]
    assert checked.table in TABLES and set(checked.columns) <= set(spec.column_names)
    if not con.execute(f"select count(*) from {checked.valid} v").fetchall()[0][0]:
        return set()
    types = column_types(con, checked.table)
    if set(spec.column_names) != set(types):
        raise RuntimeError(f"table {checked.table}: columns {sorted(types)} differ from the importer's "
                           f"{sorted(spec.column_names)}")
    columns, keys = checked.columns, spec.key
    values = [c for c in columns if c not in keys]
    t, ch = _q(checked.table), _q(changes_table(checked.table))
    # The valid rows of the stage, cast to the table's types, read once from disk for the four statements.
    s = VALID
    con.execute(f"create or replace temp table {s} as select "
                + ", ".join(f"cast({_q(c)} as {types[c]}) as {_q(c)}" for c in columns) + f" from {checked.valid} v")
    on = " and ".join(f"t.{_q(k)} = s.{_q(k)}" for k in keys)
    changed = " or ".join(f"s.{_q(c)} is distinct from t.{_q(c)}" for c in values) or "false"
    absent = f"t.{_q(keys[0])} is null"

    # Counted from the stage, not from the change records just written: DuckDB 2.0 can miss rows of a
    # large insert when the same transaction reads them back through a filter.
    inserted, updated, unchanged = con.execute(
        f"select count(*) filter (where {absent}), "
        f"count(*) filter (where not ({absent}) and ({changed})), "
        f"count(*) filter (where not ({absent}) and not ({changed})) "
        f"from {s} s left join {t} t on {on}").fetchall()[0]
    # Before anything is written: the imports in force whose rows this one re-states unchanged, what each
    # changed row will do, and the previous version of updated rows.
    holds = set()
    if unchanged:
        by_key = " and ".join(f"c.{_q(k)} = s.{_q(k)}" for k in keys)
        holds = {r[0] for r in con.execute(
            f"select distinct c.import_id from {s} s join {t} t on {on} join {ch} c on {by_key} "
            f"where not ({changed}) and c.action in ('inserted', 'updated') "
            "and c.import_id not in (select import_id from import_undos)").fetchall()}
    previous = [c for c in spec.column_names if c not in keys]
    action = f"case when {absent} then 'inserted' else 'updated' end"
    if inserted or updated:
        con.execute(
            f"insert into {ch} by name select $id as import_id, {action} as action, "
            + ", ".join(f"s.{_q(k)} as {_q(k)}" for k in keys)
            + "".join(f", case when not ({absent}) then t.{_q(c)} end as {_q(c)}" for c in previous)
            + f" from {s} s left join {t} t on {on} where {absent} or ({changed})", {"id": import_id})
    if updated:
        con.execute(f"update {t} as t set " + ", ".join(f"{_q(c)} = s.{_q(c)}" for c in values)
                    + f" from {s} s where {on} and ({changed})")
    if inserted:
        cols = ", ".join(_q(c) for c in columns)
        con.execute(f"insert into {t} ({cols}) select {cols} from {s} s "
                    f"where not exists (select 1 from {t} t where {on})")
    con.execute(f"drop table {s}")
    counts.inserted, counts.updated, counts.unchanged = inserted, updated, unchanged
    return holds


def next_import_id(con: duckdb.DuckDBPyConnection) -> int:
    return con.execute("select nextval('import_id_seq')").fetchall()[0][0]


def record_import(con: duckdb.DuckDBPyConnection, import_id: int, sources: list[dict], summary: dict) -> int:
    """Add a line to the `imports` log."""
    con.execute(
        "insert into imports (import_id, imported_at, sources, summary) values ($id, $at, $sources, $summary)",
        {"id": import_id, "at": dt.datetime.now().replace(microsecond=0),
         "sources": json.dumps(sources, ensure_ascii=False), "summary": json.dumps(summary, ensure_ascii=False)})
    return import_id
