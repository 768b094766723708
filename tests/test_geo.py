"""The map geometry: the tile layout computed from the reference centroids, the optional boundaries file
($PSYNAM_BOUNDARIES) with its fallback to tiles, and the map builders on both."""

import json

import plotly.graph_objects as go
import polars as pl
import pytest

from psynam import ROOT, geo, reference
from psynam.charts import maps
from psynam.privacy import Published

SHARED_GEOJSON = ROOT.parent / "shared" / "reference" / "namur_communes.geojson"
needs_geojson = pytest.mark.skipif(not SHARED_GEOJSON.is_file(),
                                   reason=f"shared boundaries file absent: {SHARED_GEOJSON}")


@pytest.fixture(scope="module")
def communes():
    return reference.communes()


def sample_frame(communes, value=1.0):
    n = communes.height
    return communes.select("nis", "name_fr", "arrondissement").with_columns(
        population=pl.lit(1000), patients=pl.lit(10), sessions=pl.lit(20), active_partners=pl.lit(1),
        reach_per_1000=pl.Series([value * (i + 1) for i in range(n)]),
        offer_per_10000=pl.Series([2.0 * (i + 1) for i in range(n)]),
        coverage_index=pl.Series([i / n * 2 for i in range(n)]),
        partners_per_10000=pl.lit(3.0))


# ---- tiles -------------------------------------------------------------------------------------------

def test_one_distinct_tile_per_commune(communes):
    layout = geo.tile_layout(communes)
    assert layout.height == 38 and set(layout["nis"]) == set(communes["nis"])
    cells = list(zip(layout["col"], layout["row"]))
    assert len(set(cells)) == 38, "two communes on one tile"
    assert min(layout["col"]) == 0 and min(layout["row"]) == 0


def test_layout_is_deterministic_and_independent_of_row_order(communes):
    first = geo.tile_layout(communes)
    assert geo.tile_layout(communes).equals(first)
    assert geo.tile_layout(communes.reverse()).equals(first)


def test_layout_keeps_the_geography(communes):
    placed = communes.join(geo.tile_layout(communes), on="nis")
    rows = dict(zip(placed["name_fr"], placed["row"]))
    cols = dict(zip(placed["name_fr"], placed["col"]))
    assert rows["Gembloux"] > rows["Namur"] > rows["Dinant"] > rows["Gedinne"] > rows["Vresse-sur-Semois"]
    assert cols["Couvin"] < cols["Dinant"] < cols["Rochefort"]
    # the north (arrondissement of Namur) lies above the south on average
    mean = placed.group_by("south").agg(pl.col("row").mean()).sort("south")["row"].to_list()
    assert mean[0] > mean[1]


def test_arrondissements_get_outlined(communes):
    borders = geo.tile_borders(geo.tiles(communes))
    assert borders and all(len(edge) == 4 for edge in borders)


def test_short_names_fit_a_tile():
    assert geo.short_name("Namur") == "Namur"
    assert geo.short_name("Jemeppe-sur-Sambre") == "Jemeppe<br>s/ Sambre"
    assert geo.short_name("Philippeville") == "Philippe-<br>ville"
    assert geo.short_name("Somme-Leuze") == "Somme-<br>Leuze"
    assert geo.short_name("Cerfontaine") == "Cerfon-<br>taine"  # between two consonants, nearest the middle
    # nine characters a line: what a tile of a half-page image (A4) holds at the map's font size
    assert all(len(part) <= 9 for name in reference.communes()["name_fr"]
               for part in geo.short_name(name).split("<br>"))


