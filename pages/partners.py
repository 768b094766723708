"""Partenaires: registered, active, new and ended partners over time; who they are (sector, care, membership,
network), where (arrondissement, commune, per 10,000 inhabitants); tripartite agreements; activity per
partner; and a searchable partner list. Partner counts are counts of organisations (not suppressed);
sessions and clairvisions per partner are counts of sessions (suppressed in downloads)."""

import polars as pl
import streamlit as st

from psynam import export, formatting as fmt, labels, metrics, privacy, reference, ui
from psynam.charts import partners as charts
from psynam.export import Column
from psynam.labels.partners import TEXT
from psynam.privacy import Spec

T = TEXT
TOP_PARTNERS = 15
COUNTS = ("registered_partners", "active_partners", "inactive_partners", "new_partners", "ended_partners")
COUNT_HEADERS = (T["registered"], T["active"], T["inactive"], T["new"], T["ended"])
COUNT_COLUMNS = [Column(c, h, "int") for c, h in zip(COUNTS, COUNT_HEADERS)]
MONTH = Column("month", T["month"], "month")
ORGANISATIONS = Spec()  # partner and agreement counts are counts of organisations: nothing to suppress
SESSIONS = Spec(dimensions=("partner_id",), counts=("sessions", "clairvisions"))
PARTNER = [Column("partner_id", T["partner_id"]), Column("name", T["name"]),
           Column("sector_label", T["sector"]), Column("commune_name", T["commune"])]
ACTIVITY = [Column("sessions", T["sessions"], "int"), Column("clairvisions", T["clairvisions"], "int"),
            Column("activities_attended", T["activities_attended"], "int")]
TABLE = PARTNER + [Column("network", T["network"]), Column("membership_label", T["membership"]),
                   Column("joined_on", T["since"], "date"), Column("left_on", T["until"], "date")] + ACTIVITY + [
    Column("agreements_in_force", T["agreements_in_force"], "int"),
    Column("agreed_hours_per_month", T["hours_per_month"], "decimal"), Column("active_label", T["is_active"])]
AGREEMENTS = [Column("group_label", T["sector"]), Column("agreements_in_force", T["agreements_in_force"], "int"),
              Column("partners_with_agreement", T["partners_with_agreement"], "int"),
              Column("hours_per_month", T["hours_per_month"], "decimal"),
              Column("agreed_hours_in_period", labels.indicator("agreed_hours_in_period"), "decimal")]
AREA = [Column("population", T["population"], "int"),
        Column("partners_per_10000", labels.indicator("partners_per_10000"), "decimal")]
SHARE = Column("registered_pct", T["share_of_registered"], "pct")
SECTORS = dict(zip(*reference.frame("ref_sectors").select("sector", "label_fr").to_dict(as_series=False).values()))
GROUPS = [  # (chart key, $dimension, French names of the codes, column header)
    ("partners_by_care", "care", T, T["care"]),
    ("partners_by_membership", "membership", T, T["membership"]),
    ("partners_by_network", "network", labels.NETWORKS, T["network"]),
]

filters = st.session_state.get("filters")
st.title(labels.PAGES["partners"])
if filters is None:
    st.stop()
st.caption(labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to)))
st.caption(T["scope"])
if filters.has_activity_filter:
    st.warning(T["activity_filters_ignored"])

params = filters.params(*metrics.PARTNER_PARAMS)
now, before = metrics.partners(ui.run, filters), metrics.partners(ui.run, filters.previous())
if not now["registered_partners"]:
    st.info(T["no_partners"])
    st.stop()
agreements = charts.with_labels(ui.frame("partners/agreements_by_sector", **params), SECTORS, code="sector",
                                missing=T["unknown_partner"])
agreements_before = ui.frame("partners/agreements_by_sector", **filters.previous().params(*metrics.PARTNER_PARAMS))


def block(key, build, data, columns, spec=ORGANISATIONS):
    """A chart through ui.chart_block, titled and defined by the indicator of the same key."""
    return ui.chart_block(key, build, data, columns, spec, title=labels.indicator(key),
                          definition=labels.definition(key), filters=filters)


for figures in (now, before):
    figures["inactive_partners"] = figures["registered_partners"] - figures["active_partners"]
for column, key in zip(st.columns(len(COUNTS)), COUNTS):
    ui.kpi(column, key, now[key], before[key], kind="org",
           delta_color="inverse" if key in ("inactive_partners", "ended_partners") else "normal")
row = st.columns(4)
ui.kpi(row[0], "partners_outside_care_pct", now["partners_outside_care_pct"], before["partners_outside_care_pct"],
       kind="pct", help_extra=T["reference_outside_care"])
