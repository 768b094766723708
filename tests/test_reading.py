"""A chart's main reading (psynam.charts.reading): the text alternative and the "En bref" line, in French
with Belgian formats, read from the figure; the French replacements of Streamlit's English (psynam.style)."""

import plotly.graph_objects as go

from psynam import style
from psynam.charts import PALETTE, SEQUENCE
from psynam.charts.reading import reading


def test_bars_give_their_highest_and_lowest():
    fig = go.Figure(go.Bar(x=["Nord", "Sud", "Arr. de Dinant"], y=[12.5, 11.0, 1234], name="Patients"))
    assert reading(fig) == "En bref — Patients : le plus haut : Arr. de Dinant (1\xa0234) ; le plus bas : Sud (11)."


def test_lines_give_each_series_last_and_highest_point():
    fig = go.Figure([go.Scatter(x=["2024-01-01", "2024-02-01"], y=[3, 2.5], name="RSN", mode="lines")])
    assert reading(fig) == "En bref — RSN : dernier point : 01/02/2024 (2,5), le plus haut : 01/01/2024 (3)."


def test_a_figure_without_values_reads_without_failing():
    assert reading(go.Figure()).startswith("En bref")


def test_network_colours_mean_only_the_networks():
    assert PALETTE["RSN"] not in SEQUENCE and PALETTE["RSK"] not in SEQUENCE
    others = {k: v for k, v in PALETTE.items() if k not in ("RSN", "RSK")}
    assert PALETTE["RSN"] not in others.values() and PALETTE["RSK"] not in others.values()
    assert PALETTE["at_ceiling"] != PALETTE["over_ceiling"]


def test_the_french_script_knows_streamlits_strings():
    script = style.script()
    for english in ("No results", "Select all", "Drag and drop files here", "Zoom in", "Page not found"):
        assert english in style.TEXTS and style.TEXTS[english] in script
    assert "stDateInputQuickSelect" in style.CSS
