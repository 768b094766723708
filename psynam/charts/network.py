"""Charts of the network's own life (Vie du réseau): activities by month and type, by type, the sectors
represented and the places of the activities. Pure builders: a published table in (psynam.views.network
results), a Figure out. Nothing here is a count of people the small-count rule hides."""

from __future__ import annotations

import plotly.graph_objects as go

from psynam.charts import SEQUENCE, base_layout, empty, unpack
from psynam.charts.access import hbars
from psynam.labels.network import TEXT


def activities_by_month(table) -> go.Figure:
    """Activities per month, stacked by type (network/by_month)."""
    frame, _ = unpack(table)
    if frame.is_empty():
        return empty()
    fig = go.Figure()
    types = list(dict.fromkeys(frame.sort("type_label")["type_label"].to_list()))
    for j, name in enumerate(types):
        part = frame.filter(frame["type_label"] == name)
        fig.add_trace(go.Bar(x=part["month"].to_list(), y=part["activities"].to_list(), name=name,
                             marker_color=SEQUENCE[j % len(SEQUENCE)],
                             hovertemplate="%{x|%m/%Y} : %{y}<extra>%{fullData.name}</extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat="%m/%Y")
    fig.update_yaxes(title=TEXT["activities"])
    return base_layout(fig, height=360)


def activities_by_type(table) -> go.Figure:
    return hbars(table, "type_label", "activities", value_title=TEXT["activities"], decimals=0, colour=SEQUENCE[0])


def sectors(table) -> go.Figure:
    return hbars(table, "sector_label", "partners_represented", value_title=TEXT["partners_represented"],
                 decimals=0, colour=SEQUENCE[2])


def places(table) -> go.Figure:
    return hbars(table, "place_label", "activities", value_title=TEXT["activities"], decimals=0, colour=SEQUENCE[4])
