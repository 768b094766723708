"""Le sud de la province: the 38 communes on a map coloured by a chosen indicator, the south's share of sessions,
north against south, offer against reach, communes without offer and the largest coverage gaps, placed from
the south view (psynam/views/south.py). A click on a commune (map or bar) focuses the page on it."""

import streamlit as st

from psynam import blocks, formatting as fmt, geo, labels, reference, ui
from psynam.charts import maps, south as charts
from psynam.labels import south as words
from psynam.views.south import FOCUS_FIGURES, South

T = words.TEXT
FOCUS = "south_commune"  # the page-level commune focus (the shared filter bar's "commune" is not ours)
HELP = {"patients": labels.definition("reach_per_1000"), "active_partners": labels.definition("partners_per_10000")}

filters = st.session_state.get("filters")
st.title(labels.PAGES["south"])
if filters is None:
    st.stop()
st.caption(labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to))
           + " · " + T["intro"])
view = South(ui.source(), filters)
if not view.has_sessions:
    st.info(labels.MESSAGES["no_data"])
    st.stop()

communes = reference.communes()
known = set(communes["nis"])
period = (filters.date_from, filters.date_to)
milestones = reference.frame("ref_milestones")
if FOCUS not in st.session_state and st.query_params.get(FOCUS) in known:
    st.session_state[FOCUS] = st.query_params[FOCUS]  # a copied link keeps the focused commune


def focus_on(nis: str | None) -> None:
    """The page's focus, in the session and in the link (?south_commune=NIS)."""
    if nis:
        st.session_state[FOCUS] = st.query_params[FOCUS] = nis
    else:
        st.session_state.pop(FOCUS, None)
        st.query_params.pop(FOCUS, None)


def clickable(chart_key: str) -> dict:
    """on_select: a clicked commune (map, scatter or bar) becomes the page's focus."""
    return {"on_select": lambda: focus_on(maps.clicked_nis(st.session_state.get(chart_key), known) or
                                          st.session_state.get(FOCUS)), "selection_mode": "points"}


top = st.columns([3, 1])
indicator = maps.indicator(top[0].segmented_control(
    T["indicator"], list(maps.INDICATORS), default=maps.DEFAULT_INDICATOR, required=True,
    format_func=lambda k: T[maps.INDICATORS[k].short], key="south_indicator", bind="query-params"))
tiles = top[1].segmented_control(T["map_style"], ["limites", "tuiles"], default="limites", required=True,
                                 format_func=lambda k: T[f"map_style_{k}"], key="south_layout",
                                 bind="query-params") == "tuiles"
boundaries = geo.Boundaries() if tiles else geo.load_boundaries(communes)
if boundaries.warning:
    st.warning(boundaries.warning)
focus = st.session_state.get(FOCUS) if st.session_state.get(FOCUS) in known else None
st.caption(T["geography_note"] + " " + T["click_hint"])

note = T["boundaries_note"] if boundaries.usable else T["tiles_note"]
blocks.chart("south_map", view.coverage_map(indicator.glossary, note), lambda t: maps.commune_map(
    t, communes, indicator.key, boundaries=boundaries, selected=view.selected, focus=focus),
    subset="map", **clickable("south_map"))
for part, text in ((view.outside_province, "outside"), (view.unknown_commune, "unknown")):
    if not part.is_empty:
        st.markdown(f":material/info: {blocks.sentence(T[text], part)}")
if focus:  # the focused commune's figures, published as every output publishes them
    row = view.commune(focus)
    head, button = st.columns([4, 1], vertical_alignment="center")
    head.subheader(blocks.sentence(T["focus"], row))
    button.button(T["reset"], key="south_reset", icon=":material/close:", on_click=focus_on, args=(None,))
    blocks.cards(row, None, FOCUS_FIGURES, per_row=3, help=HELP)
left, right = st.columns(2, gap="large")
with left:
    blocks.chart("south_share_by_month", view.south_share_by_month,
                 lambda t: charts.south_share_by_month(t, milestones, period=period))
with right:
    blocks.chart("south_north_south", view.north_south(indicator.glossary),
                 lambda t: charts.north_south(t, indicator.key))

if focus:
    blocks.chart("south_commune_by_month", view.commune_by_month(focus),
                 lambda t: charts.commune_by_month(t, milestones, period=period))

left, right = st.columns(2, gap="large")
with left:
    blocks.chart("south_offer_vs_reach", view.offer_vs_reach, lambda t: charts.offer_vs_reach(t, focus=focus),
                 subset="map", **clickable("south_offer_vs_reach"))
with right:
    blocks.chart_or_note("south_coverage_gaps", view.coverage_gaps, lambda t: charts.coverage_gaps(t, focus=focus),
                         T["no_gaps"], subset="gaps", **clickable("south_coverage_gaps"))
blocks.chart_or_note("south_without_offer", view.without_offer, lambda t: charts.communes_without_offer(t, focus=focus),
                     T["no_offer_none"], subset="without_offer", **clickable("south_without_offer"))
if not view.without_offer.is_empty:
    st.caption(blocks.sentence(T["no_offer_summary"], view.no_offer_summary))
