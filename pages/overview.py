"""Vue d'ensemble: the headline figures of the period against the previous one, and sessions by month."""

import streamlit as st

from psynam import formatting as fmt, labels, metrics, reference, ui
from psynam.charts import monthly_by_network
from psynam.export import Column
from psynam.privacy import Spec

MONTHLY_COLUMNS = [Column("month", labels.CHART["month"], "month"), Column("network", labels.CHART["network"]),
                   Column("sessions", labels.CHART["sessions"], "int"),
                   Column("individual_sessions", labels.indicator("individual_sessions"), "int"),
                   Column("group_sessions", labels.indicator("group_sessions"), "int")]
MONTHLY_SPEC = Spec(dimensions=("month", "network"), counts=("sessions", "individual_sessions", "group_sessions"))

filters = st.session_state.get("filters")
st.title(labels.PAGES["overview"])
if filters is None:
    st.stop()

previous = filters.previous()
st.caption(" · ".join([
    labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to)),
    labels.MESSAGES["compared_to"].format(prev_from=fmt.day(previous.date_from), prev_to=fmt.day(previous.date_to)),
]))

now, before = metrics.activity(ui.run, filters), metrics.activity(ui.run, previous)
if now["sessions"] == 0:
    st.info(labels.MESSAGES["no_data"])
    st.stop()
partners_now, partners_before = metrics.partners(ui.run, filters), metrics.partners(ui.run, previous)
budget_year, usage_now = metrics.budget_usage_to_date(ui.run, filters)
_, usage_before = metrics.budget_usage_to_date(ui.run, previous)

row1 = st.columns(4)
ui.kpi(row1[0], "sessions", now["sessions"], before["sessions"])
ui.kpi(row1[1], "patients", now["patients"], before["patients"])
ui.kpi(row1[2], "active_psychologists", now["active_psychologists"], before["active_psychologists"])
ui.kpi(row1[3], "registered_partners", partners_now["registered_partners"], partners_before["registered_partners"], kind="org",
       help_extra=f"{labels.indicator('active_partners')} : {fmt.integer(partners_now['active_partners'])}. "
                  + labels.definition("active_partners"))

row2 = st.columns(4)
ui.kpi(row2[0], "south_sessions_pct", now["south_sessions_pct"], before["south_sessions_pct"], kind="pct",
       share_of=tuple((f["south_sessions"], f["province_sessions"]) for f in (now, before)),
       help_extra=f"{labels.indicator('south_population_pct')} : {fmt.percent(now['south_population_pct'])}")
ui.kpi(row2[1], "elderly_patients_pct", now["elderly_patients_pct"], before["elderly_patients_pct"], kind="pct",
       share_of=tuple((f["elderly_patients"], f["patients"]) for f in (now, before)),
       help_extra=f"{labels.indicator('elderly_patients')} : {fmt.integer(now['elderly_patients'])}")
ui.kpi(row2[2], "early_childhood_sessions", now["early_childhood_sessions"], before["early_childhood_sessions"])
ui.kpi(row2[3], "budget_usage_pct", usage_now, usage_before, kind="pct", delta_color="off",
       help_extra=f"Année {budget_year}, au {fmt.day(filters.date_to)}.")

st.markdown(
    f"**{labels.indicator('active_partners')}** : {fmt.integer(partners_now['active_partners'])} · "
    f"**{labels.indicator('south_population_pct')}** : {fmt.percent(now['south_population_pct'])} · "
    f"**{labels.indicator('elderly_patients')}** : {fmt.integer(now['elderly_patients'])} · "
    f"**{labels.indicator('group_sessions')}** : {fmt.integer(now['group_sessions'])}"
)

monthly = ui.frame("overview/sessions_by_month", **filters.params())
milestones = reference.frame("ref_milestones")
ui.chart_block(
    "overview_sessions_by_month",
    lambda frame: monthly_by_network(frame, milestones, period=(filters.date_from, filters.date_to)),
    monthly, MONTHLY_COLUMNS, MONTHLY_SPEC, title=labels.indicator("sessions_by_month"),
    definition=labels.definition("sessions_by_month"), filters=filters)
