"""Aînés et petite enfance: the elderly and early-childhood priorities, one tab each, read against the share of
that age in the population, by arrondissement of residence, with their partners, their tagged groups and
clairvisions, and by quarter with the policy dates marked."""

import polars as pl
import streamlit as st

from psynam import export, formatting as fmt, labels, privacy, reference, ui
from psynam.charts import priorities as charts
from psynam.export import Column
from psynam.labels.priorities import TEXT

PREFIX = {"aines": "elderly", "petite_enfance": "early_childhood"}  # priority -> indicator key prefix
THRESHOLD = privacy.DEFAULT_THRESHOLD
HIDDEN = privacy.SECONDARY

def few(*counts) -> bool:
    """A count shown on the coordinator's screen that a download would suppress (1 .. threshold-1)."""
    return any(c is not None and 0 < c < THRESHOLD for c in counts)


def few_note(*counts) -> None:
    if few(*counts):
        st.caption(TEXT["few_people"].format(threshold=THRESHOLD))


def rate_card(column, key, now, before, count, before_count, *, kind, text=None, help_extra=None):
    """A share or rate card; in public mode a figure resting on fewer than THRESHOLD people is hidden."""
    if ui.public_mode() and few(count):
        now, before, text = None, None, HIDDEN
    elif ui.public_mode() and few(before_count):
        before = None
    ui.kpi(column, key, now, before, kind=kind, value_text=text, help_extra=help_extra)


def shown_pct(value, count) -> str:
    return HIDDEN if ui.public_mode() and few(count) else fmt.percent(value)


def reach_columns(priority):
    return [Column("zone_label", TEXT["zone"]), Column("member_label", TEXT["member"]),
            Column("patients", TEXT[f"patients_{priority}"], "int"),
            Column("summary_patients", TEXT[f"summary_patients_{priority}"], "int"),
            Column("population_age", TEXT[f"population_{priority}"], "int"),
            Column("reach_per_1000", TEXT[f"reach_{priority}"], "decimal")]


PARTNER_COLUMNS = [Column("partner_id", TEXT["partner_id"]), Column("name", TEXT["partner"]),
                   Column("sector_label", TEXT["sector"]), Column("commune_name", TEXT["commune"]),
                   Column("active", TEXT["active"]), Column("sessions", TEXT["partner_sessions"], "int"),
                   Column("clairvisions", TEXT["partner_clairvisions"], "int")]


def trend_columns(priority):
    return [Column("quarter_label", TEXT["quarter"]), Column("quarter", TEXT["quarter_start"], "date"),
            Column("sessions", TEXT["all_sessions"], "int"),
            Column("priority_sessions", TEXT[f"sessions_{priority}"], "int"),
            Column("priority_sessions_pct", TEXT["share_line"], "pct")]


