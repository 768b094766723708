"""The benchmark's monthly import (psynam.perf.bench.split_export): the committed sample without its latest
sessions, then those sessions alone, gives the database the whole export gives — the second import only
adds rows."""

import zipfile

from psynam import db
from psynam.build import build, sample_exports
from psynam.ingest import import_paths
from psynam.perf.bench import split_export

FIGURES = ("select count(*), count(distinct patient_id), sum(fee_inami_eur), max(session_date) from sessions",
           "select count(*), sum(sessions) from stg_courses", "select count(*) from stg_patient_starts")


def test_a_monthly_import_adds_the_latest_sessions(tmp_path):
    export = sample_exports()[0]
    base, month = tmp_path / "base.zip", tmp_path / "month.zip"
    split = split_export(str(export), str(base), str(month), share=0.02)
    assert split["rows"] == int(split["of"] * 0.02) > 100
    assert zipfile.ZipFile(month).namelist() == ["sessions.csv"]
    assert set(zipfile.ZipFile(base).namelist()) == set(zipfile.ZipFile(export).namelist())

    parts = tmp_path / "parts.duckdb"
    assert import_paths([base], parts).ok
    first = import_paths([month], parts)
    assert first.ok and first.tables["sessions"].inserted == split["rows"] and first.tables["sessions"].updated == 0
    whole = build(tmp_path / "whole.duckdb")
    a, b = db.connect(parts, read_only=True), db.connect(whole, read_only=True)
    try:
        for sql in FIGURES:
            assert a.execute(sql).fetchall() == b.execute(sql).fetchall(), sql
    finally:
        a.close()
        b.close()
