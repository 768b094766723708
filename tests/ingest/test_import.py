"""The import as a whole: all or nothing, accept_valid, idempotence, updates, the log, the CLI."""

from __future__ import annotations

import argparse
import json

import duckdb
import pytest

from psynam.ingest import cli, import_into, import_paths, write
from psynam.ingest.undo import UndoRefused, undo
from tests.ingest.conftest import CLEAN, data_tables, messages, rows, sessions_file, snapshot, write_rows


def _reconciles(report):
    for table, c in report.tables.items():
        assert c.read - c.rejected == c.inserted + c.updated + c.unchanged, table


def test_rejected_row_leaves_the_database_exactly_as_before(populated, tmp_path):
    before = snapshot(populated)
    sessions = sessions_file(tmp_path, {"session_id": "S100"}, {"session_id": "S101", "patient_age": "300"})
    partners = write_rows(tmp_path / "partners.csv", [dict(partner_id="P9", name="Nouveau", sector="social",
                                                           commune="Namur", network="RSN", joined_on="2022-01-01")])
    report = import_paths([partners, sessions], populated)
    assert report.status == "refused" and not report.ok
    assert snapshot(populated) == before


def test_refused_import_does_not_create_the_database(tmp_path, db):
    import_paths([sessions_file(tmp_path, {"patient_age": "300"})], db)
    assert not db.exists()


def test_any_exception_rolls_back(populated, tmp_path, monkeypatch):
    before = snapshot(populated)
    merge = write.merge

    def failing(con, checked, counts, import_id):
        holds = merge(con, checked, counts, import_id)
        if checked.table == "sessions":
            raise RuntimeError("disk full")
        return holds

    monkeypatch.setattr(write, "merge", failing)
    partners = write_rows(tmp_path / "partners.csv", [dict(partner_id="P9", name="Nouveau", sector="social",
                                                           commune="Namur", network="RSN", joined_on="2022-01-01")])
    with pytest.raises(RuntimeError):
        import_paths([partners, sessions_file(tmp_path, {"session_id": "S100"})], populated)
    assert snapshot(populated) == before


def test_accept_valid_imports_the_valid_rows_and_reports_the_others(tmp_path, db):
    path = sessions_file(tmp_path, {}, {"patient_age": "300"}, {})
    report = import_paths([path], db, accept_valid=True)
    assert report.ok
    assert report.tables["sessions"].as_dict() == dict(read=3, inserted=2, updated=0, unchanged=0, rejected=1)
    assert messages(report) == [f"{path}:3: patient_age: âge hors limites (0 à 110 ans) (« 300 »)"]
    assert rows(db, "select session_id from sessions order by 1") == [("S1",), ("S3",)]
    _reconciles(report)


def test_second_import_of_the_same_export_changes_nothing(populated):
    before = snapshot(populated)
    report = import_paths([CLEAN], populated)
    assert report.ok
    assert all(c.inserted == 0 and c.updated == 0 and c.unchanged == c.read for c in report.tables.values())
    after = snapshot(populated)
    assert data_tables(after) == data_tables(before)
    _reconciles(report)
    # No per-row change record for an unchanged row (before: one per row, +31 % file size at 100,000
    # sessions); the import records which earlier import it re-states, so that one is not undone under it.
    changes = {t: h for t, h in after.items() if t.startswith("import_changes_")}
    assert changes == {t: h for t, h in before.items() if t.startswith("import_changes_")}
    [(summary,)] = rows(populated, "select summary from imports where import_id = 2")
    assert json.loads(summary)["holds"] == [1]


def test_an_import_re_stated_by_a_later_one_is_undone_only_after_it(populated, tmp_path):
    extra = tmp_path / "sessions.csv"
    extra.write_text((CLEAN / "sessions.csv").read_text(encoding="utf-8"), encoding="utf-8")
    assert import_paths([extra], populated).ok                     # import 2: every session unchanged
    with pytest.raises(UndoRefused, match="n° 2"):
        undo(1, populated)
    result = undo(2, populated)
    assert sum(result.deleted.values()) == sum(result.restored.values()) == 0
    undo(1, populated)
    assert rows(populated, "select count(*) from sessions") == [(0,)]


def test_changed_row_is_updated_new_row_inserted(populated, tmp_path):
    text = (CLEAN / "sessions.csv").read_text(encoding="utf-8").replace("S001,2022-01-12,RSN,PS01,premiere_ligne,"
                                                                         "individuel,cabinet,PA001,34",
                                                                         "S001,2022-01-12,RSN,PS01,premiere_ligne,"
                                                                         "individuel,cabinet,PA001,35")
    text += "S005,2024-06-11,RSN,PS01,soutien,individuel,cabinet,PA009,50,Namur,Namur,,,0,83,11,\n"
    (tmp_path / "sessions.csv").write_text(text, encoding="utf-8")
    report = import_paths([tmp_path / "sessions.csv"], populated)
    assert report.tables["sessions"].as_dict() == dict(read=5, inserted=1, updated=1, unchanged=3, rejected=0)
    assert rows(populated, "select patient_age from sessions where session_id = 'S001'") == [(35,)]
    _reconciles(report)


