"""Budget: envelope against spent per year, network and category (years counted in part marked, with the
envelope pro rata of the days counted); the year's cumulative spend with its projected year-end; the
yearly administrative fee; cost per session and per patient by category. Figures: psynam/views/budget.py."""

import streamlit as st

from psynam import blocks, formatting as fmt, labels, reference, ui
from psynam.charts import budget as charts
from psynam.labels.budget import TEXT
from psynam.views.budget import Budget

filters = st.session_state.get("filters")
st.title(labels.PAGES["budget"])
if filters is None:
    st.stop()

view = Budget(ui.source(), filters)
period = labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to))
st.caption(" · ".join([period] + ([TEXT["to_date"].format(year=view.year, day=fmt.day(view.to_date))]
                                  if view.to_date else [])))
st.info(TEXT["scope"], icon=":material/info:")
if view.ignored_filters:
    st.caption(TEXT["scope_ignored"].format(names=", ".join(view.ignored_filters)))
if view.empty_message:
    st.info(view.empty_message)
    st.stop()
st.markdown(f"**{view.uncapped_rule}**")

if view.year_message:
    st.info(view.year_message)
else:
    blocks.cards(view.year_to_date, None, ("spent_eur", "envelope_eur", "usage_pct", "linear_pct", "seasonal_pct"),
                 help={"seasonal_pct": view.seasonal_note})
for flag, sentence in view.flag_warnings:
    st.warning(sentence, icon=":material/trending_up:" if flag == "high" else ":material/trending_down:")

blocks.chart("budget_envelope", view.envelope_lines, charts.envelope_vs_spent)
st.caption(TEXT["table_all_years"])
if view.partial_note:
    st.caption(view.partial_note)
blocks.table("budget_envelope_table", view.envelope_lines, with_downloads=False)

if not view.year_message:
    milestones = reference.frame("ref_milestones")
    blocks.chart("budget_cumulative", view.cumulative,
                 lambda table: charts.cumulative_spend(table, view.capped_totals.published(), milestones, view.year))
    blocks.chart("budget_projection", view.projections, charts.projection_usage)
    if view.seasonal_note:
        st.caption(view.seasonal_note)
blocks.table("budget_projection_table", view.projections, with_downloads=bool(view.year_message))

blocks.chart("budget_admin_fee", view.admin_fee, charts.admin_fee_by_year, subset="admin")

blocks.chart("budget_cost", view.costs, charts.cost_by_category)
blocks.table("budget_cost_table", view.costs, with_downloads=False)
