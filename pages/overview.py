"""Vue d'ensemble: the headline figures of the period against the comparison period, and sessions by month."""

import streamlit as st

from psynam import blocks, labels, reference
from psynam.charts import monthly_by_network
from psynam.views.overview import Overview

view = blocks.open_view("overview", Overview)
if not view.has_sessions:
    st.info(labels.MESSAGES["no_data"])
    st.stop()

now, before = view.activity, view.earlier("activity")
row = st.columns(4)
for column, name in zip(row[:3], ("sessions", "patients", "active_psychologists")):
    blocks.card(column, now, before, name)
blocks.card(row[3], view.partners, view.earlier("partners"), "registered_partners", extra=[(view.partners, "active_partners")])
row = st.columns(4)
blocks.card(row[0], now, before, "south_sessions_pct", extra=[(now, "south_population_pct")])
blocks.card(row[1], now, before, "elderly_patients_pct", extra=[(now, "elderly_patients")])
blocks.card(row[2], now, before, "early_childhood_sessions")
blocks.card(row[3], view.budget, view.earlier("budget"), "usage_pct", delta_color="off",
            extra=[(view.budget, "year"), (view.budget, "to_date")])
blocks.figures(now, ("south_population_pct", "elderly_patients", "group_sessions"))

milestones = reference.frame("ref_milestones")
blocks.chart("overview_sessions_by_month", view.sessions_by_month,
             lambda table: monthly_by_network(table, milestones, period=(view.filters.date_from, view.filters.date_to)))
