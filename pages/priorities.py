"""Aînés et petite enfance: the elderly and early-childhood priorities, one tab each, read against the share of
that age in the population, by arrondissement of residence, with their partners, their tagged groups and
clairvisions, and by quarter with the policy dates marked (psynam/views/priorities.py)."""

import streamlit as st

from psynam import blocks, formatting as fmt, labels, ui
from psynam.charts import priorities as charts
from psynam.labels.priorities import TEXT
from psynam.views.priorities import PRIORITIES, Priorities, column


def few(result, priority: str) -> None:
    """The coordinator's reminder, when the published result hides a figure this screen shows."""
    if view.rests_on_few(result, priority):
        st.caption(TEXT["few_people"].format(threshold=view.small_count_threshold))


def pair(place, result, priority: str, count: str, people: str, indicator: str) -> None:
    # core candidate: blocks.card for two cells of a one-row result shown as "count (people)", each published
    count, people = column(priority, count), column(priority, people)
    place.metric(result.decl.column(count).label, f"{blocks.text_of(result, count)} ({blocks.text_of(result, people)})",
                 help=labels.definition(column(priority, indicator)), border=True)


def render(priority: str) -> None:
    kpis, before = view.kpis, view.earlier("kpis")
    st.markdown(TEXT[f"finding_{priority}"].format(
        **{name: blocks.text_of(kpis, column(priority, name)) for name in ("patients_pct", "sessions_pct", "population_pct")}))
    population = [(kpis, column(priority, "population_pct"))]
    row = st.columns(4)
    blocks.card(row[0], kpis, before, column(priority, "patients_pct"), extra=population)
    blocks.card(row[1], kpis, before, column(priority, "sessions_pct"), extra=population)
    blocks.card(row[2], kpis, None, column(priority, "population_pct"))
    blocks.card(row[3], kpis, before, column(priority, "reach_per_1000"))
    few(kpis, priority)

    blocks.chart(f"priorities_{priority}_reach", view.reach_of(priority),
                 lambda table: charts.reach_by_area(table, priority=priority), subset=priority)
    outside = view.outside(priority)
    if outside is not None:
        st.caption(TEXT["outside"].format(count=blocks.text_of(outside, column(priority, "patients"))))
    few(view.reach, priority)

    st.subheader(TEXT[f"partners_{priority}"])
    for place, name in zip(st.columns(4), ("partners", "partners_active", "partner_sessions", "partner_clairvisions")):
        blocks.card(place, view.partner_totals, None, column(priority, name))
    partners = view.partners_of(priority)
    if partners.is_empty:
        st.info(TEXT["no_partners"])
    else:
        blocks.chart(f"priorities_{priority}_partners", partners,
                     lambda table: charts.partner_activity(table, priority=priority), subset=priority)
        few(partners, priority)

    st.subheader(TEXT[f"tagged_{priority}"])
    row = st.columns(2)
    pair(row[0], view.tagged, priority, "group_sessions", "group_participations", "tagged_groups")
    pair(row[1], view.tagged, priority, "clairvisions", "clairvision_participants", "tagged_clairvisions")
    few(view.tagged, priority)

    population_pct, period = kpis.value(column(priority, "population_pct")), (filters.date_from, filters.date_to)
    blocks.chart(f"priorities_{priority}_trend", view.trend_of(priority),
                 lambda table: charts.quarterly_trend(table, view.milestones, priority=priority,
                                                      population_pct=population_pct, period=period), subset=priority)
    few(view.trend, priority)


filters = st.session_state.get("filters")
st.title(labels.PAGES["priorities"])
if filters is None:
    st.stop()
st.caption(labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to)))
st.write(TEXT["intro"])

view = Priorities(ui.source(), filters)
if not view.has_sessions:
    st.info(labels.MESSAGES["no_data"])
    st.stop()

blocks.tabbed("priorities", [lambda priority=priority: render(priority) for priority in PRIORITIES])
