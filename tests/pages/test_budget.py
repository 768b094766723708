"""AppTest of the Budget page on the tiny fixture (figures in tests/queries/expected.py BUDGET_2024) and on
the budget fixture (a full previous year: the seasonal projection; tests/queries/test_budget.py)."""

import json
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from streamlit import dataframe_util

from psynam import ROOT
from tests.fixtures.budget import budget_db  # noqa: F401  (pytest fixture)
from tests.pages.conftest import download, read_csv

PAGE = "pages/budget.py"


def open_budget(at, start: date, end: date, networks=()):
    at.date_input(key="periode").set_value((start, end)).run()
    if networks:
        at.multiselect(key="reseau").set_value(list(networks)).run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def chart_texts(at, key: str) -> set[str]:
    """Every text a chart writes on its traces (bar texts, marks of hidden cells)."""
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key))
    return {t for trace in json.loads(chart.proto.spec)["data"] for t in (trace.get("text") or []) if t}


def shown(table):
    """A table as the screen shows it: the formatted cells (`110,67 €`, `< 5`) psynam.blocks.table sends
    beside the values it keeps for sorting."""
    return dataframe_util.convert_arrow_bytes_to_pandas_df(table.proto.arrow_data.styler.display_values)


def test_budget_page_renders_the_2024_figures(app, downloads):
    at = open_budget(app, date(2024, 1, 1), date(2024, 12, 31))
    shown = metrics(at)
    # capped lines: RSN 332 + 180, RSK 249 + 120 = 881 € of 1 300 + 700 = 2 000 € -> 44.05 %
    assert shown["Dépensé à date"] == "881\u00a0€"
    assert shown["Enveloppe plafonnée"] == "2\u00a0000\u00a0€"
    assert shown["Consommé à date"] == "44,0\u00a0%"
    assert shown["Projection linéaire"] == "44,0\u00a0%"  # 31/12: the projection is the spending
    assert shown["Projection saisonnière"] == "—"  # 2023 is not a full year
    text = "\n".join(m.value for m in at.markdown)
    assert "Depuis le 01/06/2023" in text
    assert any("par réseau et par catégorie" in i.value for i in at.info)
    rows = read_csv(download(at, downloads, "budget_envelope_csv"))
    got = {(r["Année"], r["Réseau"], r["Catégorie"]): (r["Plafond"], r["Enveloppe"], r["Dépensé"], r["Consommation"])
           for r in rows}
    # 332 € = 4 sessions at 83 €, 180 € = 3 yearly fees at 60 €: amounts of few acts leave the screen hidden,
    # with the usage computed from them; envelopes are public
    assert got[("2024", "RSN", "Consultations individuelles")] == ("Plafonnée", "1000,00", "masqué", "masqué")
    assert got[("2024", "RSN", "Forfait administratif")] == ("Plafonnée", "300,00", "masqué", "masqué")
    # uncapped lines: spent only
    assert got[("2024", "RSK", "Séances de groupe")][:2] == ("Sans plafond", "")
    assert all(v in ("masqué", "< 5", "") or "," in v for row in got.values() for v in row[2:])


def test_network_filter_changes_the_figures(app):
    at = open_budget(app, date(2024, 1, 1), date(2024, 12, 31), networks=["RSK"])
    # RSK capped: 249 + 120 = 369 € of 700 € = 52.7 %
    assert metrics(at)["Dépensé à date"] == "369\u00a0€"
    assert metrics(at)["Consommé à date"] == "52,7\u00a0%"


def test_empty_period_gives_a_message(app):
    at = open_budget(app, date(2022, 1, 1), date(2022, 1, 31))
    assert any("Aucune séance" in i.value for i in at.info)
    assert not at.metric


def test_ignored_filters_are_named(app):
    app.multiselect(key="format").set_value(["groupe"]).run()
    at = open_budget(app, date(2024, 1, 1), date(2024, 12, 31))
    assert any("Filtres sans effet" in c.value and "Format" in c.value for c in at.caption)
    assert metrics(at)["Dépensé à date"] == "881\u00a0€"  # formats do not apply


