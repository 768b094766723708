"""AppTest of the Universalisme and Vie du réseau pages on the tiny fixture database (figures worked out in
tests/queries/expected.py)."""

from datetime import date

from tests.conftest import each_tab
from tests.pages.conftest import download, read_csv

Y2024 = (date(2024, 1, 1), date(2024, 12, 31))


def open_page(at, page):
    at.switch_page(page).run()
    at.date_input(key="periode").set_value(Y2024).run()
    assert not at.exception
    return at


def test_universalism_page(app):
    open_page(app, "pages/universalism.py")
    assert app.title[0].value == "Universalisme"
    assert [t.label for t in app.tabs] == ["Accès financier", "Parcours", "Offre de psychologues", "Quotes-parts"]
    shown, charts, per_tab = {}, 0, {}
    for tab in each_tab(app, "access"):  # only the open tab runs: its cards and charts alone are drawn
        assert not app.exception
        per_tab[tab] = {m.label: m.value for m in app.metric}
        shown |= per_tab[tab]
        charts += len(app.get("plotly_chart"))
        if tab == "Quotes-parts":
            assert any("séances contrôlées" in m.value for m in app.markdown)
    assert "Nouveaux patients" not in per_tab["Accès financier"] and "Patients BIM" not in per_tab["Parcours"]
    assert shown["Patients BIM"] == "1"
    assert shown["Part des patients BIM"] == "20,0\u00a0%"
    assert shown["Nouveaux patients"] == "4"
    assert shown["Délai médian entre 1re et 2e séance (jours)"] == "111,0"
    assert charts >= 8


def test_network_page_and_its_meetings_export(app, downloads):
    open_page(app, "pages/network.py")
    assert app.title[0].value == "Vie du réseau"
    shown = {m.label: m.value for m in app.metric}
    assert shown["Activités"] == "3"
    assert shown["Participants"] == "23"
    assert shown["Partenaires jamais vus"] == "4"
    rows = read_csv(download(app, downloads, "network_meetings_csv"))
    assert len(rows) == 3
    assert "Identifiant" not in rows[0] and "Type d'activité" in rows[0]
