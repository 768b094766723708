"""Charts of the network's own life (Vie du réseau): activities by month and type, by type, the sectors
represented and the places of the activities. Pure builders: a published table in (psynam.views.network
results), a Figure out. Nothing here is a count of people the small-count rule hides."""

from __future__ import annotations


from psynam.charts import SEQUENCE, base_layout, empty, unpack
from psynam.charts.access import hbars
from psynam.charts.spec import Bar, Fig, builder
from psynam.labels.network import TEXT


@builder
def activities_by_month(table) -> Fig:
    """Activities per month, stacked by type (network/by_month)."""
    frame, _ = unpack(table)
    if frame.is_empty():
        return empty()
    fig = Fig()
    types = list(dict.fromkeys(frame.sort("type_label")["type_label"].to_list()))
    for j, name in enumerate(types):
        part = frame.filter(frame["type_label"] == name)
        fig.add_trace(Bar(x=part["month"].to_list(), y=part["activities"].to_list(), name=name,
                          marker_color=SEQUENCE[j % len(SEQUENCE)],
                          hovertemplate="%{x|%m/%Y} : %{y}<extra>%{fullData.name}</extra>"))
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat="%m/%Y")
    fig.update_yaxes(title=TEXT["activities"])
    return base_layout(fig, height=360)


@builder
def activities_by_type(table) -> Fig:
    return hbars(table, "type_label", "activities", value_title=TEXT["activities"], decimals=0, colour=SEQUENCE[0])


@builder
def sectors(table) -> Fig:
    return hbars(table, "sector_label", "partners_represented", value_title=TEXT["partners_represented"],
                 decimals=0, colour=SEQUENCE[2])


@builder
def places(table) -> Fig:
    return hbars(table, "place_label", "activities", value_title=TEXT["activities"], decimals=0, colour=SEQUENCE[4])
