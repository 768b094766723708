"""psynam.charts.spec writes figures as plain data with Plotly's method names: each operation the builders
use must give the figure Plotly's own objects give. Each test runs the same calls on both and compares the
JSON the browser receives (an empty nested property, `{}`, counts as absent: Plotly.js reads them alike)."""

import json
from datetime import date

import plotly.graph_objects as go
import plotly.io as pio
import pytest
from plotly.subplots import make_subplots as plotly_subplots

from psynam.charts import spec

TRACES = {"bar": (spec.Bar, go.Bar), "scatter": (spec.Scatter, go.Scatter)}


def _plain(value):
    if isinstance(value, dict):
        out = {k: _plain(v) for k, v in value.items() if k != "template"}
        return {k: v for k, v in out.items() if v != {}}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def as_json(fig) -> dict:
    return _plain(json.loads(pio.to_json(spec.figure(fig), validate=False)))


def both(calls, subplots: dict | None = None):
    """The same calls on a spec.Fig and on a go.Figure: (method, args, kwargs); a trace argument is
    written ("bar", {...}) and built by each side's own constructor."""
    ours = spec.make_subplots(**subplots) if subplots else spec.Fig()
    theirs = plotly_subplots(**subplots) if subplots else go.Figure()
    for method, args, kwargs in calls:
        for fig, side in ((ours, 0), (theirs, 1)):
            built = [TRACES[a[0]][side](**a[1]) if isinstance(a, tuple) else a for a in args]
            getattr(fig, method)(*built, **kwargs)
    return as_json(ours), as_json(theirs)


def test_layout_updates_merge_replace_and_remove_as_plotly_does():
    ours, theirs = both([
        ("update_layout", [], {"legend": {"y": 1.02, "x": 0}, "margin": {"t": 50}, "barmode": "group"}),
        ("update_layout", [], {"legend": {"y": 1.12}, "margin_r": 60, "title_text": "Titre"}),
        ("update_layout", [], {"barmode": None, "plot_bgcolor": "white"}),
        ("update_xaxes", [], {"title": "Mois", "tickformat": "%m/%Y", "range": [0, 5]}),
        ("update_xaxes", [], {"range": [1, 2], "title": None}),
        ("update_yaxes", [], {"gridcolor": "#e9ecef", "title_font": {"size": 12}}),
        ("update_yaxes", [], {"gridcolor": None}),
    ])
    assert ours == theirs


def test_traces_take_magic_paths_and_ignore_none_as_plotly_does():
    ours, theirs = both([
        ("add_trace", [("bar", {"x": ["a", "b"], "y": [1, None], "marker_color": "#0072B2", "text": None,
                                "marker": {"line": {"width": 2}}, "hovertemplate": "%{y}<extra></extra>"})], {}),
        ("add_trace", [("scatter", {"x": [date(2024, 1, 1)], "y": [3.5], "mode": "lines", "line": None,
                                    "textfont": {"color": "#495057", "size": 12}})], {}),
    ])
    assert ours == theirs


def test_subplots_address_traces_axes_and_annotations_as_plotly_does():
    grid = {"rows": 2, "cols": 2, "shared_yaxes": True, "subplot_titles": ["Un", "Deux", "Trois", "Quatre"],
            "horizontal_spacing": 0.1, "vertical_spacing": 0.2}
    ours, theirs = both([
        ("add_trace", [("bar", {"x": ["a"], "y": [1]})], {"row": 1, "col": 1}),
        ("add_trace", [("bar", {"x": ["a"], "y": [2]})], {"row": 2, "col": 2}),
        ("update_yaxes", [], {"title": "Patients", "tickformat": ",.0f"}),
        ("update_yaxes", [], {"rangemode": "tozero", "col": 2}),
        ("update_xaxes", [], {"range": [0, 3], "row": 2, "col": 1}),
        ("update_yaxes", [], {"dtick": 1, "selector": {"anchor": "x3"}}),
        ("add_annotation", [], {"x": "a", "y": 0, "yref": "y domain", "text": "< 5", "showarrow": False,
                                "row": 2, "col": 2}),
        ("add_shape", [], {"type": "line", "x0": 0, "x1": 1, "y0": 0, "y1": 1, "yref": "paper", "row": 1, "col": 2}),
        ("update_annotations", [], {"font": {"size": 14}}),
    ], subplots=grid)
    assert ours == theirs


@pytest.mark.parametrize("position", [None, "top", "top left", "bottom right"])
def test_spanning_lines_and_bands_are_placed_as_plotly_places_them(position):
    note = {"annotation_text": "85 %", "annotation_position": position} if position else {}
    ours, theirs = both([
        ("add_trace", [("bar", {"x": [10, 120], "y": ["a", "b"], "orientation": "h"})], {}),
        ("add_vrect", [], {"x0": 85, "x1": 100, "fillcolor": "#009E73", "opacity": 0.08, "line_width": 0}),
        ("add_vline", [], {"x": 85, "line": {"dash": "dash"}, "layer": "below", **note}),
        ("add_hline", [], {"y": 2.5, "line_color": "#6c757d", **note}),
    ])
    assert ours == theirs


def test_a_figure_keeps_plotlys_api_for_what_reads_or_frames_it():
    fig = spec.Fig()
    fig.add_trace(spec.Bar(x=["a"], y=[1], orientation="h"))
    fig.data[0].orientation = None
    assert fig.data[0].legendgroup is None  # never set: None, as on a Plotly object
    out = spec.figure(fig)
    assert isinstance(out, go.Figure) and out.data[0].type == "bar"
    out.update_layout(width=800)  # the image export frames the figure with Plotly's own API
    assert out.layout.width == 800


def test_the_tests_validate_every_value_the_app_does_not(monkeypatch):
    wrong_value = spec.Fig(spec.Bar(x=[1], y=[1], marker_color="pas une couleur"))
    with pytest.raises(ValueError):
        wrong_value.figure()  # the tests run with spec.VALIDATE (tests/conftest.py)
    monkeypatch.setattr(spec, "VALIDATE", False)
    wrong_value.figure()  # the app pays for no check of values …
    misspelt = spec.Fig(spec.Bar(x=[1], colour="red"), layout={"xaxis": {"colour": "red"}})
    misspelt.figure()  # … nor, mostly, of property names: the tests' validation is the check
    monkeypatch.setattr(spec, "VALIDATE", True)
    with pytest.raises(ValueError):
        misspelt.figure()


def test_subplot_layouts_are_copied_not_shared():
    first = spec.make_subplots(rows=1, cols=2)
    first.update_xaxes(range=[0, 1])
    second = spec.make_subplots(rows=1, cols=2)
    assert "range" not in second.layout["xaxis"]