def test_cost_download_hides_small_counts_and_their_costs(app, downloads):
    at = open_budget(app, date(2024, 1, 1), date(2024, 12, 31))
    rows = read_csv(download(at, downloads, "budget_cost_csv"))
    rsn = next(r for r in rows if r["Réseau"] == "RSN" and r["Catégorie"] == "Consultations individuelles")
    # 4 sessions, 3 patients: both under 5, so the costs derived from them are hidden, and the euros too
        # (332 € ÷ 83 € gives the 4 sessions back)
    assert rsn["Séances"] in ("< 5", "masqué") and rsn["Patients"] in ("< 5", "masqué") and rsn["Dépensé"] == "masqué"
    assert rsn["Coût par patient"] == "masqué" and rsn["Coût par séance"] == "masqué"
    # on the coordinator's screen, the table keeps the exact figures
    table = shown(at.dataframe[-1])
    assert "110,67\u00a0€" in table["Coût par patient"].to_list()


def test_projection_download_matches_the_table(app, downloads):
    at = open_budget(app, date(2024, 1, 1), date(2024, 6, 30))
    rows = read_csv(download(at, downloads, "budget_projection_csv"))
    ind = next(r for r in rows if r["Réseau"] == "RSN" and r["Catégorie"] == "Consultations individuelles")
    # 249 € = 3 sessions at 83 €: the download hides the amount and the projections made from it ...
    assert (ind["Dépensé à date"], ind["Projection linéaire"], ind["Projection linéaire (% de l'enveloppe)"]) == \
        ("masqué", "masqué", "masqué")
    assert ind["Signal (linéaire)"].startswith("sous 85")
    # ... which the coordinator's screen shows: 249 € to 30/06 over 182 days -> 500,74 € (50,1 % of 1 000 €)
    table = next(shown(t) for t in at.dataframe if "Projection linéaire" in shown(t).columns)
    line = table[(table["Réseau"] == "RSN") & (table["Catégorie"] == "Consultations individuelles")].iloc[0]
    assert (line["Dépensé à date"], line["Projection linéaire"]) == ("249\u00a0€", "501\u00a0€")
    cumulative = read_csv(download(at, downloads, "budget_cumulative_csv"))
    # the tiny fixture's months have few acts: every cumulative point from the first such month is hidden
    assert [r["Dépensé cumulé"] for r in cumulative if r["Réseau"] == "RSN"] == ["masqué"] * 6


