"""AppTest of the Plafonds par patient page on the budget fixture, where patients reach and pass their
ceiling (hand computation in tests/queries/test_rules.py): 2024, RSN A 6 and R3 9 sessions (ceiling 8),
RSK K1 10 and K2 11 (ceiling 10), K4 20 specialised (max 20)."""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from psynam import ROOT
from tests.fixtures.budget import budget_db  # noqa: F401  (pytest fixture)
from tests.pages.conftest import download, read_csv
from tests.pages.test_budget import chart_texts, shown

PAGE = "pages/rules.py"


@pytest.fixture
def budget_app(budget_db, monkeypatch, downloads):  # noqa: F811
    monkeypatch.setenv("PSYNAM_DB", str(budget_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def open_rules(at, start: date, end: date, networks=()):
    at.date_input(key="periode").set_value((start, end)).run()
    if networks:
        at.multiselect(key="reseau").set_value(list(networks)).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_counts_of_patients_at_and_over_the_ceiling(budget_app):
    at = open_rules(budget_app, date(2024, 1, 1), date(2024, 12, 31))
    assert metrics(at) == {"Patients contrôlés": "5", "Patients au plafond": "2", "Patients au-delà du plafond": "2"}
    text = " ".join(i.value for i in at.info)
    assert "séances de groupe ne portent pas d'identifiant" in text
    assert any("maximum de 20" in m.value for m in at.markdown)


def test_network_filter_changes_the_counts(budget_app):
    at = open_rules(budget_app, date(2024, 1, 1), date(2024, 12, 31), networks=["RSN"])
    assert metrics(at) == {"Patients contrôlés": "2", "Patients au plafond": "0", "Patients au-delà du plafond": "1"}


def test_year_selector_switches_the_year(budget_app):
    at = open_rules(budget_app, date(2023, 7, 1), date(2024, 12, 31))
    assert at.selectbox(key="rules_year").value == 2024
    at.selectbox(key="rules_year").set_value(2023).run()
    # 2023: RSN A 12 sessions (over 8), B 6
    assert metrics(at) == {"Patients contrôlés": "2", "Patients au plafond": "0", "Patients au-delà du plafond": "1"}


def test_downloads_hold_suppressed_counts_never_ids(budget_app, downloads):
    at = open_rules(budget_app, date(2024, 1, 1), date(2024, 12, 31))
    rows = read_csv(download(at, downloads, "rules_counts_csv"))
    assert list(rows[0]) == ["Réseau", "Niveau (2021)", "Format", "Groupe d'âge", "Maximum", "Moyenne de la convention",
                             "Patients contrôlés", "Au plafond", "Au-delà du plafond", "Séances par patient (moyenne)"]
    assert len(rows) == 3
    for row in rows:  # every count is 1 or 2: hidden, and the mean derived from it too
        assert row["Patients contrôlés"] == "< 5"
        assert row["Au plafond"] in ("< 5", "masqué", "0") and row["Au-delà du plafond"] in ("< 5", "masqué", "0")
        assert row["Séances par patient (moyenne)"] == "masqué"
    # 2024 mixes the 2021 codes (to 31/03) and the 2024 ones: the level says what the check groups
    specialised = next(r for r in rows if r["Niveau (2021)"] == "Spécialisé (codage 2021, traitement)")
    assert {r["Niveau (2021)"] for r in rows} == {"Première ligne (codage 2021, soutien, communautaire)",
                                                  "Spécialisé (codage 2021, traitement)"}
    assert (specialised["Maximum"], specialised["Moyenne de la convention"]) == ("20", "10")
    histogram = read_csv(download(at, downloads, "rules_histogram_csv"))
    assert {r["Séances par patient dans l'année"] for r in histogram} == {"6", "9", "10", "11", "20"}
    assert {r["Patients"] for r in histogram} <= {"< 5", "masqué"}
    raw = download(at, downloads, "rules_histogram_csv").decode("utf-8")
    for patient_id in ("K1", "K2", "K4", "R3"):
        assert f";{patient_id};" not in raw
    # on the coordinator's screen the table keeps the exact counts
    table = shown(at.dataframe[0])
    assert sorted(table["Au-delà du plafond"].to_list()) == ["0", "1", "1"]


def test_public_mode_hides_small_counts_on_screen(budget_app):
    at = open_rules(budget_app, date(2024, 1, 1), date(2024, 12, 31))
    at.toggle(key="public").set_value(True).run()
    assert metrics(at)["Patients au plafond"] == "< 5"
    assert set(shown(at.dataframe[0])["Patients contrôlés"]) == {"< 5"}


def test_empty_period_gives_a_message(app):
    at = open_rules(app, date(2022, 1, 1), date(2022, 1, 31))
    assert any("Aucune séance" in i.value for i in at.info)
    assert not at.metric


def test_tiny_fixture_renders(app):
    at = open_rules(app, date(2024, 1, 1), date(2024, 12, 31))
    assert metrics(at)["Patients au-delà du plafond"] == "0"


def test_public_mode_marks_hidden_bars(budget_app):
    at = open_rules(budget_app, date(2024, 1, 1), date(2024, 12, 31))
    at.toggle(key="public").set_value(True).run()
    assert "< 5" in chart_texts(at, "rules_counts")  # the bars vanished here before: now each says it is hidden
