"""AppTest of the south page on the tiny fixture (2024): it renders, the indicator choice recolours the
map, a click on a commune focuses the page on it, an empty period gives a message, downloads and the
public mode are suppressed, and the boundaries file is used (or reported) when configured."""

import json
from datetime import date

import pytest
from streamlit.proto.WidgetStates_pb2 import WidgetState

from psynam import ROOT, geo
from tests.pages.conftest import download, read_csv

SHARED_GEOJSON = ROOT.parent / "shared" / "reference" / "namur_communes.geojson"


@pytest.fixture
def south(app, monkeypatch):
    monkeypatch.delenv(geo.BOUNDARIES_ENV, raising=False)
    app.date_input(key="periode").set_value((date(2024, 1, 1), date(2024, 12, 31))).run()
    app.switch_page("pages/south.py").run()
    assert not app.exception
    return app


def chart(at, key: str):
    return next(c for c in at.get("plotly_chart") if c.proto.id.endswith(key))


def map_values(at) -> list:
    """The colour values of the map's main layer (the choropleth, or the tiles' heatmap, with the colour bar)."""
    spec = json.loads(chart(at, "south_map").proto.spec)
    main = next((t for t in spec["data"] if t["type"] in ("heatmap", "choropleth") and t.get("showscale") is not False
                and "colorbar" in t), None)
    if main is None:  # every value hidden: the boundary map has no coloured layer at all
        return []
    if main["type"] == "choropleth":
        return [v for v in main["z"] if v is not None]
    return [v for line in main["z"] for v in line if v is not None]


def test_the_real_province_is_the_default_map_and_tiles_an_option(south):
    spec = json.loads(chart(south, "south_map").proto.spec)
    assert {t["type"] for t in spec["data"]} >= {"choropleth", "scattergeo"}
    assert any(a.get("text") == "© Statbel" for a in spec["layout"]["annotations"])
    names = next(t for t in spec["data"] if t["type"] == "scattergeo" and t.get("mode") == "text")
    assert len(names["text"]) == 38
    south.segmented_control(key="south_layout").set_value("tuiles").run()
    assert any(t["type"] == "heatmap" for t in json.loads(chart(south, "south_map").proto.spec)["data"])


def test_the_focused_commune_is_kept_in_the_link(south, app):
    click(south, "south_map", "91034")
    assert south.query_params.get("south_commune") in (["91034"], "91034")
    south.button(key="south_reset").click().run()
    assert "south_commune" not in south.query_params


def click(at, key: str, nis: str):
    """What the browser sends when a commune is clicked: the chart's selection state."""
    states = at._tree.get_widget_states()
    selection = {"selection": {"points": [{"curve_number": 0, "point_index": 0, "customdata": [nis]}],
                               "point_indices": [0], "box": [], "lasso": []}}
    states.widgets.append(WidgetState(id=chart(at, key).proto.id, string_value=json.dumps(selection)))
    at._run(states)
    assert not at.exception


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def test_page_renders_every_block(south):
    titles = [s.value for s in south.subheader]
    assert titles[0].startswith("Carte des communes")
    for title in ("Part du sud dans les séances, par mois", "Où l'on soigne et où vivent les patients",
                  "Plus grandes lacunes de couverture", "Communes sans offre"):
        assert title in titles
    assert any(title.startswith("Nord et sud") for title in titles)
    # PD (Liège) and S07 are shown apart, under the map
    assert any("Hors province : 1 patient(s)" in m.value and "1 séance(s)" in m.value for m in south.markdown)


def test_indicator_choice_recolours_the_map(south):
    reach = sorted(map_values(south))
    # patients per 1 000: 1 patient in Namur, Andenne, Dinant, Philippeville, none elsewhere
    assert reach[-1] == pytest.approx(1 / 9_201 * 1000) and reach.count(0) == 34
    south.segmented_control(key="south_indicator").set_value("offer").run()
    offer = sorted(map_values(south))
    assert offer[-1] == pytest.approx(3 / 9_201 * 10_000)  # Philippeville: S05, S06, S10
    assert offer != reach
    south.segmented_control(key="south_indicator").set_value("coverage").run()
    assert max(map_values(south)) == pytest.approx(495_832 / (4 * 9_201))
    assert any("Indice de couverture" in s.value for s in south.subheader)


def test_clicking_a_commune_focuses_the_page_and_reset_clears_it(south):
    click(south, "south_map", "91034")
    assert any(s.value == "Commune sélectionnée : Dinant (Dinant)" for s in south.subheader)
    shown = metrics(south)
    assert shown["Patients résidents"] == "1" and shown["Partenaires actifs"] == "2"
    assert shown["Indice de couverture"] == "9,27"
    assert any(s.value.startswith("La commune mois par mois — Dinant") for s in south.subheader)
    south.button(key="south_reset").click().run()
    assert not any(s.value.startswith("Commune sélectionnée") for s in south.subheader)
    # a bar of the gaps chart focuses too (Gembloux, coverage index 0, is among the gaps)
    click(south, "south_coverage_gaps", "92142")
    assert any(s.value == "Commune sélectionnée : Gembloux (Namur)" for s in south.subheader)