@pytest.fixture
def budget_app(budget_db, monkeypatch, downloads):  # noqa: F811
    monkeypatch.setenv("PSYNAM_DB", str(budget_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception
    return at


def test_seasonal_projection_and_flags_with_a_full_previous_year(budget_app, downloads):
    at = open_budget(budget_app, date(2024, 1, 1), date(2024, 6, 30), networks=["RSN"])
    shown = metrics(at)
    # RSN capped to 30/06/2024: 660 € of 1 620 €; linear 81,9 %, seasonal 1 920 € = 118,5 %
    assert shown["Dépensé à date"] == "660\u00a0€"
    assert shown["Projection linéaire"] == "81,9\u00a0%"
    assert shown["Projection saisonnière"] == "118,5\u00a0%"
    assert any("dépassement" in w.value and "saisonnière" in w.value for w in at.warning)
    rows = read_csv(download(at, downloads, "budget_projection_csv"))
    total = next(r for r in rows if r["Catégorie"] == "Total des lignes plafonnées")
    assert (total["Projection saisonnière"], total["Projection saisonnière (% de l'enveloppe)"]) == ("1920,00", "118,5")


# ---- any period the picker allows (issue 11): after the data, before it, across a year end ------------------

def test_a_period_after_the_data_gives_a_message_not_an_error(budget_app):
    # budget fixture: the last session is on 25/12/2024; the 2024 envelopes exist, nothing is known after
    at = open_budget(budget_app, date(2024, 12, 26), date(2024, 12, 31))
    assert any("Les données s'arrêtent au 25/12/2024" in i.value for i in at.info)
    assert not at.metric and not at.get("plotly_chart")


def test_a_period_before_the_data_shows_nothing_spent(budget_app):
    at = open_budget(budget_app, date(2023, 1, 1), date(2023, 1, 5))
    assert metrics(at)["Dépensé à date"] == "0\u00a0€" and metrics(at)["Enveloppe plafonnée"] == "2\u00a0150\u00a0€"


def test_years_counted_in_part_are_marked_with_their_pro_rata_envelope(app, downloads):
    at = open_budget(app, date(2024, 11, 1), date(2025, 1, 31))
    assert any("Années comptées en partie : 2024 : 01/11–31/12 ; 2025 : 01/01–27/01" in c.value for c in at.caption)
    rows = read_csv(download(at, downloads, "budget_envelope_csv"))
    rsk = next(r for r in rows if (r["Année"], r["Réseau"], r["Catégorie"]) == ("2024", "RSK", "Consultations individuelles"))
    # 83 € spent (one session) in 61 of 366 days: 500 € for the year, 83,33 € pro rata; the amount of one act
    # and the usage computed from it leave the screen hidden, the envelopes are public
    assert (rsk["Jours comptés"], rsk["Nombre de jours comptés"], rsk["Dépensé"]) == ("01/11–31/12", "61", "masqué")
    assert (rsk["Enveloppe"], rsk["Enveloppe au prorata des jours comptés"], rsk["Consommation au prorata"]) == \
        ("500,00", "83,33", "masqué")
    # 2025 has no envelope row: no capped line, so no cards, no cumulative or projection chart, a sentence
    assert not at.metric and any("Aucune ligne plafonnée en 2025" in i.value for i in at.info)
    assert [s.value for s in at.subheader] == ["Enveloppe et dépensé 2025 : 01/01–27/01", "Forfait administratif par année",
                                               "Coût par séance et par patient, par catégorie"]


def test_public_mode_hides_small_counts_in_the_cost_table_and_chart(app):
    # switched on before opening the page: AppTest loses the sidebar of a page whose path is its file name
    # (app.py, streamlit#9992)
    app.toggle(key="public").set_value(True).run()
    at = open_budget(app, date(2024, 1, 1), date(2024, 12, 31))
    table = shown(at.dataframe[-1])
    assert {"< 5", "masqué"} & set(table["Séances"].to_list()) and "masqué" in table["Coût par patient"].to_list()
    assert "masqué" in chart_texts(at, "budget_cost")  # the hidden cost is written as its mark
    assert "masqué" in chart_texts(at, "budget_envelope")  # euros of few acts are hidden as counts are


@pytest.mark.parametrize("start, end, expected", [
    # a Sunday without session: to date 17/03, RSN S01 + S02 (166) + PA's fee (60); RSK nothing yet
    (date(2024, 3, 17), date(2024, 3, 17), {"Dépensé à date": "226\u00a0€"}),
    # mostly after the data: to date 01/01/2025 (S12), a year without envelope rows
    (date(2024, 12, 1), date(2026, 11, 30), "Aucune ligne plafonnée en 2025"),
    # before the year's data: the 2023 envelope (RSN individuel 900 €), nothing spent
    (date(2023, 1, 1), date(2023, 1, 31), {"Dépensé à date": "0\u00a0€", "Enveloppe plafonnée": "900\u00a0€"}),
])
def test_any_period_renders_figures_or_a_french_message(app, start, end, expected):
    at = open_budget(app, start, end)
    if isinstance(expected, dict):
        assert {k: metrics(at)[k] for k in expected} == expected
    else:
        assert any(expected in i.value for i in at.info) and not at.metric
    for element in list(at.info) + list(at.caption):
        assert "None" not in element.value and "nan" not in element.value


def test_budget_page_renders_for_a_period_after_the_data(budget_db, monkeypatch, downloads):  # noqa: F811
    """The budget fixture's data end on 25/12/2024 and its budget covers 2024: 26-31/12/2024 is after the
    data but inside a budget year, so there is no line to project (issue 11: the page raised `cannot
    compare string with numeric type`, as the sample does for 01/11/2026-30/11/2026)."""
    monkeypatch.setenv("PSYNAM_DB", str(budget_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["periode"] = ["2024-12-26", "2024-12-31"]
    at.run()
    at.switch_page(PAGE).run()
    assert not at.exception, at.exception
    assert at.title and "Dépensé à date" not in metrics(at)  # nothing spent to date in the period: no cards
