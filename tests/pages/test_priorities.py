"""AppTest of the priorities page (Aînés et petite enfance) on the tiny fixture database, and on a fixture
where every figure rests on five people or more (tests/fixtures/priorities). The figures are worked out in
tests/queries/test_priorities.py."""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from psynam import ROOT, db
from tests import conftest
from tests.conftest import FIXTURES, each_tab
from tests.pages.conftest import download, read_csv

PAGE = "pages/priorities.py"
Y2024 = (date(2024, 1, 1), date(2024, 12, 31))
FEW = "Certains chiffres reposent sur moins de 5 personnes"


def metrics(at) -> dict[str, str]:
    """The cards of both tabs (each tab runs only when open)."""
    shown = {}
    for _tab in each_tab(at, "priorities"):
        shown |= {m.label: m.value for m in at.metric}
    return shown


def open_page(at, period=Y2024):
    at.switch_page(PAGE).run()
    at.date_input(key="periode").set_value(period).run()
    assert not at.exception
    return at


def captions(at) -> list[str]:
    return [c.value for _tab in each_tab(at, "priorities") for c in at.caption]


def open_tab(at, label: str):
    conftest.open_tab(at, "priorities", label)
    assert not at.exception


def test_page_shows_the_definitions_figures(app):
    open_page(app)
    assert app.title[0].value == "Aînés et petite enfance"
    assert [t.label for t in app.tabs] == ["Aînés (65 ans et plus)", "Petite enfance (0 à 2 ans)"]
    shown = metrics(app)
    assert shown["Part des patients de 65 ans et plus"] == "20,0\u00a0%"
    assert shown["Part des séances aînés"] == "50,0\u00a0%"
    assert shown["65 ans et plus dans la population"] == "18,9\u00a0%"
    assert shown["Patients pour 1 000 aînés"] == "0,01"  # 1 / 93 751 x 1000
    assert shown["Maisons de repos inscrites"] == "1"
    assert shown["Séances en maison de repos"] == "1"
    assert shown["Groupes « aînés »"] == "1 (8)"
    assert shown["Clairvisions « aînés »"] == "1 (20)"
    assert shown["Part des patients de 0 à 2 ans"] == "20,0\u00a0%"
    assert shown["Part des séances petite enfance"] == "40,0\u00a0%"
    assert shown["0 à 2 ans dans la population"] == "2,9\u00a0%"
    assert shown["Patients pour 1 000 enfants (0–2 ans)"] == "0,07"  # 1 / 14 550 x 1000
    assert shown["Séances en structure petite enfance"] == "1"
    assert shown["Clairvisions en crèche, ONE, maternité"] == "1"
    assert shown["Groupes « périnatalité / petite enfance »"] == "1 (6)"
    # the share is read against the population share, in plain words
    open_tab(app, "Aînés (65 ans et plus)")
    assert any("18,9" in m.value and "20,0" in m.value for m in app.markdown)
    # three charts per priority, each with its definition line; only the open tab's are drawn
    assert len(app.get("plotly_chart")) == 3
    assert not any(m.label.startswith("Part des patients de 0") for m in app.metric)
    open_tab(app, "Petite enfance (0 à 2 ans)")
    assert len(app.get("plotly_chart")) == 3


def test_a_filter_changes_the_figures(app):
    open_page(app)
    app.multiselect(key="commune").set_value(["93056"]).run()
    assert not app.exception
    shown = metrics(app)
    # Philippeville: S05, S06, S10 are all early-childhood sessions; PC of 247 children aged 0-2
    assert shown["Part des séances petite enfance"] == "100,0\u00a0%"
    assert shown["Patients pour 1 000 enfants (0–2 ans)"] == "4,05"
    assert shown["0 à 2 ans dans la population"] == "2,7\u00a0%"


def test_few_people_sentence_when_a_figure_rests_on_fewer_than_five(app):
    open_page(app)
    assert sum(FEW in c for c in captions(app)) >= 4  # figures of 1 and 2 people everywhere in tiny


