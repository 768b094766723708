"""The stored staging rows updated after an import or undo of sessions (psynam.db.refresh_after,
queries/staging/derived_update.sql) equal the rows a whole rebuild gives (derived.sql), but for the numbers
given to new patients (patient_key means nothing: rows are compared by patient id).

The corrections are made to move what an update must follow: sessions moved to another day and to another
patient (ranks, courses and first sessions of two pairs change, and the seq of both days), new sessions on
old busy days under ids sorting before the day's others (every session of the day is renumbered, though
none of its patients is touched), new patients, and then the undo of it all."""

import logging
import zipfile

import pytest

from psynam import db
from psynam.build import build, sample_exports
from psynam.ingest import import_paths
from psynam.ingest.undo import undo
from psynam.perf.bench import split_export

STORED = {
    "stg_sessions": "session_id",
    "stg_patient_starts": "variant, patient_id",
    "stg_courses": "network, patient_id, course_no",
    "stg_fee_days": "network, patient_id, year",
    "stg_first_free_sessions": "network, patient_id",
    "stg_patient_lines": "year, network, patient_id, level_2021, format",
    "stg_ceiling_counts": "all",
    "stg_budget_days": "session_date, network, budget_category",
}


def _by_patient_id(con) -> dict[str, list]:
    """Every stored table's rows, with the patient's id in place of its key, sorted."""
    con.execute("create or replace temp table ids as select distinct patient_key, patient_id from stg_sessions")
    rows = {}
    for table, order in STORED.items():
        if table in ("stg_budget_days", "stg_ceiling_counts"):  # no patient in their rows
            rows[table] = con.execute(f"select * from {table} order by {order}").fetchall()
            continue
        rows[table] = con.execute(
            f"select t.* exclude (patient_key{', patient_id' if table == 'stg_sessions' else ''}), "
            f"i.patient_id from {table} t left join ids i using (patient_key) order by {order}").fetchall()
    return rows


def _assert_as_rebuilt(path):
    con = db.connect(path)
    try:
        updated = _by_patient_id(con)
        db.refresh_derived(con)
        rebuilt = _by_patient_id(con)
    finally:
        con.close()
    for table in STORED:
        assert len(updated[table]) == len(rebuilt[table]) > 0, table
        assert updated[table] == rebuilt[table], table


@pytest.fixture
def refreshes(monkeypatch):
    """What each refresh_after call did ('update', 'rebuild', 'none')."""
    done = []
    original = db.refresh_after

    def spy(con, import_id):
        done.append(original(con, import_id))
        return done[-1]
    monkeypatch.setattr(db, "refresh_after", spy)
    return done


def test_a_monthly_import_updates_the_stored_rows(tmp_path, refreshes):
    base, month = tmp_path / "base.zip", tmp_path / "month.zip"
    split_export(str(sample_exports()[0]), str(base), str(month), share=0.03)
    path = tmp_path / "monthly.duckdb"
    assert import_paths([base], path).ok
    assert refreshes == ["rebuild"]           # a first import
    report = import_paths([month], path)
    assert report.ok and report.tables["sessions"].inserted > 1000
    assert refreshes == ["rebuild", "update"]
    _assert_as_rebuilt(path)
    # The same export again changes nothing, and nothing is refreshed.
    assert import_paths([month], path).ok and refreshes[2:] in ([], ["none"])


def _fields(line: bytes) -> list[bytes]:
    return line.rstrip(b"\r\n").split(b";")


def _corrections(export, out) -> dict[str, int]:
    """An export of sessions only that corrects the committed sample's (see the module's text)."""
    with zipfile.ZipFile(export) as src:
        lines = src.read("sessions.csv").splitlines(keepends=True)
    header, rows = lines[0], [_fields(line) for line in lines[1:]]
    names = _fields(header)
    col = {name: names.index(name) for name in names}
    sid, day, patient = col[b"ID_Seance"], col["Date_Séance".encode("cp1252")], col[b"ID_Patient"]
    individual = [r for r in rows if r[col[b"Format"]] == b"individuel" and r[patient]]
    out_rows = []
    # 40 sessions moved to the first day of the month before theirs (of January, for January's).
    for r in individual[5000:5040]:
        _d, m, y = r[day].split(b"/")
        out_rows.append([*r[:day], b"01/%02d/%s" % (max(1, int(m) - 1), y), *r[day + 1:]])
    # 30 sessions given to another patient of the sample (one seen elsewhere).
    others = [r[patient] for r in individual[20000:20030]]
    for r, other in zip(individual[8000:8030], others):
        out_rows.append([*r[:patient], other, *r[patient + 1:]])
    # 30 new sessions on the busiest days, under ids that sort before every S... id, of new and known patients.
    for n, r in enumerate(individual[12000:12030]):
        new = list(r)
        new[sid] = b"A%07d" % n
        if n % 2:
            new[patient] = b"PNEW%04d" % n
        out_rows.append(new)
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("sessions.csv", header + b"".join(b";".join(r) + b"\r\n" for r in out_rows))
    return {"updated": 70, "inserted": 30}


def test_corrections_and_their_undo_update_the_stored_rows(tmp_path, refreshes):
    path = build(tmp_path / "corrected.duckdb")
    fix = tmp_path / "corrections.zip"
    expected = _corrections(sample_exports()[0], fix)
    report = import_paths([fix], path, accept_valid=True)
    assert report.ok, str(report)
    counts = report.tables["sessions"]
    assert (counts.updated, counts.inserted) == (expected["updated"], expected["inserted"]), str(report)
    assert refreshes[-1] == "update"
    _assert_as_rebuilt(path)

    undo(report.import_id, path)
    assert refreshes[-1] == "update"
    _assert_as_rebuilt(path)
    con = db.connect(path, read_only=True)
    try:
        assert con.execute("select count(*) from stg_sessions where session_id like 'A%'").fetchone()[0] == 0
    finally:
        con.close()


def test_a_failed_update_rebuilds(tmp_path, monkeypatch, caplog):
    base, month = tmp_path / "base.zip", tmp_path / "month.zip"
    split_export(str(sample_exports()[0]), str(base), str(month), share=0.01)
    path = tmp_path / "failed.duckdb"
    assert import_paths([base], path).ok
    original = db.run_script

    def broken(con, name):
        if name == "staging/derived_update":
            con.execute("begin transaction")
            con.execute("delete from stg_sessions where session_id in (select session_id from stg_refresh_sessions)")
            con.execute("select error('disk trouble')")
        return original(con, name)
    monkeypatch.setattr(db, "run_script", broken)
    with caplog.at_level(logging.WARNING, logger="psynam.db"):
        assert import_paths([month], path).ok
    assert "rebuilding" in caplog.text
    monkeypatch.setattr(db, "run_script", original)
    _assert_as_rebuilt(path)
    con = db.connect(path, read_only=True)
    try:
        assert con.execute("select (select count(*) from stg_refresh_sessions) + "
                           "(select count(*) from stg_refresh_patients)").fetchone()[0] == 0
        assert con.execute("select count(*) from stg_sessions").fetchone()[0] == \
            con.execute("select count(*) from sessions").fetchone()[0]
    finally:
        con.close()
