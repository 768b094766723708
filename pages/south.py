"""Le sud de la province: the 38 communes on a map coloured by a chosen indicator, the south's share of
sessions against its share of population, north against south, offer against reach, communes without
offer and the largest coverage gaps. A click on a commune (map or bar) focuses the page on it."""

import polars as pl
import streamlit as st

from psynam import formatting as fmt, geo, labels, privacy, reference, ui
from psynam.charts import maps, south as charts
from psynam.export import Column
from psynam.labels import south as words
from psynam.privacy import Spec

T = words.TEXT
FOCUS = "south_commune"  # the page-level commune focus (the shared filter bar's "commune" is not ours)
PARAMS = ("date_from", "date_to", "networks", "care_levels", "formats", "settings")
ind_col = lambda key: Column(key, labels.indicator(key), "decimal")  # noqa: E731
COMMUNE = [Column("nis", T["nis"]), Column("name_fr", T["commune"]), Column("arrondissement", T["arrondissement"]),
           Column("population", T["population"], "int")]
MAP_COLUMNS = COMMUNE + [Column("patients", T["patients"], "int"), ind_col("reach_per_1000"),
                         Column("sessions", T["sessions"], "int"), ind_col("offer_per_10000"),
                         Column("coverage_index", labels.indicator("coverage_index"), "index"),
                         Column("active_partners", T["active_partners"], "int"), ind_col("partners_per_10000")]
GAP_COLUMNS = COMMUNE + [Column("patients", T["patients"], "int"), ind_col("reach_per_1000"),
                         Column("coverage_index", labels.indicator("coverage_index"), "index"),
                         ind_col("patients_gap")]
NO_OFFER_COLUMNS = COMMUNE + [Column("sessions", T["sessions"], "int"), Column("active_partners", T["active_partners"], "int")]
COMMUNE_SPEC = Spec(dimensions=("nis",), counts=("patients", "sessions"), rates={
    "reach_per_1000": ("patients",), "coverage_index": ("patients",), "patients_gap": ("patients",),
    "offer_per_10000": ("sessions",)})
GAP_SPEC = Spec(dimensions=("nis",), counts=("patients",), rates={
    "reach_per_1000": ("patients",), "coverage_index": ("patients",), "patients_gap": ("patients",)})
AREA_COLUMNS = [Column("area_label", T["area"]), Column("population", T["population"], "int"),
                Column("patients", T["patients"], "int"), ind_col("reach_per_1000"), Column("sessions", T["sessions"], "int"),
                ind_col("offer_per_10000"), Column("coverage_index", labels.indicator("coverage_index"), "index"),
                Column("active_partners", T["active_partners"], "int"), ind_col("partners_per_10000")]
AREA_SPEC = Spec(dimensions=("area_label",), counts=("patients", "sessions"), rates={
    "reach_per_1000": ("patients",), "coverage_index": ("patients",), "offer_per_10000": ("sessions",)})
SHARE_COLUMNS = [Column("month", T["month"], "month"), Column("province_sessions", T["province_sessions"], "int"),
                 Column("south_sessions", T["south_sessions"], "int"),
                 Column("south_sessions_pct", labels.indicator("south_sessions_pct"), "pct"),
                 Column("south_population_pct", labels.indicator("south_population_pct"), "pct")]
SHARE_SPEC = Spec(dimensions=("month",), counts=("province_sessions", "south_sessions"),
                  rates={"south_sessions_pct": ("province_sessions", "south_sessions")})
MONTH_COLUMNS = [Column("month", T["month"], "month"), Column("sessions", T["monthly_sessions"], "int"),
                 Column("patients", T["monthly_patients"], "int")]
MONTH_SPEC = Spec(dimensions=("month",), counts=("sessions", "patients"))

filters = st.session_state.get("filters")
st.title(labels.PAGES["south"])
if filters is None:
    st.stop()
st.caption(labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to))
           + " · " + T["intro"])

communes_ref = reference.communes()
known = set(communes_ref["nis"])
period = (filters.date_from, filters.date_to)
milestones = reference.frame("ref_milestones")


def focus_on(chart_key: str):
    """on_select callback: a clicked commune (map, scatter or bar) becomes the page's focus."""
    def apply():
        nis = maps.clicked_nis(st.session_state.get(chart_key), known)
        if nis:
            st.session_state[FOCUS] = nis
    return apply


def clickable(key: str) -> dict:
    return {"on_select": focus_on(key), "selection_mode": "points"}


def count_text(value) -> str:
    hidden = ui.public_mode() and value is not None and 0 < value < privacy.DEFAULT_THRESHOLD
    return privacy.primary_mark() if hidden else fmt.integer(value)



def focus_panel(nis: str) -> str:
    """The focused commune's figures (suppressed in public mode) and its reset button; returns its name."""
    shown = privacy.suppress(coverage, COMMUNE_SPEC).frame if ui.public_mode() else coverage
    row = shown.filter(pl.col("nis") == nis).row(0, named=True)
    head, button = st.columns([4, 1], vertical_alignment="center")
    head.subheader(T["focus"].format(name=row["name_fr"], arrondissement=row["arrondissement"]))
    button.button(T["reset"], key="south_reset", icon=":material/close:", on_click=lambda: st.session_state.pop(FOCUS, None))
    cards = [
        (T["population"], fmt.integer(row["population"]), None),
        (T["patients"], count_text(coverage.filter(pl.col("nis") == nis)["patients"][0]), "reach_per_1000"),
        (labels.indicator("reach_per_1000"), maps.value_text(row["reach_per_1000"], 1), "reach_per_1000"),
        (labels.indicator("offer_per_10000"), maps.value_text(row["offer_per_10000"], 1), "offer_per_10000"),
        (labels.indicator("coverage_index"), maps.value_text(row["coverage_index"], 2), "coverage_index"),
        (T["active_partners"], fmt.integer(row["active_partners"]), "partners_per_10000"),
    ]
    for i, (label, text, key) in enumerate(cards):
        if i % 3 == 0:
            columns = st.columns(3)
        columns[i % 3].metric(label, text, help=labels.definition(key) if key else None, border=True)
    return row["name_fr"]


