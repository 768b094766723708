"""Universalisme: proportionate universalism in figures — financial access (patients with the preferential
tariff, BIM), care pathways (new patients, single sessions, the hidden wait, sessions per course), the supply
of psychologists per 10,000 inhabitants and the co-payment check (psynam/views/access.py)."""

import streamlit as st

from psynam import blocks, labels, ui
from psynam.charts import access as charts
from psynam.labels.access import TEXT
from psynam.views.access import ACCESS_BREAKDOWNS, PATHWAY_BREAKDOWNS, Universalism


def few(result) -> None:
    if view.rests_on_few(result):
        st.caption(TEXT["few_people"].format(threshold=view.small_count_threshold))


def access() -> None:
    before = view.before.overall if view.before is not None else None
    row = st.columns(4)
    blocks.card(row[0], view.overall, before, "bim_patients", help=labels.definition("bim_patients"))
    blocks.card(row[1], view.overall, before, "bim_patients_pct")
    earlier = view.before.sessions_overall if view.before is not None else None
    for place, name in zip(row[2:], ("sessions_per_bim_patient", "sessions_per_other_patient")):
        blocks.card(place, view.sessions_overall, earlier, name, help=labels.definition("sessions_per_patient_by_bim"))
    south_north = view.south_north
    blocks.chart("universalism_south_north", south_north, charts.bim_by_group)
    for breakdown in ACCESS_BREAKDOWNS:
        part = view.access_by(breakdown)
        blocks.chart(f"universalism_bim_{breakdown}", part, charts.bim_by_group, definition=labels.definition("bim_patients"))
        few(part)
    blocks.chart("universalism_bim_month", view.access_by_month.titled(TEXT["bim_over_time"]), charts.bim_by_month)
    few(view.access_by_month)


def pathways() -> None:
    overall = view.pathways_overall
    before = view.before.pathways_overall if view.before is not None else None
    blocks.cards(overall, before, ("new_patients", "single_session_patients_pct", "median_days_first_to_second",
                                   "sessions_per_course"), delta_colors={"median_days_first_to_second": "inverse"},
                 help={k: labels.definition(k) for k in ("new_patients", "median_days_first_to_second",
                                                          "sessions_per_course")})
    blocks.chart("universalism_new_month", view.new_by_month.titled(TEXT["new_over_time"]), charts.new_by_month)
    few(view.new_by_month)
    for breakdown in PATHWAY_BREAKDOWNS:
        part = view.pathways_by(breakdown)
        blocks.chart(f"universalism_wait_{breakdown}", part, charts.wait_by_group,
                     title=TEXT["wait_by"].format(breakdown=TEXT[breakdown].lower()),
                     definition=labels.definition("median_days_first_to_second"))
        blocks.table(f"universalism_pathways_{breakdown}", part, subset="table")
        few(part)


def supply() -> None:
    blocks.cards(view.province_supply, None, ("active_psychologists", "active_per_10000", "registered_per_10000",
                                              "communes_without_psychologist"),
                 help={"active_per_10000": labels.definition("active_psychologists_per_10000")})
    blocks.chart("universalism_supply", view.supply_areas, charts.supply_by_area)
    without = view.communes_without
    st.subheader(without.title)
    st.caption(without.definition)
    if without.is_empty:
        st.info(TEXT["no_commune_without"])
    else:
        blocks.table("universalism_without", without)
    st.subheader(TEXT["supply_communes"])
    blocks.table("universalism_supply_communes", view.supply_communes.titled(TEXT["supply_communes"]))
    few(view.supply_communes)


def copayment() -> None:
    if not ui.public_mode():  # exact sums: the coordinator's screen only (files and public mode show rows)
        st.markdown(view.copayment_summary())
    st.caption(labels.definition("copayment_check"))
    st.subheader(TEXT["copayment_table"])
    blocks.table("universalism_copayment", view.copayment)
    few(view.copayment)


view = blocks.open_view("access", Universalism)
st.write(TEXT["intro"])
if not view.has_patients:
    st.info(TEXT["no_patients"])
    st.stop()
blocks.tabbed("access", (access, pathways, supply, copayment))
