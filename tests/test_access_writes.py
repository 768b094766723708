"""Write actions check the role where they run (psynam.ingest stage/confirm/undo, psynam.store.restore): a
Streamlit session logged in as representant or comite is refused with the database unchanged; the
command line (the server's own account) still writes; every write lands in the audit log."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from psynam import SAMPLE_DIR, audit, store
from psynam.build import build
from psynam.ingest import import_paths, stage
from tests.test_access import COORD, COMITE, REP, SECRETS, claims


def writes_as_session(db_path, export, backup, staged, undo_id=1):
    """Runs inside an AppTest session: tries every write entry point, prints what happened."""
    import streamlit as st

    from psynam import access, store
    from psynam.ingest import confirm, stage
    from psynam.ingest.undo import undo

    attempts = {
        "stage": lambda: stage([export], db_path),
        "confirm": lambda: confirm(staged),
        "undo": lambda: undo(undo_id, db_path),
        "restore": lambda: store.restore(db_path, backup),
    }
    for name, attempt in attempts.items():
        try:
            attempt()
            st.text(f"{name}: done")
        except access.AccessDenied as refused:
            st.text(f"{name}: {refused}")


def fingerprint(db: Path) -> tuple:
    """The live file's bytes and inode, the backups, the work folder and the kept files."""
    def listing(folder: Path):
        return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []
    return (hashlib.sha256(db.read_bytes()).hexdigest(), db.stat().st_ino, listing(store.backup_dir(db)),
            listing(store.work_dir(db)), listing(store.files_dir(db)))


@pytest.fixture
def sample_db(tmp_path) -> tuple[Path, Path, Path]:
    """A database built from the sample (import 1), with one backup to restore, and a second export."""
    db = build(tmp_path / "psynam.duckdb")
    second = tmp_path / "second.zip"
    from psynam.sample import write_sample
    write_sample(second, seed=7, sessions=300, until="2025-06")
    import_paths([second], db, accept_valid=True)       # import 2: leaves a backup of the built file
    return db, second, store.backups(db)[-1]


@pytest.mark.parametrize("email, role", [(REP, "représentant de réseau"), (COMITE, "comité de pilotage")])
def test_write_actions_refused_for_other_roles_with_the_database_unchanged(sample_db, email, role):
    db, export, backup = sample_db
    staged = stage([export], db)  # a dry run made by the server's own account, to try confirming it
    before = fingerprint(db)
    log_before = audit.events(date(2000, 1, 1), date(2100, 1, 1), db=db)
    assert log_before["event"].to_list() == ["import", "import"]  # the build and the second export
    at = AppTest.from_function(writes_as_session, args=(db, export, backup, staged), default_timeout=120)
    at.secrets, at.user = SECRETS, claims(email)
    at.run()
    assert not at.exception
    said = [t.value for t in at.text]
    assert said == [f"{name}: Action non permise pour votre rôle ({role}) : {action}." for name, action in
                    (("stage", "importer un export"), ("confirm", "importer un export"),
                     ("undo", "annuler un import"), ("restore", "restaurer une sauvegarde"))]
    assert fingerprint(db) == before
    log = audit.events(date(2000, 1, 1), date(2100, 1, 1), db=db)
    assert log.tail(2).equals(log_before)  # nothing written, every attempt logged as refused
    refused = log.head(4)
    assert refused["event"].to_list() == ["refused"] * 4 and set(refused["who"]) == {email}
    assert [d.split('"')[3] for d in refused["detail"]] == ["restore", "undo", "import", "import"]
    from psynam.ingest import discard
    discard(staged)


def test_coordinator_session_writes_and_each_write_is_logged(sample_db):
    db, export, backup = sample_db
    staged = stage([export], db)
    at = AppTest.from_function(writes_as_session, args=(db, export, backup, staged, 3), default_timeout=120)
    at.secrets, at.user = SECRETS, claims(COORD)
    at.run()
    assert not at.exception
    assert [t.value for t in at.text] == ["stage: done", "confirm: done", "undo: done", "restore: done"]
    log = audit.events(date(2000, 1, 1), date(2100, 1, 1), db=db)
    mine = log.filter(log["who"] == COORD)
    assert mine["event"].to_list() == ["restore", "undo", "import"]  # newest first
    assert '"import_id": 3' in mine["detail"][1] and backup.name in mine["detail"][0]
    assert set(mine["role"]) == {"coordinateur"} and set(mine["via"]) == {"connexion"}


def test_command_line_is_the_server_account(sample_db, monkeypatch):
    db, export, _ = sample_db
    monkeypatch.setenv("PSYNAM_USER", "service-psynam")
    report = import_paths([SAMPLE_DIR / "psynam_sample.zip"], db)
    assert report.status == "imported"
    last = audit.events(date(2000, 1, 1), date(2100, 1, 1), ["import"], db=db).row(0, named=True)
    assert last["who"] == "service-psynam" and last["via"] == "ligne de commande"
    assert str(report.import_id) in last["detail"] and "psynam_sample.zip" in last["detail"]


def test_the_audit_log_takes_no_figure():
    with pytest.raises(ValueError, match="not allowed"):
        audit.record("download", file_name="x.csv", sessions=3)
    with pytest.raises(ValueError, match="unknown audit event"):
        audit.record("delete_row")