def test_a_missing_table_leaves_the_others_untouched(populated, tmp_path):
    before = snapshot(populated)
    report = import_paths([sessions_file(tmp_path, {"session_id": "S100"})], populated)
    assert set(report.tables) == {"sessions"}
    after = snapshot(populated)
    changed = {t for t in after if after[t] != before[t]}
    derived = {"stg_sessions", "stg_patient_starts", "stg_courses", "stg_fee_days", "stg_first_free_sessions",
               "stg_patient_lines", "stg_ceiling_counts", "stg_budget_days"}
    assert changed == {"sessions", "imports", "import_changes_sessions"} | derived  # the rows stored from sessions


def test_an_absent_optional_column_is_not_erased(populated, tmp_path):
    path = tmp_path / "partners.csv"
    path.write_text("partner_id,name,sector,commune,network,joined_on\n"
                    "P001,Maison médicale La Plante,maison_medicale,92094,RSN,2021-09-15\n", encoding="utf-8")
    report = import_paths([path], populated)
    assert report.tables["partners"].unchanged == 1
    assert rows(populated, "select membership, target_publics from partners where partner_id = 'P001'") == [
        ("effectif", "precarite")]


def test_every_import_is_logged_with_sources_and_summary(populated):
    [(sources, summary)] = rows(populated, "select sources, summary from imports")
    files = {s["file"].rsplit("/", 1)[-1] for s in json.loads(sources)}
    assert files == {p.name for p in CLEAN.iterdir()}
    assert all(len(s["sha256"]) == 64 for s in json.loads(sources))
    assert json.loads(summary)["tables"]["sessions"] == dict(read=4, inserted=4, updated=0, unchanged=0, rejected=0)


def test_dry_run_writes_nothing_but_counts(populated, tmp_path):
    before = snapshot(populated)
    report = import_paths([sessions_file(tmp_path, {"session_id": "S100"})], populated, dry_run=True)
    assert report.ok and report.tables["sessions"].inserted == 1
    assert snapshot(populated) == before


def test_import_into_an_open_connection(tmp_path):
    con = duckdb.connect(str(tmp_path / "built.duckdb"))
    report = import_into(con, [CLEAN])
    assert report.ok and report.import_id == 1
    assert con.sql("select count(*) from sessions").fetchall() == [(4,)]
    assert con.sql("select count(*) from ref_communes").fetchall() == [(38,)]
    con.close()


def _cli(*argv):
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--db")
    parser.add_argument("--accept-valid", action="store_true")
    return cli(parser.parse_args(list(argv)))


def test_cli_success_prints_the_counts(populated, tmp_path, capsys):
    path = sessions_file(tmp_path, {"session_id": "S100"}, {"session_id": "S001", "patient_commune": "Namur"})
    assert _cli(str(path), "--db", str(populated)) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["table", "lues", "insérées", "modifiées", "inchangées", "rejetées"]
    assert out[1].split() == ["sessions", "2", "1", "1", "0", "0"]
    assert out[-2:] == [f"Import terminé dans {populated}.", "Import n° 2 ; pour l'annuler : python -m psynam undo 2"]


def test_cli_refused_prints_every_rejected_row_and_warnings(populated, tmp_path, capsys):
    path = sessions_file(tmp_path, {"patient_age": "300"}, {"network": "RSK", "patient_age": "40"},
                         {"patient_commune": "Atlantis"})
    assert _cli(str(path), "--db", str(populated)) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[1].split() == ["sessions", "3", "1", "0", "0", "2"]   # what the valid row would do
    assert out[2:5] == [
        f"{path}:2: patient_age: âge hors limites (0 à 110 ans) (« 300 »)",
        f"{path}:4: patient_commune: commune inconnue (« Atlantis »)",
        f"{path}:3: patient_age: avertissement : âge hors du public du réseau RSK (moins de 23 ans) (« 40 »)"]
    assert out[-1].startswith("Import refusé : 2 erreur(s), 2 ligne(s) rejetée(s) ; rien n'a été écrit.")


def test_cli_accept_valid_returns_0(tmp_path, db, capsys):
    assert _cli(str(sessions_file(tmp_path, {}, {"patient_age": "300"})), "--db", str(db), "--accept-valid") == 0
    assert "1 ligne(s) rejetée(s) non importée(s)" in capsys.readouterr().out


def test_cli_unreadable_returns_2(tmp_path, db, capsys):
    assert _cli(str(tmp_path / "nowhere.csv"), "--db", str(db)) == 2
    out = capsys.readouterr().out
    assert "introuvable" in out and "Import impossible" in out