def test_empty_period_shows_a_message(app):
    app.date_input(key="periode").set_value((date(2022, 1, 1), date(2022, 1, 31))).run()
    app.switch_page("pages/south.py").run()
    assert not app.exception
    assert any("Aucune séance" in i.value for i in app.info)
    assert not app.get("plotly_chart")


def test_map_download_is_suppressed(south, downloads):
    rows = {r["Code INS"]: r for r in read_csv(download(south, downloads, "south_map_csv"))}
    assert len(rows) == 38
    dinant = rows["91034"]
    # the tiny fixture's five patients, each alone in its arrondissement beside published zeros, would
    # be given back by the arrondissements' totals: that part of the table is not published at all
    assert dinant["Patients résidents"] == "masqué" and dinant["Patients pour 1 000 habitants"] == "masqué"
    assert dinant["Indice de couverture"] == "masqué" and dinant["Séances dans la commune"] in ("< 5", "masqué")
    assert rows["92142"]["Patients résidents"] == "masqué"  # zeros too: no mark says which cells are small
    assert dinant["Population"] == "13374" and dinant["Partenaires actifs"] == "2"
    share = read_csv(download(south, downloads, "south_share_by_month_csv"))
    assert {r["Séances dans le sud"] for r in share} <= {"< 5", "masqué", "0"}


def test_public_mode_colours_the_map_from_the_suppressed_figures(south):
    assert any(v > 0 for v in map_values(south))
    south.toggle(key="public").set_value(True).run()
    assert not south.exception
    # every patient count is 1 and the arrondissements' totals would give them back: no reach is published
    assert set(map_values(south)) <= {0}


def test_public_mode_shows_marks_in_the_focus_panel_and_the_notes(south):
    south.toggle(key="public").set_value(True).run()
    # PD (Liège) and S07: one patient, one session outside the province, both small
    assert any("Hors province : < 5 patient(s)" in m.value and "< 5 séance(s)" in m.value for m in south.markdown)
    click(south, "south_map", "91034")
    shown = metrics(south)
    assert shown["Patients résidents"] in ("< 5", "masqué") and shown["Patients pour 1 000 habitants"] == "masqué"
    # read against the province's 4 patients, hidden too; population and partners are no counts of people
    assert shown["Indice de couverture"] == "masqué"
    assert shown["Population"] == "13\u00a0374" and shown["Partenaires actifs"] == "2"
    assert any("Valeur masquée" in (t.get("name") or "")
               for t in json.loads(chart(south, "south_map").proto.spec)["data"])


def test_every_commune_chart_downloads_the_cells_the_map_hides(south, downloads):
    south.toggle(key="public").set_value(True).run()
    whole = {r["Code INS"]: r for r in read_csv(download(south, downloads, "south_map_csv"))}
    for key in ("south_offer_vs_reach_csv", "south_coverage_gaps_csv", "south_without_offer_csv"):
        rows = read_csv(download(south, downloads, key))
        assert rows, key
        for row in rows:
            assert all(row[h] == whole[row["Code INS"]][h] for h in row if h in whole[row["Code INS"]]), (key, row)
    gaps = read_csv(download(south, downloads, "south_coverage_gaps_csv"))
    assert [r["Commune"] for r in gaps][:2] == ["Sambreville", "Gembloux"]  # the view's order, lowest first
    assert {r["Patients manquants"] for r in gaps} == {"masqué"}  # each gives the province's 4 patients back


@pytest.mark.skipif(not SHARED_GEOJSON.is_file(), reason=f"shared boundaries file absent: {SHARED_GEOJSON}")
def test_boundaries_file_draws_the_real_communes(south, monkeypatch):
    monkeypatch.setenv(geo.BOUNDARIES_ENV, str(SHARED_GEOJSON))
    south.run()
    spec = json.loads(chart(south, "south_map").proto.spec)
    assert {t["type"] for t in spec["data"]} >= {"choropleth", "scattergeo"}
    assert any(a.get("text") == "© Statbel" for a in spec["layout"]["annotations"])
    assert any("© Statbel" in c.value for c in south.caption)


def test_invalid_boundaries_file_warns_and_falls_back(south, monkeypatch, tmp_path):
    broken = tmp_path / "broken.geojson"
    broken.write_text("nope", encoding="utf-8")
    monkeypatch.setenv(geo.BOUNDARIES_ENV, str(broken))
    south.run()
    assert any("illisible" in w.value for w in south.warning)
    assert map_values(south)  # the tiles