def test_tile_map_colours_follow_the_indicator(communes):
    frame = sample_frame(communes)
    reach = maps.tile_map(frame, communes, "reach")
    offer = maps.tile_map(frame, communes, "offer")
    values = lambda fig: sorted(v for t in fig.data if isinstance(t, go.Heatmap) and t.showscale is not False  # noqa: E731
                                for line in t.z for v in line if v is not None)
    assert values(reach) == sorted(frame["reach_per_1000"].to_list())
    assert values(offer) == sorted(frame["offer_per_10000"].to_list())
    coverage = maps.tile_map(frame, communes, "coverage")
    bar = next(t for t in coverage.data if isinstance(t, go.Heatmap) and t.showscale is not False)
    assert (bar.zmin, bar.zmax) == (0.0, 2.0)  # diverging, centred on 1.0
    # every commune is clickable and hoverable with its NIS code, name and arrondissement
    points = next(t for t in reach.data if isinstance(t, go.Scatter) and t.customdata is not None)
    assert sorted(c[0] for c in points.customdata) == sorted(communes["nis"])
    assert "Arrondissement" in points.hovertemplate
    # one outline per arrondissement, named in the legend
    assert {t.name for t in reach.data if isinstance(t, go.Scatter) and t.mode == "lines"} == {
        "Namur", "Dinant", "Philippeville"}


def test_each_tile_name_is_written_once_in_ink_that_reads_on_its_fill(communes):
    frame = sample_frame(communes)  # reach 1, 2, ... 38 by NIS order
    fig = maps.tile_map(frame, communes, "reach")
    names = [t for t in fig.data if isinstance(t, go.Scatter) and t.mode == "text"]
    assert len(names) == 1 and sorted(names[0].text) == sorted(geo.tiles(communes)["short_name"])
    assert not any(t.texttemplate for t in fig.data if isinstance(t, go.Heatmap))  # no name under another
    ink = dict(zip(geo.tiles(communes)["nis"], names[0].textfont.color))
    ordered = sorted(communes["nis"])
    assert ink[ordered[-1]] == "#ffffff" and ink[ordered[0]] == "#343a40"  # darkest fill, palest fill


def test_tile_map_fades_outside_the_selection_and_marks_the_focus(communes):
    frame = sample_frame(communes)
    south = set(communes.filter(pl.col("south"))["nis"])
    fig = maps.tile_map(frame, communes, "reach", selected=south, focus="91034")
    faded = [t for t in fig.data if isinstance(t, go.Heatmap) and t.opacity == maps.FADED]
    assert len(faded) == 1
    assert sum(v is not None for line in faded[0].z for v in line) == 38 - len(south)
    assert len(fig.layout.shapes) == 1  # the focused tile's outline


def hidden_reach(frame, hidden: set[str]) -> Published:
    """The frame as published with the reach of `hidden` communes suppressed (null, marked `masqué`)."""
    marks = ["masqué" if n in hidden else None for n in frame["nis"]]
    nulled = frame.with_columns(reach_per_1000=pl.when(pl.col("nis").is_in(list(hidden))).then(None)
                                .otherwise(pl.col("reach_per_1000")))
    return Published(nulled, {"reach_per_1000": marks})


def test_hidden_values_get_their_own_fill_mark_and_legend(communes):
    frame = sample_frame(communes)
    hidden = {"91034", "93056"}
    fig = maps.tile_map(hidden_reach(frame, hidden), communes, "reach")
    points = next(t for t in fig.data if isinstance(t, go.Scatter) and t.customdata is not None)
    shown = {c[0]: c[3] for c in points.customdata}
    assert shown["91034"] == shown["93056"] == "masqué" and shown["92094"] != "masqué"
    # the colour scale holds only the published values: no hidden commune reads as a value
    main = next(t for t in fig.data if isinstance(t, go.Heatmap) and t.showscale is not False)
    assert sum(v is not None for line in main.z for v in line) == 38 - 2
    fills = [t for t in fig.data if isinstance(t, go.Heatmap) and t.colorscale and t.colorscale[0][1] == maps.HIDDEN]
    assert len(fills) == 1 and sum(v is not None for line in fills[0].z for v in line) == 2
    assert any(t.name == "Valeur masquée (petits effectifs)" and t.showlegend for t in fig.data)
    # every tile stays visible (the grey layer under all)
    assert sum(v is not None for line in fig.data[0].z for v in line) == 38