def test_empty_period_shows_a_message(app):
    open_page(app, (date(2022, 1, 1), date(2022, 1, 31)))
    assert any("Aucune séance" in i.value for i in app.info)
    assert not app.metric and not app.get("plotly_chart")


def test_downloads_are_suppressed(app, downloads):
    open_page(app)
    open_tab(app, "Petite enfance (0 à 2 ans)")
    reach = {r["Regroupement"] + "/" + r["Territoire"]: r
             for r in read_csv(download(app, downloads, "priorities_petite_enfance_reach_csv"))}
    # one column of residents: the row's group says which rows sum others (the rule knows it from the
    # declared parent rows), and only this priority's columns
    residents = "Patients de 0 à 2 ans (résidents)"
    assert list(next(iter(reach.values()))) == [
        "Regroupement", "Territoire", residents, "Enfants de 0 à 2 ans (population)",
        "Patients pour 1 000 enfants (0–2 ans)"]
    philippeville = reach["Sud/Philippeville"]
    assert philippeville[residents] == "< 5"
    assert philippeville["Patients pour 1 000 enfants (0–2 ans)"] == "masqué"
    assert philippeville["Enfants de 0 à 2 ans (population)"] == "1837"  # population is public
    assert reach["Sud/Dinant"][residents] == "0"
    assert reach["Zones/Sud"][residents] == "< 5"
    assert reach["Zones/Sélection entière"][residents] == "< 5"
    open_tab(app, "Aînés (65 ans et plus)")
    trend = read_csv(download(app, downloads, "priorities_aines_trend_csv"))
    assert [r["Trimestre"] for r in trend] == ["T1 2024", "T2 2024", "T3 2024", "T4 2024"]
    assert {r["Séances aînés"] for r in trend} <= {"< 5", "masqué", "0"}
    assert all(r["Toutes les séances"] in ("< 5", "masqué") for r in trend)
    partners = read_csv(download(app, downloads, "priorities_aines_partners_csv"))
    assert [(p["Partenaire"], p["Séances chez le partenaire"]) for p in partners] == [("MR Les Tilleuls", "< 5")]


def test_public_mode_hides_small_figures_on_screen(app):
    open_page(app)
    app.toggle(key="public").set_value(True).run()
    shown = metrics(app)
    assert shown["Part des patients de 65 ans et plus"] == "masqué"  # 1 patient of 5
    assert shown["Part des séances aînés"] == "50,0\u00a0%"  # 5 sessions: enough
    assert shown["Séances en maison de repos"] == "< 5"
    # the one group session is hidden by the rule; its 8 participants are no small count
    assert shown["Groupes « aînés »"] == "< 5 (8)"
    assert shown["Maisons de repos inscrites"] == "1"  # organisations, not people
    assert any(FEW in c for c in captions(app))


@pytest.fixture
def enough_app(tmp_path, monkeypatch):
    """Five elderly patients in Namur, nothing else: every count on the page is 0 or 5."""
    path = tmp_path / "enough.duckdb"
    con = db.connect(path)
    db.init_schema(con)
    con.execute("insert into sessions by name select * from read_csv($path, header = true, all_varchar = true)",
                {"path": str(FIXTURES / "priorities" / "sessions.csv")})
    db.refresh_derived(con)
    con.close()
    monkeypatch.setenv("PSYNAM_DB", str(path))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    return at


def test_no_few_people_sentence_when_every_figure_rests_on_five_or_more(enough_app):
    open_page(enough_app)
    shown = metrics(enough_app)
    assert shown["Part des patients de 65 ans et plus"] == "100,0\u00a0%"
    assert not any(FEW in c for c in captions(enough_app))
    # no nursing-home or early-childhood partner: a plain message instead of an empty chart
    assert any("Aucun partenaire" in i.value for i in enough_app.info)
