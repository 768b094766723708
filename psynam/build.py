"""Building the database from the committed sample export when none exists yet.

`python -m psynam build` and the app's first start both call `ensure_database()`. The build imports into
a temporary file beside the target and renames it into place, under a file lock, so that two app sessions
starting together never both build, and a reader never sees a half-built file.
"""

from __future__ import annotations

import fcntl
import os
import sys
import time
from pathlib import Path

from psynam import SAMPLE_DIR, db


def sample_exports() -> list[Path]:
    exports = sorted(SAMPLE_DIR.glob("*.zip"))
    if not exports:
        raise FileNotFoundError(f"no sample export (*.zip) in {SAMPLE_DIR}")
    return exports


def build(path: Path, sources: list[Path] | None = None) -> Path:
    """Import `sources` (default: the sample export) into a new database at `path`, atomically."""
    from psynam.ingest import import_paths

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".building")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    report = import_paths(sources or sample_exports(), tmp)
    if not report.ok:
        tmp.unlink(missing_ok=True)
        raise RuntimeError(f"the sample export was refused:\n{report}")
    os.replace(tmp, path)
    return path


def ensure_database(path: str | os.PathLike | None = None, force: bool = False) -> Path:
    target = db.db_path(path)
    if target.exists() and not force:
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(target.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # a second starter waits here, then finds the file built
        if target.exists() and not force:
            return target
        return build(target)


def cli(args) -> int:
    started = time.perf_counter()
    path = ensure_database(args.db, force=args.force)
    print(f"database ready: {path} ({time.perf_counter() - started:.1f} s)")
    return 0 if path.exists() else 1