def test_an_empty_value_is_no_value_not_a_hidden_one(communes):
    frame = sample_frame(communes).with_columns(reach_per_1000=pl.lit(None, pl.Float64))
    fig = maps.tile_map(frame, communes, "reach")
    points = next(t for t in fig.data if isinstance(t, go.Scatter) and t.customdata is not None)
    assert {c[3] for c in points.customdata} == {"—"}
    assert not any(t.name == "Valeur masquée (petits effectifs)" for t in fig.data)


def square_boundaries(communes) -> geo.Boundaries:
    """A boundaries file of one small square per commune, around its centroid (clockwise exterior)."""
    features = [{"type": "Feature", "id": n, "properties": {"nis": n}, "geometry": {"type": "Polygon", "coordinates": [[
        [lon - .01, lat - .01], [lon - .01, lat + .01], [lon + .01, lat + .01], [lon + .01, lat - .01],
        [lon - .01, lat - .01]]]}} for n, lat, lon in zip(communes["nis"], communes["lat"], communes["lon"])]
    return geo.Boundaries({"type": "FeatureCollection", "features": features})


def test_boundary_map_fills_hidden_communes_apart(communes):
    frame = sample_frame(communes)
    fig = maps.boundary_map(hidden_reach(frame, {"91034"}), square_boundaries(communes), "reach",
                            selected=set(communes.filter(pl.col("south"))["nis"]))
    layers = [t for t in fig.data if isinstance(t, go.Choropleth)]
    hidden = [t for t in layers if t.colorscale[0][1] == maps.HIDDEN]
    assert [list(t.locations) for t in hidden] == [["91034"]]
    assert hidden[0].customdata[0][3] == "masqué"
    scaled = [n for t in layers if t.showscale for n in t.locations]
    assert "91034" not in scaled and sorted(n for t in layers for n in t.locations) == sorted(communes["nis"])
    assert any(isinstance(t, go.Scattergeo) and t.name == "Valeur masquée (petits effectifs)" for t in fig.data)


def test_clicked_commune_from_a_selection():
    state = {"selection": {"points": [{"curve_number": 4, "point_index": 2, "customdata": ["91034", "Dinant"]}],
                           "point_indices": [2], "box": [], "lasso": []}}
    assert maps.clicked_nis(state) == "91034"
    assert maps.clicked_nis({"selection": {"points": [{"location": "93056"}]}}) == "93056"
    assert maps.clicked_nis({"selection": {"points": [{"customdata": ["62063"]}]}}, known={"91034"}) is None
    assert maps.clicked_nis({"selection": {"points": []}}) is None
    assert maps.clicked_nis(None) is None


# ---- boundaries ----------------------------------------------------------------------------------------

def test_no_boundaries_configured_means_the_shipped_statbel_copy(communes, monkeypatch):
    monkeypatch.delenv(geo.BOUNDARIES_ENV, raising=False)
    found = geo.load_boundaries(communes)
    assert found.usable and found.warning is None and not found.missing
    assert found.path == str(geo.DEFAULT_BOUNDARIES)
    # simplified, and neighbours still share their vertices: each arrondissement has one closed outline
    assert geo.DEFAULT_BOUNDARIES.stat().st_size < 150_000
    group_of = dict(zip(communes["nis"], communes["arrondissement"]))
    for arr in ("Namur", "Dinant", "Philippeville"):
        subset = {"features": [f for f in found.geojson["features"] if group_of[f["id"]] == arr]}
        lons, _ = geo.group_outlines(subset, group_of)
        assert lons.count(None) <= 2, arr  # one outer line (two if a commune's ring is split)


