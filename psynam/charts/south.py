"""Charts of the south page beside the map: the south's share of sessions against its share of population,
north against south per inhabitant, offer against reach, communes without offer, the largest coverage gaps
and one commune month by month. Pure builders: frame in, Figure out; every commune bar or point carries
its NIS code as customdata[0] so a click focuses the page on it (psynam.charts.maps.clicked_nis).
"""

from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import polars as pl

from psynam import formatting as fmt, labels
from psynam.charts import PALETTE, base_layout, empty, mark_dates
from psynam.charts.maps import ARRONDISSEMENT_LINES, indicator, value_text
from psynam.labels import south as words

GAP_THRESHOLD = 0.5  # docs/indicators.md: a coverage index below 0.5 is a gap to show
# The arrondissement of Namur is the north: it is shown once, as the north.
AREA_ORDER = ("north", "south", "Dinant", "Philippeville", "province")


def area_label(area: str) -> str:
    """French name of an area of reach_by_area (north, south, province, outside, or an arrondissement)."""
    named = {"north": "north", "south": "south", "province": "province", "hors_province": "hors_province",
             "unknown": "unknown_area"}
    return words.TEXT[named[area]] if area in named else words.TEXT["arrondissement_of"].format(name=area)


def _short_area(area: str) -> str:
    if area in ("north", "south"):
        return words.TEXT[f"{area}_short"]
    return words.TEXT["arrondissement_short"].format(name=area)


def with_area_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """reach_by_area with its French area names (area_label), for the chart and its downloads."""
    return frame.with_columns(pl.col("area").map_elements(area_label, return_dtype=pl.Utf8).alias("area_label"))


def _arr_colour(arr: str) -> str:
    return ARRONDISSEMENT_LINES.get(arr, PALETTE["muted"])


def south_share_by_month(frame: pl.DataFrame, milestones: pl.DataFrame, *,
                         period: tuple[date, date] | None = None) -> go.Figure:
    """The south's monthly share of the province's sessions, and its (constant) share of population."""
    if frame.is_empty():
        return empty()
    frame = frame.sort("month")
    months = frame["month"].to_list()
    fig = go.Figure()
    fig.add_trace(go.Scatter(
        x=months, y=frame["south_sessions_pct"].to_list(), name=words.TEXT["south_share_line"],
        mode="lines+markers", line={"color": PALETTE["south"], "width": 2.5}, marker={"size": 6},
        customdata=[[value_text(s, 0), value_text(p, 0)] for s, p in
                    zip(frame["south_sessions"].to_list(), frame["province_sessions"].to_list())],
        hovertemplate=(f"%{{x|%m/%Y}}<br>{words.TEXT['south_share_line']} : %{{y:,.1f}} %<br>"
                       f"{words.TEXT['south_sessions']} : %{{customdata[0]}} / %{{customdata[1]}}<extra></extra>"),
    ))
    population = next((v for v in frame["south_population_pct"].to_list() if v is not None), None)
    if population is not None:
        fig.add_trace(go.Scatter(
            x=[months[0], months[-1]] if len(months) > 1 else months * 2, y=[population, population],
            name=f"{words.TEXT['south_population_line']} ({fmt.percent(population)})", mode="lines",
            line={"color": PALETTE["north"], "width": 2, "dash": "dash"}, hoverinfo="skip"))
    base_layout(fig, height=340)
    fig.update_xaxes(tickformat="%m/%Y", title=None)
    fig.update_yaxes(title=words.TEXT["share_axis"], ticksuffix=" %", range=[0, 100])
    if period:
        fig.update_xaxes(range=[period[0].replace(day=1), period[1]])
    return mark_dates(fig, milestones, within=period)