def render(priority: str) -> None:
    key = PREFIX[priority]
    one = pl.col("priority") == priority
    now = kpis.filter(one).row(0, named=True)
    before = kpis_before.filter(one).row(0, named=True)
    st.markdown(TEXT[f"finding_{priority}"].format(
        patients_pct=shown_pct(now["priority_patients_pct"], now["priority_patients"]),
        sessions_pct=shown_pct(now["priority_sessions_pct"], now["priority_sessions"]),
        population_pct=fmt.percent(now["population_pct"])))
    population_note = TEXT["population_share"].format(value=fmt.percent(now["population_pct"]))
    cards = st.columns(4)
    rate_card(cards[0], f"{key}_patients_pct", now["priority_patients_pct"], before["priority_patients_pct"],
              now["priority_patients"], before["priority_patients"], kind="pct", help_extra=population_note)
    rate_card(cards[1], f"{key}_sessions_pct", now["priority_sessions_pct"], before["priority_sessions_pct"],
              now["priority_sessions"], before["priority_sessions"], kind="pct", help_extra=population_note)
    ui.kpi(cards[2], f"{key}_population_pct", now["population_pct"], None, kind="pct")
    rate_card(cards[3], f"{key}_reach_per_1000", now["reach_per_1000"], before["reach_per_1000"],
              now["resident_patients"], before["resident_patients"], kind="rate",
              text=fmt.decimal(now["reach_per_1000"], 2))
    few_note(now["priority_patients"], now["priority_sessions"], now["resident_patients"])

    areas = charts.with_area_labels(reach.filter(one))
    value_label = TEXT[f"reach_{priority}"]
    columns = reach_columns(priority)
    ui.chart_block(f"priorities_{priority}_reach", lambda f: charts.reach_by_area(f, value_label=value_label),
                   areas, columns, charts.REACH_SPEC, title=labels.indicator(f"{key}_reach_by_arrondissement"),
                   definition=labels.definition(f"{key}_reach_by_arrondissement"), filters=filters)
    outside = areas.filter(pl.col("level") == "hors_province")
    if outside.height:
        if ui.public_mode():
            published = privacy.suppress(export.frame_for_export(areas, columns), charts.REACH_SPEC)
            shown = published.cell("patients", areas["level"].to_list().index("hors_province"))
        else:
            shown = outside["patients"][0]
        st.caption(TEXT["outside"].format(count=shown if isinstance(shown, str) else fmt.integer(shown)))
    few_note(*areas["patients"].to_list(), *areas["summary_patients"].to_list())

    st.subheader(TEXT[f"partners_{priority}"])
    partners = partner_frame.filter(one).with_columns(
        active=pl.when(pl.col("is_active")).then(pl.lit(TEXT["yes"])).otherwise(pl.lit(TEXT["no"])))
    cards = st.columns(4)
    for column, name, value in ((cards[0], "partners", partners["is_registered"].sum()),
                                (cards[1], "partners_active", partners["is_active"].sum())):
        # organisations, not people: never suppressed
        ui.kpi(column, f"{key}_{name}", value, None, kind="partners", value_text=fmt.integer(value))
    ui.kpi(cards[2], f"{key}_partner_sessions", partners["sessions"].sum(), None)
    ui.kpi(cards[3], f"{key}_partner_clairvisions", partners["clairvisions"].sum(), None)
    if partners.is_empty():
        st.info(TEXT["no_partners"])
    else:
        colour = charts.PRIORITY_COLOURS[priority]
        ui.chart_block(f"priorities_{priority}_partners", lambda f: charts.partner_activity(f, colour=colour),
                       partners, PARTNER_COLUMNS, charts.PARTNER_SPEC, title=labels.indicator(f"{key}_partner_activity"),
                       definition=labels.definition(f"{key}_partner_activity"), filters=filters)
        few_note(*partners["sessions"].to_list(), *partners["clairvisions"].to_list())

    st.subheader(TEXT[f"tagged_{priority}"])
    tags = tagged.filter(one).row(0, named=True)
    cards = st.columns(2)
    for column, name, count, people in ((cards[0], "groups", "group_sessions", "group_participations"),
                                        (cards[1], "clairvisions", "clairvisions", "clairvision_participants")):
        hide = ui.public_mode() and few(tags[count], tags[people])
        text = HIDDEN if hide else f"{fmt.integer(tags[count])} ({fmt.integer(tags[people])})"
        ui.kpi(column, f"{key}_tagged_{name}", tags[count], None, kind="tagged", value_text=text)
    few_note(tags["group_sessions"], tags["group_participations"], tags["clairvisions"],
             tags["clairvision_participants"])

    quarters = charts.with_quarter_labels(trend.filter(one))
    colour, sessions_label = charts.PRIORITY_COLOURS[priority], TEXT[f"sessions_{priority}"]
    ui.chart_block(
        f"priorities_{priority}_trend",
        lambda f: charts.quarterly_trend(f, milestones, population_pct=now["population_pct"],
                                         sessions_label=sessions_label, colour=colour,
                                         period=(filters.date_from, filters.date_to)),
        quarters, trend_columns(priority), charts.TREND_SPEC, title=labels.indicator(f"{key}_trend"),
        definition=labels.definition(f"{key}_trend"), filters=filters)
    few_note(*quarters["sessions"].to_list(), *quarters["priority_sessions"].to_list())


filters = st.session_state.get("filters")
st.title(labels.PAGES["priorities"])
if filters is None:
    st.stop()
st.caption(labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to)))
st.write(TEXT["intro"])

kpis = ui.frame("priorities/priority_kpis", **filters.params())
if kpis["sessions"].max() == 0:
    st.info(labels.MESSAGES["no_data"])
    st.stop()
kpis_before = ui.frame("priorities/priority_kpis", **filters.previous().params())
reach = ui.frame("priorities/reach_by_arrondissement", **filters.params())
partner_frame = ui.frame("priorities/partner_activity", **filters.params())
tagged = ui.frame("priorities/tagged_groups_and_clairvisions", **filters.params())
trend = ui.frame("priorities/trend_by_quarter", **filters.params())
milestones = reference.frame("ref_milestones").filter(pl.col("kind") == "programme")

for tab, priority in zip(st.tabs([TEXT["tab_aines"], TEXT["tab_petite_enfance"]]), PREFIX):
    with tab:
        render(priority)