areas = charts.with_area_labels(ui.frame("south/reach_by_area", **filters.params(*PARAMS)))
if areas.filter(pl.col("area_kind").is_in(["province", "outside"]))["sessions"].sum() == 0:
    st.info(labels.MESSAGES["no_data"])
    st.stop()
coverage = ui.frame("south/coverage_by_commune", **filters.params(*PARAMS, "arrondissements", "communes"))
in_selection = coverage.filter(pl.col("in_selection"))
selected = geo.selected_nis(communes_ref, filters.arrondissements, filters.communes)
boundaries = geo.load_boundaries(communes_ref)
if boundaries.warning:
    st.warning(boundaries.warning)

choice = st.segmented_control(T["indicator"], list(maps.INDICATORS), default=maps.DEFAULT_INDICATOR, required=True,
                              format_func=lambda k: T[maps.INDICATORS[k].short], key="south_indicator",
                              bind="query-params")
indicator = maps.indicator(choice)
focus = st.session_state.get(FOCUS) if st.session_state.get(FOCUS) in known else None
st.caption(T["geography_note"] + " " + T["click_hint"])

left, right = st.columns([3, 2], gap="large")
with left:
    source = T["boundaries_note"] if boundaries.usable else T["tiles_note"]
    ui.chart_block(
        "south_map", lambda f: maps.commune_map(f, communes_ref, indicator.key, boundaries=boundaries,
                                                selected=selected, focus=focus),
        coverage, MAP_COLUMNS, COMMUNE_SPEC, title=f"{labels.indicator('south_map')} — {labels.indicator(indicator.glossary)}",
        definition=f"{labels.definition(indicator.glossary)} {labels.definition('south_map')} {source}",
        filters=filters, **clickable("south_map"))
    outside = {r["area"]: r for r in areas.filter(pl.col("area_kind") == "outside").iter_rows(named=True)}
    for area, text in (("hors_province", "outside"), ("unknown", "unknown")):
        if area in outside:
            st.markdown(f":material/info: {T[text].format(patients=count_text(outside[area]['patients']), sessions=count_text(outside[area]['sessions']))}")
    focus_name = focus_panel(focus) if focus else None
with right:
    share = ui.frame("south/south_share_by_month", **filters.params(*PARAMS))
    ui.chart_block("south_share_by_month", lambda f: charts.south_share_by_month(f, milestones, period=period), share,
                   SHARE_COLUMNS, SHARE_SPEC, title=labels.indicator("south_share_by_month"),
                   definition=labels.definition("south_share_by_month"), filters=filters)
    ui.chart_block("south_north_south", lambda f: charts.north_south(f, indicator.key), areas, AREA_COLUMNS,
                   AREA_SPEC, title=f"{labels.indicator('north_south')} — {labels.indicator(indicator.glossary)}",
                   definition=labels.definition("north_south"), filters=filters)

if focus:
    monthly = ui.frame("south/commune_by_month", commune=focus, **filters.params(*PARAMS))
    ui.chart_block("south_commune_by_month", lambda f: charts.commune_by_month(f, milestones, period=period), monthly,
                   MONTH_COLUMNS, MONTH_SPEC, title=f"{labels.indicator('commune_by_month')} — {focus_name}",
                   definition=labels.definition("commune_by_month"), filters=filters)

left, right = st.columns(2, gap="large")
with left:
    ui.chart_block("south_offer_vs_reach", lambda f: charts.offer_vs_reach(f, focus=focus), in_selection, MAP_COLUMNS,
                   COMMUNE_SPEC, title=labels.indicator("offer_vs_reach"), definition=labels.definition("offer_vs_reach"),
                   filters=filters, **clickable("south_offer_vs_reach"))
with right:
    ui.chart_block("south_coverage_gaps", lambda f: charts.coverage_gaps(f, focus=focus), in_selection, GAP_COLUMNS,
                   GAP_SPEC, title=labels.indicator("coverage_gaps"), definition=labels.definition("coverage_gaps"),
                   filters=filters, **clickable("south_coverage_gaps"))

without = in_selection.filter(pl.col("without_offer"))
if without.is_empty():
    st.subheader(labels.indicator("communes_without_offer"))
    st.info(T["no_offer_none"])
else:
    ui.chart_block("south_without_offer", lambda f: charts.communes_without_offer(f, focus=focus), without,
                   NO_OFFER_COLUMNS, Spec(dimensions=("nis",), counts=("sessions",)),
                   title=labels.indicator("communes_without_offer"),
                   definition=labels.definition("communes_without_offer"), filters=filters,
                   **clickable("south_without_offer"))
    st.caption(T["no_offer_summary"].format(count=without.height, population=fmt.integer(without["population"].sum()),
                                            share=fmt.percent(100 * without["population"].sum()
                                                              / in_selection["population"].sum())))