@needs_geojson
def test_shared_geojson_matches_every_commune(communes, monkeypatch):
    monkeypatch.setenv(geo.BOUNDARIES_ENV, str(SHARED_GEOJSON))
    found = geo.load_boundaries(communes)
    assert found.usable and found.warning is None and not found.missing
    ids = [f["id"] for f in found.geojson["features"]]
    assert len(ids) == 38 and set(ids) == set(communes["nis"])
    # exterior rings are wound clockwise, as Plotly's geo maps expect
    ring = found.geojson["features"][0]["geometry"]["coordinates"][0]
    assert geo._ring_area(ring) < 0


@needs_geojson
def test_boundary_map_is_drawn_offline_and_credited(communes, monkeypatch):
    monkeypatch.setenv(geo.BOUNDARIES_ENV, str(SHARED_GEOJSON))
    found = geo.load_boundaries(communes)
    frame = sample_frame(communes)
    fig = maps.commune_map(frame, communes, "coverage", boundaries=found, selected=None, focus="91034")
    assert isinstance(fig.data[0], go.Scattergeo), "a line trace first: Plotly then fetches no world map"
    choropleths = [t for t in fig.data if isinstance(t, go.Choropleth) and t.customdata is not None]
    assert sorted(n for t in choropleths for n in t.locations) == sorted(communes["nis"])
    assert fig.layout.geo.visible is False and fig.layout.geo.fitbounds == "locations"
    assert any(a.text == "© Statbel" for a in fig.layout.annotations)
    # the arrondissement outlines: one line trace each, with coordinates
    outlines = [t for t in fig.data if isinstance(t, go.Scattergeo) and t.mode == "lines"]
    names = next(t for t in fig.data if isinstance(t, go.Scattergeo) and t.mode == "text")
    assert len(names.text) == 38 and "Somme-<br>Leuze" in names.text
    assert {t.name for t in outlines} == {"Namur", "Dinant", "Philippeville"}
    assert all(len(t.lon) > 10 for t in outlines)


def test_missing_or_invalid_file_falls_back_with_a_message(communes, tmp_path, monkeypatch):
    monkeypatch.setenv(geo.BOUNDARIES_ENV, str(tmp_path / "absent.geojson"))
    missing = geo.load_boundaries(communes)
    assert not missing.usable and "introuvable" in missing.warning
    broken = tmp_path / "broken.geojson"
    broken.write_text("{ not json", encoding="utf-8")
    monkeypatch.setenv(geo.BOUNDARIES_ENV, str(broken))
    invalid = geo.load_boundaries(communes)
    assert not invalid.usable and "illisible" in invalid.warning
    other = tmp_path / "other.geojson"
    other.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"nis": "21004"},
         "geometry": {"type": "Polygon", "coordinates": [[[4, 50], [4.1, 50], [4.1, 50.1], [4, 50]]]}}]}))
    monkeypatch.setenv(geo.BOUNDARIES_ENV, str(other))
    unmatched = geo.load_boundaries(communes)
    assert not unmatched.usable and "code INS" in unmatched.warning
    # the map builder falls back to tiles
    fig = maps.commune_map(sample_frame(communes), communes, "reach", boundaries=unmatched)
    assert any(isinstance(t, go.Heatmap) for t in fig.data)


def test_nis_key_is_detected_and_partial_files_are_reported(communes, tmp_path, monkeypatch):
    square = [[[4.8, 50.4], [4.9, 50.4], [4.9, 50.5], [4.8, 50.5], [4.8, 50.4]]]
    path = tmp_path / "partial.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"CODE_INS": 92094, "nom": "Namur"},
         "geometry": {"type": "Polygon", "coordinates": square}}]}))
    monkeypatch.setenv(geo.BOUNDARIES_ENV, str(path))
    found = geo.load_boundaries(communes)
    assert found.usable and [f["id"] for f in found.geojson["features"]] == ["92094"]
    assert len(found.missing) == 37 and "37 commune(s)" in found.warning
