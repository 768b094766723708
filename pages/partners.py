"""Partenaires: registered, active, new and ended partners over time; who they are (sector, care, membership,
network), where (arrondissement, commune, per 10,000 inhabitants); tripartite agreements; activity per
partner; and a searchable partner list. Figures, words and the small-count rule: psynam/views/partners.py."""

import streamlit as st

from psynam import blocks, formatting as fmt, labels, ui
from psynam.charts import partners as charts
from psynam.labels.partners import TEXT as T
from psynam.views.partners import COUNTS, TOP_PARTNERS, Partners

filters = st.session_state.get("filters")
st.title(labels.PAGES["partners"])
if filters is None:
    st.stop()
st.caption(labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to)))
st.caption(T["scope"])
if filters.has_activity_filter:
    st.warning(T["activity_filters_ignored"])

view = Partners(ui.source(), filters)
if not view.has_partners:
    st.info(T["no_partners"])
    st.stop()

now, before = view.kpis, view.earlier("kpis")
blocks.cards(now, before, COUNTS, delta_colors={"inactive_partners": "inverse", "ended_partners": "inverse"})
row = st.columns(4)
for column, name, published in zip(row, ("partners_outside_care_pct", "partners_full_members_pct"),
                                   (T["reference_outside_care"], T["reference_full_members"])):
    blocks.card(column, now, before, name, help=published)
    column.caption(published)
for column, name in zip(row[2:], ("agreements_in_force", "agreed_hours_per_month")):
    blocks.card(column, now, before, name)


def over_time(build):
    return lambda table: build(table, view.milestones, period=view.period)


st.header(T["section_time"])
blocks.chart("partners_by_month", view.partners_by_month, over_time(charts.partners_over_time), subset="partners")

st.header(T["section_profile"])
for key in ("partners_by_sector", "partners_by_care", "partners_by_membership", "partners_by_network"):
    blocks.chart(key, getattr(view, key), charts.by_group)

st.header(T["section_territory"])
blocks.chart("partners_by_arrondissement", view.partners_by_arrondissement, charts.by_area)
blocks.chart("partners_by_commune", view.partners_by_commune, charts.by_commune, subset="chart")

st.header(T["section_agreements"])
blocks.chart("agreements_by_month", view.agreements_by_month, over_time(charts.agreements_over_time),
             subset="agreements")
blocks.chart("agreements_by_sector", view.agreements_by_sector, charts.agreements_by_sector)

st.header(T["section_activity"])
blocks.chart("activity_by_partner", view.most_active, charts.activity_by_partner, subset="activity")
st.caption(T["top_note"].format(n=TOP_PARTNERS))

st.header(T["section_table"])
left, right = st.columns([3, 1])
text = left.text_input(T["search"], key="partners_search", placeholder=T["search_placeholder"])
right.space("small")
listed = view.listed(text, inactive_only=right.toggle(T["inactive_only"], key="partners_inactive_only"))
st.caption(T["table_count"].format(shown=fmt.integer(listed.frame.height),
                                   total=fmt.integer(view.partners_table.frame.height)))
shown, columns = listed.table(ui.public_mode()), listed.columns("table")
st.dataframe(charts.table_view(shown, columns), hide_index=True, key="partners_table",
             column_config=charts.table_config(columns), placeholder=fmt.MISSING)
st.caption(listed.definition)
if shown.any_hidden:
    st.caption(blocks.marks_note())
blocks.downloads("partners_table", listed, listed.title, listed.definition, subset="table")