def north_south(frame: pl.DataFrame, indicator_key: str) -> go.Figure:
    """The chosen indicator for north, south, each arrondissement, with the province as a dotted line."""
    ind = indicator(indicator_key)
    # Keyed by the French area name: the published frame (public mode, image downloads) keeps only that.
    names = {area: area_label(area) for area in AREA_ORDER}
    rows = {r["area_label"]: r for r in frame.iter_rows(named=True) if r["area_label"] in names.values()}
    if not rows:
        return empty()
    shown = [a for a in AREA_ORDER if names[a] in rows and a != "province"]
    colours = {"north": PALETTE["north"], "south": PALETTE["south"]}
    fig = go.Figure(go.Bar(
        x=[_short_area(a) for a in shown], y=[rows[names[a]][ind.column] for a in shown],
        marker={"color": [colours.get(a, _arr_colour(a)) for a in shown]},
        text=[value_text(rows[names[a]][ind.column], ind.decimals) for a in shown], textposition="outside",
        customdata=[[value_text(rows[names[a]].get("population"), 0)] for a in shown],
        hovertemplate=(f"%{{x}}<br>{labels.indicator(ind.glossary)} : %{{text}}<br>"
                       f"{words.TEXT['population']} : %{{customdata[0]}}<extra></extra>"),
        showlegend=False,
    ))
    province = rows.get(names["province"], {}).get(ind.column)
    if province is not None:
        fig.add_trace(go.Scatter(
            x=[fig.data[0].x[0], fig.data[0].x[-1]], y=[province, province], mode="lines", hoverinfo="skip",
            name=f"{words.TEXT['province']} : {value_text(province, ind.decimals)}",
            line={"color": PALETTE["milestone"], "dash": "dot", "width": 2}))
    base_layout(fig, height=340)
    fig.update_yaxes(title=words.TEXT[ind.short], tickformat=",.1f" if ind.decimals == 1 else ",.2f")
    fig.update_xaxes(title=None, tickangle=0)
    return fig


def offer_vs_reach(frame: pl.DataFrame, *, focus: str | None = None) -> go.Figure:
    """Per commune: offer (sessions delivered per 10 000) against reach (residents per 1 000)."""
    points = frame.filter(pl.col("reach_per_1000").is_not_null() & pl.col("offer_per_10000").is_not_null())
    if points.is_empty():
        return empty()
    fig = go.Figure()
    size_ref = max(points["population"].max() or 1, 1)
    for arr in sorted(points["arrondissement"].unique()):
        part = points.filter(pl.col("arrondissement") == arr)
        fig.add_trace(go.Scatter(
            x=part["reach_per_1000"].to_list(), y=part["offer_per_10000"].to_list(), mode="markers", name=arr,
            marker={"color": _arr_colour(arr), "size": [8 + 22 * (p / size_ref) ** 0.5 for p in part["population"]],
                    "line": {"color": [PALETTE["accent"] if n == focus else "white" for n in part["nis"]],
                             "width": [3 if n == focus else 1 for n in part["nis"]]}, "opacity": 0.85},
            customdata=[[n, name, fmt.integer(p)] for n, name, p in
                        zip(part["nis"], part["name_fr"], part["population"])],
            hovertemplate=(f"<b>%{{customdata[1]}}</b><br>{labels.indicator('reach_per_1000')} : %{{x:,.1f}}<br>"
                           f"{labels.indicator('offer_per_10000')} : %{{y:,.1f}}<br>"
                           f"{words.TEXT['population']} : %{{customdata[2]}}<extra>{arr}</extra>"),
        ))
    base_layout(fig, height=380)
    fig.update_xaxes(title=labels.indicator("reach_per_1000"), tickformat=",.1f", showgrid=True,
                     gridcolor="#e9ecef", rangemode="tozero")
    fig.update_yaxes(title=labels.indicator("offer_per_10000"), tickformat=",.1f")
    return fig


def _commune_bars(part: pl.DataFrame, value: str, colours: list[str], text: list[str], hover: str,
                  axis_title: str, *, focus: str | None, height: int | None = None) -> go.Figure:
    fig = go.Figure(go.Bar(
        y=part["name_fr"].to_list(), x=part[value].to_list(), orientation="h", marker={
            "color": colours, "line": {"color": [PALETTE["accent"] if n == focus else "rgba(0,0,0,0)"
                                                 for n in part["nis"]], "width": 3}},
        text=text, textposition="outside", cliponaxis=False,
        customdata=[[n, a] for n, a in zip(part["nis"], part["arrondissement"])], hovertemplate=hover,
        showlegend=False))
    base_layout(fig, height=height or max(220, 90 + 28 * part.height))
    fig.update_yaxes(autorange="reversed", title=None, gridcolor="rgba(0,0,0,0)")
    fig.update_xaxes(title=axis_title, showgrid=True, gridcolor="#e9ecef")
    return fig