row[0].caption(T["reference_outside_care"])
ui.kpi(row[1], "partners_full_members_pct", now["partners_full_members_pct"], before["partners_full_members_pct"],
       kind="pct", help_extra=T["reference_full_members"])
row[1].caption(T["reference_full_members"])
ui.kpi(row[2], "agreements_in_force", *(int(f["agreements_in_force"].sum()) for f in (agreements, agreements_before)),
       kind="org")
hours_now, hours_before = (float(f["hours_per_month"].sum() or 0) for f in (agreements, agreements_before))
ui.kpi(row[3], "agreed_hours_per_month", hours_now, hours_before, kind="org", value_text=fmt.decimal(hours_now))

st.header(T["section_time"])
monthly = ui.frame("partners/partners_by_month", **params)
milestones = reference.frame("ref_milestones")
period = (filters.date_from, filters.date_to)
block("partners_by_month", lambda f: charts.partners_over_time(f, milestones, period=period), monthly,
      [MONTH, *COUNT_COLUMNS])

st.header(T["section_profile"])


def groups(dimension: str, names: dict) -> pl.DataFrame:
    return charts.with_labels(ui.frame("partners/partners_by_group", dimension=dimension, **params), names)


block("partners_by_sector", charts.by_group, groups("sector", SECTORS),
      [Column("group_label", T["sector"]), *COUNT_COLUMNS, SHARE])
for key, dimension, names, header in GROUPS:
    block(key, charts.by_group, groups(dimension, names), [Column("group_label", header), *COUNT_COLUMNS, SHARE])

st.header(T["section_territory"])
block("partners_by_arrondissement", lambda f: charts.by_group(f, rate="partners_per_10000"),
      groups("arrondissement", {"hors_province": T["hors_province"]}),
      [Column("group_label", T["arrondissement"]), *COUNT_COLUMNS, SHARE, *AREA])
block("partners_by_commune", charts.by_commune, charts.with_labels(ui.frame("partners/partners_by_commune", **params),
                                                                 {}, code="commune_name", missing=T["hors_province"]),
      [Column("group_label", T["commune"]), Column("arrondissement", T["arrondissement"]), *COUNT_COLUMNS[:3], *AREA])

st.header(T["section_agreements"])
block("agreements_by_month", lambda f: charts.agreements_over_time(f, milestones, period=period), monthly,
      [MONTH, Column("agreements_in_force", T["agreements_in_force"], "int"),
       Column("agreed_hours_per_month", T["hours_per_month"], "decimal")])
block("agreements_by_sector", charts.agreements_by_sector, agreements, AGREEMENTS)

st.header(T["section_activity"])
activity = ui.frame("partners/partner_activity", **params)
block("activity_by_partner", charts.activity_by_partner, charts.most_active(activity, TOP_PARTNERS),
      PARTNER + ACTIVITY, SESSIONS)
st.caption(T["top_note"].format(n=TOP_PARTNERS))

st.header(T["section_table"])
left, right = st.columns([3, 1])
text = left.text_input(T["search"], key="partners_search", placeholder=T["search_placeholder"])
right.space("small")
inactive_only = right.toggle(T["inactive_only"], key="partners_inactive_only")
table = charts.search(charts.table_frame(activity), text)
if inactive_only:
    table = table.filter(pl.col("is_registered") & ~pl.col("is_active"))
published = ui.once(lambda: privacy.suppress(export.frame_for_export(table, TABLE), SESSIONS))  # on use only
st.caption(T["table_count"].format(shown=fmt.integer(table.height), total=fmt.integer(activity.height)))
st.dataframe(charts.table_view(table, TABLE, published() if ui.public_mode() else None), hide_index=True,
             key="partners_table", column_config={c.name: st.column_config.Column(
                 c.header, alignment="right" if c.kind in ("int", "decimal") else None) for c in TABLE})
st.caption(labels.definition("partners_table"))
stem = export.file_stem(T["table_download"], filters.date_from, filters.date_to)
notes = ui.once(lambda: ui.download_notes(labels.indicator("partners_table"), labels.definition("partners_table"),
                                          filters))
cols = st.columns([1, 1, 8])
cols[0].download_button("CSV", lambda: export.to_csv(published(), TABLE), f"{stem}.csv", "text/csv", key="partners_table_csv",
                        icon=":material/download:", on_click="ignore")
cols[1].download_button("Excel", lambda: export.to_xlsx([(T["table_download"], published(), TABLE)], notes()), f"{stem}.xlsx",
                        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        key="partners_table_xlsx", icon=":material/download:", on_click="ignore")
