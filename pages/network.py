"""Vie du réseau: the network's own activities — by type and month, participants, partners and sectors
represented, the communes where they took place, the registered partners never seen, and the period's list
of meetings, exportable for the yearly activity report (psynam/views/network.py)."""

import streamlit as st

from psynam import blocks, labels
from psynam.charts import network as charts
from psynam.labels.network import TEXT
from psynam.views.network import Network

view = blocks.open_view("network", Network)
st.write(TEXT["intro"])
if not view.has_activities:
    st.info(TEXT["no_activities"])
    st.stop()

before = view.before.kpis if view.before is not None else None
blocks.cards(view.kpis, before, ("activities", "participants", "participants_per_activity", "online_activities"),
             help={"activities": labels.definition("network_activities"),
                   "participants": labels.definition("activity_participants")})
blocks.cards(view.kpis, before, ("partners_represented", "sectors_represented", "communes", "partners_never_seen"),
             help={"partners_represented": labels.definition("partners_represented"),
                   "communes": labels.definition("activity_communes"),
                   "partners_never_seen": labels.definition("partners_never_seen")})
if view.filters.networks:
    st.caption(TEXT["network_filter_note"])

blocks.chart("network_by_month", view.by_month.titled(TEXT["by_month"]), charts.activities_by_month)
left, right = st.columns(2)
with left:
    blocks.chart("network_by_type", view.by_type.titled(TEXT["by_type"]), charts.activities_by_type)
with right:
    blocks.chart("network_sectors", view.sectors.titled(TEXT["sectors_title"]), charts.sectors)
blocks.table("network_by_type_table", view.by_type.titled(TEXT["by_type"]))

blocks.chart("network_places", view.hosting_places.titled(TEXT["places_title"]), charts.places)

st.subheader(TEXT["meetings_title"])
st.caption(labels.definition("meetings"))
blocks.table("network_meetings", view.meetings.titled(TEXT["meetings_title"]))

st.subheader(TEXT["never_seen_title"])
st.caption(labels.definition("partners_never_seen"))
if view.never_seen.is_empty:
    st.info(TEXT["none_never_seen"])
else:
    blocks.table("network_never_seen", view.never_seen.titled(TEXT["never_seen_title"]))