def communes_without_offer(frame: pl.DataFrame, *, focus: str | None = None) -> go.Figure:
    """Communes with no session delivered and no active partner, by population (largest first)."""
    part = frame.filter(pl.col("without_offer")) if "without_offer" in frame.columns else frame
    part = part.sort(["population", "nis"], descending=[True, False])
    if part.is_empty():
        return empty(words.TEXT["no_offer_none"])
    return _commune_bars(
        part, "population", [_arr_colour(a) for a in part["arrondissement"]],
        [fmt.integer(p) for p in part["population"]],
        f"<b>%{{y}}</b><br>{words.TEXT['arrondissement']} : %{{customdata[1]}}<br>"
        f"{words.TEXT['population']} : %{{x:,.0f}}<extra></extra>", words.TEXT["population"], focus=focus)


def coverage_gaps(frame: pl.DataFrame, *, focus: str | None = None, limit: int = 12) -> go.Figure:
    """The communes furthest below the province's reach: lowest coverage index first (ties: most
    populous first), gaps (below 0.5) in red, the province average and the gap threshold marked."""
    part = (frame.filter(pl.col("coverage_index").is_not_null() & (pl.col("coverage_index") < 1))
            .sort(["coverage_index", "population", "nis"], descending=[False, True, False]).head(limit))
    if part.is_empty():
        return empty(words.TEXT["no_gaps"])
    gaps = part["patients_gap"].to_list() if "patients_gap" in part.columns else [None] * part.height
    fig = _commune_bars(
        part, "coverage_index",
        [PALETTE["accent"] if v < GAP_THRESHOLD else PALETTE["north"] for v in part["coverage_index"]],
        [fmt.decimal(v, 2) for v in part["coverage_index"]],
        f"<b>%{{y}}</b><br>{words.TEXT['arrondissement']} : %{{customdata[1]}}<br>"
        f"{labels.indicator('coverage_index')} : %{{x:,.2f}}<br>{words.TEXT['patients_gap']} : %{{customdata[2]}}"
        "<extra></extra>", labels.indicator("coverage_index"), focus=focus)
    fig.data[0].customdata = [[n, a, value_text(g, 0)] for n, a, g in
                              zip(part["nis"], part["arrondissement"], gaps)]
    for x, text in ((GAP_THRESHOLD, words.TEXT["gap_threshold"]), (1.0, words.TEXT["province_average"])):
        fig.add_vline(x=x, line={"color": PALETTE["milestone"], "dash": "dot", "width": 1.5},
                      annotation_text=text, annotation_position="top", annotation_font={"size": 11})
    fig.update_xaxes(range=[0, 1.15], tickformat=",.1f")
    fig.update_layout(margin={"t": 40})
    return fig


def commune_by_month(frame: pl.DataFrame, milestones: pl.DataFrame, *,
                     period: tuple[date, date] | None = None) -> go.Figure:
    """The focused commune: sessions delivered there (bars) and its residents who are patients (line)."""
    if frame.is_empty():
        return empty()
    frame = frame.sort("month")
    fig = go.Figure()
    fig.add_trace(go.Bar(x=frame["month"].to_list(), y=frame["sessions"].to_list(),
                         name=words.TEXT["monthly_sessions"], marker={"color": PALETTE["south"]},
                         hovertemplate=f"%{{x|%m/%Y}}<br>{words.TEXT['monthly_sessions']} : %{{y:,.0f}}<extra></extra>"))
    fig.add_trace(go.Scatter(x=frame["month"].to_list(), y=frame["patients"].to_list(), mode="lines+markers",
                             name=words.TEXT["monthly_patients"], line={"color": PALETTE["RSN"], "width": 2.5},
                             hovertemplate=f"%{{x|%m/%Y}}<br>{words.TEXT['monthly_patients']} : %{{y:,.0f}}<extra></extra>"))
    base_layout(fig, height=320)
    fig.update_xaxes(tickformat="%m/%Y", title=None)
    fig.update_yaxes(tickformat=",.0f", title=None)
    if period:
        fig.update_xaxes(range=[period[0].replace(day=1), period[1]])
    return mark_dates(fig, milestones, within=period)
