"""Plafonds par patient: patients at and over their yearly ceiling, by care level, format, network and age
group (counts only, never ids), and the distribution of sessions per patient against the ceilings."""

import polars as pl
import streamlit as st

from psynam import budget, formatting as fmt, labels, reference, ui
from psynam.charts import budget as charts
from psynam.labels.budget import TEXT

filters = st.session_state.get("filters")
st.title(labels.PAGES["rules"])
if filters is None:
    st.stop()

st.caption(labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to)))
st.info(" ".join([TEXT["rules_scope"], TEXT["rules_groups"]]), icon=":material/info:")

distribution = ui.frame("rules/sessions_per_patient", **filters.params("date_from", "date_to", "networks"))
if distribution.is_empty():
    st.info(labels.MESSAGES["no_data"])
    st.stop()

years = sorted(distribution["year"].unique().to_list())
year = st.selectbox(TEXT["rules_year"], years, index=len(years) - 1, key="rules_year", help=TEXT["rules_year_help"])
shown = distribution.filter(pl.col("year") == year)
status = budget.ceiling_status(shown)

cards = st.columns(3)
ui.kpi(cards[0], "patients_checked", status["patients"].sum(), None, help_extra=labels.definition("ceiling_check"))
ui.kpi(cards[1], "patients_at_ceiling", status["patients_at_ceiling"].sum(), None)
ui.kpi(cards[2], "patients_over_ceiling", status["patients_over_ceiling"].sum(), None)

ui.chart_block("rules_counts", charts.ceiling_counts, status, budget.STATUS_COLUMNS, budget.STATUS_SPEC,
               title=TEXT["counts_title"].format(year=year), filters=filters,
               definition=" ".join([labels.definition("patients_at_ceiling"), labels.definition("patients_over_ceiling")]))
st.dataframe(budget.screen_table(status, budget.STATUS_COLUMNS, budget.STATUS_SPEC, ui.public_mode()),
             hide_index=True, key="rules_counts_table")

ui.chart_block("rules_histogram", charts.sessions_histogram, shown, budget.DISTRIBUTION_COLUMNS,
               budget.DISTRIBUTION_SPEC, title=TEXT["histogram_title"].format(year=year), filters=filters,
               definition=labels.definition("sessions_per_patient_distribution"))

st.markdown("\n".join(f"- {line}" for line in [
    labels.definition("ceiling_check"),
    budget.specialised_rule(reference.frame("ref_ceilings")),
    budget.level_mapping(reference.frame("ref_care_levels")),
    TEXT["rules_age"],
] if line))
