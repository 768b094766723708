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
    """The dry run's counts; the grid shows them as Belgian text (`100 003`, whatever the browser's locale)."""
    rows = _table(at, "inserted").set_index("table").to_dict("index")
    return {t: {k: int(str(v).replace("\xa0", "").replace(" ", "")) if str(v).replace("\xa0", "").isdigit() else v
                for k, v in r.items()} for t, r in rows.items()}


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


def _choice(at):
    return next(s for s in at.selectbox if s.key.startswith("import_undo_choice"))


def test_undo_asks_first_showing_the_rows_it_removes_then_restores_the_database(page, db):
    before = _sessions(db)
    _upload(page, ("sessions.csv", GOOD, "text/csv"))
    page.button(key="import_confirm").click().run()
    assert _sessions(db) == before + 2
    assert _choice(page).value == 1
    page.button(key="import_undo").click().run()
    assert not page.exception and _sessions(db) == before + 2          # asked, nothing done yet
    assert "Annuler l'import n° 1 ?" in page.warning[0].value
    preview = _table(page, "restored")
    assert preview.to_dict("records") == [{"table": "sessions", "deleted": "2", "restored": "0"}]  # Belgian text
    page.button(key="import_undo_keep").click().run()
    assert _sessions(db) == before + 2
    assert "rien n'a changé" in page.success[0].value
    page.button(key="import_undo").click().run()
    page.button(key="import_undo_confirm").click().run()
    assert not page.exception
    assert _sessions(db) == before
    assert "Import n° 1 annulé : 2 ligne(s) supprimée(s)" in page.success[0].value
    assert _table(page, "sha256")["status"][0].startswith("annulé le")


def test_the_undo_choice_follows_the_latest_import_and_the_status_is_seen_first(page, db):
    _upload(page, ("sessions.csv", GOOD, "text/csv"))
    page.button(key="import_confirm").click().run()
    assert _choice(page).value == 1
    _upload(page, ("sessions.csv", GOOD.replace(b"NEW", b"OTHER"), "text/csv"))
    page.button(key="import_confirm").click().run()
    assert _choice(page).value == 2                                   # before: stayed on n° 1
    history = next(d for d in page.dataframe if "sha256" in d.value.columns)
    assert list(history.proto.column_order)[:3] == ["import_id", "status", "imported_at"]
    assert list(history.proto.column_order)[-1] == "sha256"


def test_an_undo_blocked_by_a_later_import_says_so_before_asking(page, db):
    _upload(page, ("sessions.csv", GOOD, "text/csv"))
    page.button(key="import_confirm").click().run()
    _upload(page, ("sessions2.csv", GOOD, "text/csv"))                # the same rows again, unchanged
    page.button(key="import_confirm").click().run()
    _choice(page).set_value(1).run()
    page.button(key="import_undo").click().run()
    assert "annulez-les d'abord" in page.error[0].value and "n° 2" in page.error[0].value
    assert not any(b.key == "import_undo_confirm" for b in page.button)


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


IDS = (HEADER + ROW.format(id="NEW1").replace("PS01", "PSX-SECRET-1")
       + ROW.format(id="NEW2").replace("PANEW2", "PA\x01SECRET-2")
       + ROW.format(id="NEW3").replace(",40,", ",300,")).encode()


def test_pseudonymised_ids_never_appear_in_the_grid_or_its_csv(page, db, downloads):
    _upload(page, ("sessions.csv", IDS, "text/csv"))
    issues = _table(page, "reason")
    shown = issues.to_csv() + download(page, downloads, "import_issues_csv").decode("utf-8")
    assert "SECRET" not in shown
    rows = {(r["line"], r["column"]): r for r in issues.to_dict("records")}
    assert rows[(3, "patient_id")]["reason"].startswith("caractère de contrôle invisible")
    assert rows[(3, "patient_id")]["value"] == "(identifiant masqué : voyez la ligne dans votre fichier)"
    assert rows[(4, "patient_age")]["value"] == "300"                  # other values are shown


def test_a_full_disk_gives_a_french_message_and_leaves_nothing(page, db, monkeypatch):
    from psynam import store
    monkeypatch.setattr(store, "free_bytes", lambda folder: 1000)
    before = _sessions(db)
    _upload(page, ("sessions.csv", GOOD, "text/csv"))
    assert not page.exception
    assert page.error[0].value.startswith("Espace disque insuffisant dans")
    assert "La base n'a pas été modifiée." in page.error[0].value
    assert _sessions(db) == before
    assert not any(store.uploads_dir(db).iterdir()) and not any(b.key == "import_confirm" for b in page.button)
    monkeypatch.undo()                                                # room again: the same files, once more
    page.button(key="import_retry").click().run()
    assert _counts(page)["sessions"]["inserted"] == 2 and not page.button(key="import_confirm").disabled


def test_a_dry_run_that_expired_asks_to_run_it_again(page, db):
    from psynam import store
    _upload(page, ("sessions.csv", GOOD, "text/csv"))
    for f in store.work_dir(db).iterdir():             # what the sweep does to a dry run left for 30 minutes
        f.unlink()
    before = _sessions(db)
    page.button(key="import_confirm").click().run()
    assert not page.exception and _sessions(db) == before
    assert "Cette simulation a expiré" in page.error[0].value
    assert not any(store.uploads_dir(db).iterdir())


def test_the_uploads_are_kept_beside_the_database_and_go_with_the_dry_run(page, db):
    from psynam import store
    _upload(page, ("sessions.csv", GOOD, "text/csv"))
    [folder] = list(store.uploads_dir(db).iterdir())
    assert (folder / "sessions.csv").read_bytes() == GOOD and oct(folder.stat().st_mode)[-3:] == "700"
    page.button(key="import_cancel").click().run()
    assert not folder.exists() and not any(store.work_dir(db).iterdir())


def test_a_session_that_ends_discards_its_dry_run(db, tmp_path):
    """What Streamlit calls when the session's resources are released (the session ended)."""
    from psynam import store
    from psynam.ingest import present

    class Upload:
        name, data = "sessions.csv", GOOD

        def getvalue(self):
            return self.data

    runs = present.DryRuns(db)
    started = runs.start([Upload()], False, None, lambda f, t: None)
    assert started.error is None and any(store.uploads_dir(db).iterdir()) and any(store.work_dir(db).iterdir())
    present.DryRuns.release(runs)
    assert not any(store.uploads_dir(db).iterdir()) and not any(store.work_dir(db).iterdir())


def test_a_database_file_that_is_not_duckdb_gives_a_french_message_not_a_traceback(tmp_path, monkeypatch):
    garbage = tmp_path / "psynam.duckdb"
    garbage.write_bytes(b"\x00garbage" * 512)
    monkeypatch.setenv("PSYNAM_DB", str(garbage))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception                                       # before: IOException on every page
    assert "n'est pas une base DuckDB lisible" in at.error[0].value and "restore" in at.error[0].value
    assert garbage.read_bytes() == b"\x00garbage" * 512


def test_a_read_only_folder_without_a_database_gives_a_french_message(tmp_path, monkeypatch):
    from psynam import store

    def read_only(db):
        raise PermissionError(13, "Permission denied", str(store.lock_path(db)))

    monkeypatch.setattr(store, "writer_lock", read_only)
    monkeypatch.setenv("PSYNAM_DB", str(tmp_path / "psynam.duckdb"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    assert at.error[0].value.startswith(f"Écriture impossible dans {tmp_path}")
