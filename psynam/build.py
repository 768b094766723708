"""Building the database from the committed sample export when none exists yet.

`python -m psynam build` and the app's first start both call `ensure_database()`, which also upgrades a
database built by an earlier release (new staging SQL or reference data: its stored staging rows are
rebuilt, the imported rows untouched). The build is an import
like any other (psynam.store): into a private new file, swapped into place under the writers' lock, so
two app sessions starting together never both build, a reader never sees a half-built file, and the
sample export is import n° 1 of the history (its files kept, so the history can be replayed). `--force`
builds a fresh database from the sample; the one it replaces is kept among the backups.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from psynam import SAMPLE_DIR, db, store


def sample_exports() -> list[Path]:
    exports = sorted(SAMPLE_DIR.glob("*.zip"))
    if not exports:
        raise FileNotFoundError(f"no sample export (*.zip) in {SAMPLE_DIR}")
    return exports


def build(path: Path, sources: list[Path] | None = None) -> Path:
    """Import `sources` (default: the sample export) into a new database at `path`, atomically.
    The caller holds store.writer_lock(path)."""
    from psynam.ingest import confirm, stage

    path.parent.mkdir(parents=True, exist_ok=True)
    staged = stage(sources or sample_exports(), path, fresh=True, via="construction")
    if staged.candidate is None:
        raise RuntimeError(f"the sample export was refused:\n{staged.report}")
    confirm(staged, locked=True)
    return path


def outdated(path: Path) -> bool:
    """Whether the database was built by another release (staging SQL or reference data changed)."""
    con = store.open_reader(path)
    try:
        return db.stored_schema_version(con) != db.schema_version()
    finally:
        con.close()


def upgrade(path: Path) -> None:
    """Reload the reference data and rebuild the staging views and stored rows of an existing database,
    on a copy swapped in like an import (the previous file kept among the backups). The caller holds
    store.writer_lock(path). The imported rows are not touched."""
    from psynam.ingest.pipeline import IMPORT_MEMORY_LIMIT

    with store.rewrite(path, "mise-a-jour", IMPORT_MEMORY_LIMIT) as con:
        db.init_schema(con)
        db.refresh_derived(con)


def upgrade_into(con) -> None:
    """Bring an open database written by another release up to this one (reference data, staging views
    and stored rows); nothing when it is already current. Used on a restored copy before it goes live."""
    from psynam.ingest.pipeline import IMPORT_MEMORY_LIMIT

    if db.stored_schema_version(con) == db.schema_version():
        return
    con.execute(f"set memory_limit = '{IMPORT_MEMORY_LIMIT}'")
    db.init_schema(con)
    db.refresh_derived(con)


def ensure_database(path: str | os.PathLike | None = None, force: bool = False) -> Path:
    """The database ready to read: built from the sample when missing (or `force`), upgraded when an
    earlier release built it."""
    target = db.db_path(path)
    if target.exists() and not force and not outdated(target):
        return target
    with store.writer_lock(target):  # a second starter waits here, then finds the file built
        if target.exists() and not force:
            if outdated(target):
                upgrade(target)
            return target
        return build(target)


def cli(args) -> int:
    started = time.perf_counter()
    path = ensure_database(args.db, force=args.force)
    print(f"database ready: {path} ({time.perf_counter() - started:.1f} s)")
    return 0 if path.exists() else 1
