"""Taking an import back: the rows it inserted are deleted, the rows it updated get back the values they
had before it (import_changes_<table>), in one copy-and-swap like an import.

An import can be undone while no later import still in force holds one of its rows (inserted, updated
or unchanged): undoing it then would either erase a row the later export also holds or overwrite that
export's values. The message names the later imports, to be undone first (newest first). Undone imports
are recorded in import_undos, and their files stay kept, so that a replay applies the undo at the same
point of the history.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from psynam import db as database
from psynam import store
from psynam.audit import write_action
from psynam.ingest.pipeline import IMPORT_MEMORY_LIMIT, current_user
from psynam.ingest.tables import ORDER, TABLES
from psynam.ingest.write import _q, changes_table


class UndoRefused(Exception):
    """The import cannot be undone (unknown, already undone, or later imports hold its rows)."""


@dataclass
class UndoReport:
    import_id: int
    deleted: dict[str, int] = field(default_factory=dict)     # rows the import had inserted
    restored: dict[str, int] = field(default_factory=dict)    # rows it had updated, back as they were


def _tables(con) -> set[str]:
    return {r[0] for r in con.execute("select table_name from duckdb_tables() where database_name = "
                                      "current_database()").fetchall()}


def undo_into(con: duckdb.DuckDBPyConnection, import_id: int, user: str | None = None,
              when: dt.datetime | None = None, after_import: int | None = None) -> UndoReport:
    """Undo one import in an open read-write connection, in one transaction."""
    con.begin()
    try:
        database.init_schema(con)
        found = con.execute("select i.import_id, u.import_id is not null from imports i "
                            "left join import_undos u using (import_id) where i.import_id = $id",
                            {"id": import_id}).fetchall()
        if not found:
            raise UndoRefused(f"l'import n° {import_id} n'existe pas")
        if found[0][1]:
            raise UndoRefused(f"l'import n° {import_id} a déjà été annulé")
        blocking = _later_imports_holding_its_rows(con, import_id)
        if blocking:
            raise UndoRefused(_blocked(import_id, blocking))
        report = UndoReport(import_id)
        for table in reversed(ORDER):
            report.deleted[table], report.restored[table] = _undo_table(con, table, import_id)
        last = con.execute("select max(import_id) from imports").fetchall()[0][0]
        con.execute("insert into import_undos (import_id, undone_at, after_import, undone_by) "
                    "values ($id, $at, $after, $by)",
                    {"id": import_id, "at": when or dt.datetime.now().replace(microsecond=0),
                     "after": after_import if after_import is not None else last,
                     "by": user if user is not None else current_user()})
    except BaseException:
        con.rollback()
        raise
    con.commit()
    database.refresh_after(con, import_id)
    return report


def _later_imports_holding_its_rows(con, import_id: int) -> set[int]:
    """Later imports in force that changed a row this one wrote, or re-stated one unchanged (their summary's
    `holds`; databases written before it was kept have 'unchanged' change records instead)."""
    later = set()
    for table in ORDER:
        ch, keys = _q(changes_table(table)), TABLES[table].key
        on = " and ".join(f"a.{_q(k)} = b.{_q(k)}" for k in keys)
        rows = con.execute(
            f"select distinct b.import_id from {ch} a join {ch} b on {on} "
            "where a.import_id = $id and a.action in ('inserted', 'updated') and b.import_id > $id "
            "and b.import_id not in (select import_id from import_undos)", {"id": import_id}).fetchall()
        later |= {r[0] for r in rows}
    summaries = con.execute("select import_id, summary from imports where import_id > $id "
                            "and import_id not in (select import_id from import_undos)", {"id": import_id}).fetchall()
    later |= {i for i, summary in summaries if import_id in json.loads(summary).get("holds", [])}
    return later


def _undo_table(con, table: str, import_id: int) -> tuple[int, int]:
    spec, ch, t = TABLES[table], _q(changes_table(table)), _q(table)
    keys = spec.key
    on = " and ".join(f"t.{_q(k)} = c.{_q(k)}" for k in keys)
    values = [c for c in spec.column_names if c not in keys]
    params = {"id": import_id}
    deleted = con.execute(
        f"delete from {t} t where exists (select 1 from {ch} c where c.import_id = $id "
        f"and c.action = 'inserted' and {on})", params).fetchall()[0][0]
    restored = con.execute(
        f"update {t} as t set " + ", ".join(f"{_q(c)} = c.{_q(c)}" for c in values)
        + f" from {ch} c where c.import_id = $id and c.action = 'updated' and {on}", params).fetchall()[0][0]
    return deleted, restored


@dataclass
class UndoPreview:
    """What undoing an import would do, read before asking (the page shows it, then asks)."""
    import_id: int
    deleted: dict[str, int] = field(default_factory=dict)     # rows it inserted, to be deleted
    restored: dict[str, int] = field(default_factory=dict)    # rows it updated, to get their values back
    refused: str | None = None                                # why it cannot be undone, in French


def preview(import_id: int, db=None) -> UndoPreview:
    """Rows per table that undo(import_id) would delete or restore, or why it is refused — read-only."""
    path = Path(database.db_path(db))
    found = UndoPreview(import_id)
    if not path.exists():
        found.refused = f"{path} : base de données introuvable"
        return found
    con = store.open_reader(path)
    try:
        state = con.execute("select u.import_id is not null from imports i left join import_undos u using (import_id) "
                            "where i.import_id = $id", {"id": import_id}).fetchall()
        if not state:
            found.refused = f"l'import n° {import_id} n'existe pas"
        elif state[0][0]:
            found.refused = f"l'import n° {import_id} a déjà été annulé"
        elif blocking := _later_imports_holding_its_rows(con, import_id):
            found.refused = _blocked(import_id, blocking)
        for table in ORDER:
            counts = dict(con.execute(f"select action, count(*) from {_q(changes_table(table))} "
                                      "where import_id = $id group by all", {"id": import_id}).fetchall())
            found.deleted[table], found.restored[table] = counts.get("inserted", 0), counts.get("updated", 0)
    finally:
        con.close()
    return found


def _blocked(import_id: int, blocking: set[int]) -> str:
    listed = ", ".join(f"n° {i}" for i in sorted(blocking, reverse=True))
    return (f"des imports postérieurs contiennent aussi des lignes de l'import n° {import_id} ({listed}) : "
            "annulez-les d'abord, du plus récent au plus ancien")


@write_action("undo")
def undo(import_id: int, db=None, user: str | None = None) -> UndoReport:
    """Undo an import of the database file `db`: on a copy, swapped in; the previous file kept as a backup."""
    path = Path(database.db_path(db))
    if not path.exists():
        raise UndoRefused(f"{path} : base de données introuvable")
    with store.writer_lock(path):
        with store.rewrite(path, f"avant-annulation-{import_id}", IMPORT_MEMORY_LIMIT) as con:
            report = undo_into(con, import_id, user)
    return report
