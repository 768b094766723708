"""Plafonds par patient: patients at and over their yearly ceiling, by care level, format, network and age
group (counts only, never ids), and the distribution of sessions per patient against the ceilings.
Figures: psynam/views/rules.py."""

import streamlit as st

from psynam import blocks, formatting as fmt, labels, ui
from psynam.charts import budget as charts
from psynam.labels.budget import TEXT
from psynam.views.rules import Rules

filters = st.session_state.get("filters")
st.title(labels.PAGES["rules"])
if filters is None:
    st.stop()

st.caption(labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to)))
st.info(" ".join([TEXT["rules_scope"], TEXT["rules_groups"]]), icon=":material/info:")

view = Rules(ui.source(), filters)
if not view.years:
    st.info(labels.MESSAGES["no_data"])
    st.stop()

year = st.selectbox(TEXT["rules_year"], view.years, index=len(view.years) - 1, key="rules_year",
                    help=TEXT["rules_year_help"])
view = view.for_year(year)

blocks.cards(view.totals, None, ("patients", "patients_at_ceiling", "patients_over_ceiling"),
             help={"patients": labels.definition("ceiling_check")})

blocks.chart("rules_counts", view.year_status, charts.ceiling_counts, subset="by_year")
blocks.table("rules_counts_table", view.year_status, subset="by_year", with_downloads=False)

blocks.chart("rules_histogram", view.year_distribution, charts.sessions_histogram, subset="by_year")

st.markdown("\n".join(f"- {line}" for line in view.notes))
