"""AppTest of the import page on a private copy of the tiny database: the dry run (counts, rejected rows and
their CSV), confirm (the figures of every page change), cancel (nothing changes), undo, refusal."""

from __future__ import annotations

import shutil

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from psynam import ROOT
from tests.pages.conftest import download, read_csv

HEADER = ("session_id,session_date,network,psychologist_id,care_level,format,setting,patient_id,patient_age,"
          "patient_commune,session_commune,partner_id,participants,preferential_tariff,fee_inami_eur,"
          "fee_patient_eur,target_public\n")
ROW = "{id},2024-05-06,RSN,PS01,soutien,individuel,cabinet,PA{id},40,Namur,Namur,,,non,\"83,00\",11,\n"
GOOD = (HEADER + ROW.format(id="NEW1") + ROW.format(id="NEW2")).encode()
BAD = (HEADER + ROW.format(id="NEW1") + ROW.format(id="NEW2").replace(",40,", ",300,")
       + ROW.format(id="NEW3").replace("Namur,Namur", "Gembloox,Namur")
       + ROW.format(id="X").replace("X,", '"=HYPERLINK(""http://x"")",', 1)
       + ROW.format(id="NEW5").replace("Namur,Namur", "=1+1,Namur")).encode()


@pytest.fixture
def db(tiny_db, tmp_path):
    path = tmp_path / "page.duckdb"
    shutil.copyfile(tiny_db, path)
    return path


@pytest.fixture
def page(db, monkeypatch, downloads):
    monkeypatch.setenv("PSYNAM_DB", str(db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/imports.py").run()
    assert not at.exception
    return at


def _sessions(db) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.sql("select count(*) from sessions").fetchall()[0][0]
    finally:
        con.close()


def _upload(at, *files):
    at.file_uploader(key="import_files").set_value(list(files)).run()
    assert not at.exception
    return at


def _table(at, column: str):
    """The dataframe on screen holding `column` (counts: inserted; issues: reason; history: sha256)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def _counts(at) -> dict:
    return _table(at, "inserted").set_index("table").to_dict("index")


def test_dry_run_shows_the_counts_and_writes_nothing(page, db):
    before = _sessions(db)
    _upload(page, ("sessions.csv", GOOD, "text/csv"))
    assert _counts(page)["sessions"] == dict(read=2, inserted=2, updated=0, unchanged=0, rejected=0)
    assert _sessions(db) == before
    assert not page.button(key="import_confirm").disabled


def test_confirm_imports_and_every_page_shows_the_new_figures(page, db):
    before = _sessions(db)
    page.switch_page("pages/overview.py").run()
    kpis_before = [m.value for m in page.metric]
    page.switch_page("pages/imports.py").run()
    _upload(page, ("sessions.csv", GOOD, "text/csv"))
    page.button(key="import_confirm").click().run()
    assert not page.exception
    assert _sessions(db) == before + 2
    assert "Import n° 1 enregistré" in page.success[0].value
    history = _table(page, "sha256")
    assert history["files"].tolist() == ["sessions.csv"] and history["status"].tolist() == ["en vigueur"]
    assert len(history["sha256"][0]) == 64
    page.switch_page("pages/overview.py").run()
    assert not page.exception
    assert [m.value for m in page.metric] != kpis_before


def test_cancel_writes_nothing(page, db):
    before = _sessions(db)
    _upload(page, ("sessions.csv", GOOD, "text/csv"))
    page.button(key="import_cancel").click().run()
    assert not page.exception
    assert _sessions(db) == before
    assert "rien n'a été écrit" in page.success[0].value
    assert not any(b.key == "import_confirm" for b in page.button)


def test_undo_restores_the_database(page, db):
    before = _sessions(db)
    _upload(page, ("sessions.csv", GOOD, "text/csv"))
    page.button(key="import_confirm").click().run()
    assert _sessions(db) == before + 2
    page.selectbox(key="import_undo_choice").set_value(1).run()
    page.button(key="import_undo").click().run()
    assert not page.exception
    assert _sessions(db) == before
    assert "Import n° 1 annulé : 2 ligne(s) supprimée(s)" in page.success[0].value
    assert _table(page, "sha256")["status"][0].startswith("annulé le")


def test_refused_file_lists_each_rejected_row_with_a_safe_csv(page, db, downloads):
    before = _sessions(db)
    _upload(page, ("sessions.csv", BAD, "text/csv"))
    assert page.button(key="import_confirm").disabled
    assert "Import refusé" in page.error[0].value
    issues = _table(page, "reason")
    assert issues[issues["severity"] == "rejet"][["file", "line", "column"]].values.tolist() == [
        ["sessions.csv", 3, "patient_age"], ["sessions.csv", 4, "patient_commune"],
        ["sessions.csv", 6, "patient_commune"]]
    assert "vouliez-vous dire Gembloux" in issues["reason"][1]
    rows = read_csv(download(page, downloads, "import_issues_csv"))
    assert [r["Ligne"] for r in rows if r["Gravité"] == "rejet"] == ["3", "4", "6"]
    assert [r["Valeur"] for r in rows if r["Ligne"] == "6" and r["Gravité"] == "rejet"] == ["'=1+1"]   # never a formula in a spreadsheet
    assert _sessions(db) == before


def test_formula_text_is_stored_as_text_and_neutralised_in_the_csv(page, db, downloads):
    _upload(page, ("sessions.csv", BAD, "text/csv"))
    page.checkbox(key="import_accept_valid").check().run()
    assert _counts(page)["sessions"]["inserted"] == 2
    page.button(key="import_confirm").click().run()
    con = duckdb.connect(str(db), read_only=True)
    ids = [r[0] for r in con.sql("select session_id from sessions where session_id like '=%'").fetchall()]
    con.close()
    assert ids == ['=HYPERLINK("http://x")']
