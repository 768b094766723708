"""Presentation mode (?present=1): slides, no page navigation, suppressed figures, arrows move."""

import pytest
from streamlit.testing.v1 import AppTest

from psynam import ROOT


@pytest.fixture
def slides(tiny_db, monkeypatch):
    monkeypatch.setenv("PSYNAM_DB", str(tiny_db))

    def open_at(**params):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
        for key, value in {"present": "1", "periode": ["2024-01-01", "2024-12-31"], **params}.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception
        return at
    return open_at


def test_first_slide_shows_the_key_figures_suppressed(slides):
    at = slides()
    shown = {m.label: m.value for m in at.metric}
    assert shown["Séances"] == "10"                 # tests/queries/expected.py
    assert shown["Psychologues actifs"] == "< 5"     # 4: a small count, always hidden here
    assert shown["Part du sud dans les séances"] == "masqué"  # 5 of 9: the north's 4 would follow
    assert not at.sidebar.multiselect  # no filter bar: the link's filters rule
    footer = " ".join(m.value for m in at.markdown)
    assert "Du 01/01/2024 au 31/12/2024" in footer and "Données jusqu'au" in footer


def test_arrow_buttons_move_between_slides(slides):
    at = slides()
    nxt = at.button(key="present_next")
    assert nxt.proto.shortcut == "right" and at.button(key="present_prev").proto.shortcut == "left"  # arrow keys
    nxt.click().run()
    assert not at.exception
    assert at.query_params["diapo"] in ("2", ["2"])
    assert any("Partenaires" in h.value for h in at.header)
    assert at.get("plotly_chart")


def test_a_chart_slide_has_its_findings_and_the_network(slides):
    at = slides(diapo="3", reseau="RSN")
    assert any("Le sud de la province" in h.value for h in at.header)
    footer = " ".join(m.value for m in at.markdown)
    assert "RSN (adultes)" in footer


def test_the_exit_link_keeps_the_period_network_and_comparison(slides):
    at = slides(reseau="RSN (adultes)", comparaison="Un an avant")
    exit_link = next(b for b in at.get("link_button") if "close" in str(b.proto.icon))
    url = exit_link.proto.url
    assert "present" not in url
    assert "periode=2024-01-01&periode=2024-12-31" in url and "reseau=RSN+%28adultes%29" in url
    assert "comparaison=Un+an+avant" in url


def test_the_meeting_slides_follow_the_report(slides):
    """The map, the monthly trend since the programme (01/09/2021 and 01/04/2024 marked) and the ceilings."""
    import json

    last = slides()
    total = int(next(c.value for c in last.caption if "Diapositive" in c.value).split("/")[1].split("·")[0])
    seen = {}
    for n in range(total - 2, total + 1):
        at = slides(diapo=str(n))
        spec = json.loads(at.get("plotly_chart")[0].proto.spec)
        seen[n] = (at.header[0].value, {t["type"] for t in spec["data"]},
                   [a.get("text", "") for a in spec["layout"].get("annotations", [])])
    titles = [v[0] for v in seen.values()]
    assert titles[0].startswith("Le sud de la province") and "choropleth" in seen[total - 2][1]
    assert titles[1].startswith("Vue d'ensemble")
    marks = " ".join(seen[total - 1][2])
    assert "01/09/2021" in marks and "01/04/2024" in marks
    assert titles[2].startswith("Plafonds par patient")
