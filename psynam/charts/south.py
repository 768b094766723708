"""Charts of the south page beside the map: the south's share of sessions against its share of population,
north against south per inhabitant, offer against reach, communes without offer, the largest coverage gaps
and one commune month by month. Pure builders: a published table in (psynam.charts.unpack; the rows as the
view selected and ordered them), a Figure out; every commune bar or point carries its NIS code as
customdata[0] so a click focuses the page on it (psynam.charts.maps.clicked_nis).

A hidden cell is never drawn as a value: a hidden bar is a labelled gap (`mark_bars`), a hidden month
breaks its line and is marked at the foot (`mark_points`), a commune whose place on the scatter is hidden is
named in a legend entry instead of being placed.
"""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from psynam import formatting as fmt, labels
from psynam.charts import PALETTE, base_layout, empty, mark_bars, mark_dates, mark_points, unpack
from psynam.charts.maps import ARRONDISSEMENT_LINES, cell_text, decimals_for, hidden_rows, indicator, value_text
from psynam.charts.spec import Bar, Fig, Scatter, builder
from psynam.labels import south as words
from psynam.views.south import GAP_THRESHOLD

# The arrondissement of Namur is the north: it is shown once, as the north.
AREA_ORDER = ("north", "south", "Dinant", "Philippeville")
NOT_PLACED_NAMED = 4  # the scatter's legend names this many hidden communes, then counts the others


def _short_area(area: str) -> str:
    if area in ("north", "south"):
        return words.TEXT[f"{area}_short"]
    return words.TEXT["arrondissement_short"].format(name=area)


def _arr_colour(arr: str) -> str:
    return ARRONDISSEMENT_LINES.get(arr, PALETTE["muted"])


def _month_axis(fig: Fig, period: tuple[date, date] | None) -> None:
    """A monthly x axis: the period's months, half a month before the first (its point, drawn on the
    month's first day, would otherwise sit on the axis, cut in half); a tick a month for a short period
    (Plotly's own ticks would repeat `10/2026` for every week of one month)."""
    fig.update_xaxes(tickformat="%m/%Y", title=None)
    if not period:
        return
    first = period[0].replace(day=1)
    fig.update_xaxes(range=[first - timedelta(days=15), period[1]])
    if (period[1].year - first.year) * 12 + period[1].month - first.month < 6:
        fig.update_xaxes(dtick="M1", tick0=first)


def _by_month(frame: pl.DataFrame) -> list[int]:
    """Row indices in month order (the marks stay with their rows)."""
    return sorted(range(frame.height), key=lambda i: frame["month"][i])


@builder
def south_share_by_month(table, milestones: pl.DataFrame, *, period: tuple[date, date] | None = None) -> Fig:
    """The south's monthly share of the province's sessions, and its (constant) share of population; a
    hidden month breaks the line and carries its mark at the foot of the chart."""
    frame, published = unpack(table)
    if frame.is_empty():
        return empty()
    order = _by_month(frame)
    months = [frame["month"][i] for i in order]
    fig = Fig()
    fig.add_trace(Scatter(
        x=months, y=[frame["south_sessions_pct"][i] for i in order], name=words.TEXT["south_share_line"],
        mode="lines+markers", line={"color": PALETTE["south"], "width": 2.5}, marker={"size": 6}, cliponaxis=False,
        customdata=[[cell_text(published, "south_sessions", i), cell_text(published, "province_sessions", i)]
                    for i in order],
        hovertemplate=(f"%{{x|%m/%Y}}<br>{words.TEXT['south_share_line']} : %{{y:,.1f}} %<br>"
                       f"{words.TEXT['south_sessions']} : %{{customdata[0]}} / %{{customdata[1]}}<extra></extra>"),
    ))
    population = next((v for v in frame["south_population_pct"].to_list() if v is not None), None)
    if population is not None:
        fig.add_trace(Scatter(
            x=[months[0], months[-1]] if len(months) > 1 else months * 2, y=[population, population],
            name=f"{words.TEXT['south_population_line']} ({fmt.percent(population)})", mode="lines",
            line={"color": PALETTE["north"], "width": 2, "dash": "dash"}, hoverinfo="skip"))
    marks = published.column_marks("south_sessions_pct")
    mark_points(fig, months, [marks[i] for i in order])
    base_layout(fig, height=340)
    _month_axis(fig, period)
    fig.update_yaxes(title=words.TEXT["share_axis"], ticksuffix=" %", range=[0, 100])
    return mark_dates(fig, milestones, within=period)


@builder
def north_south(table, indicator_key: str) -> Fig:
    """The chosen indicator for north, south and the southern arrondissements, the province as a dotted
    line (table: south/areas, published). A hidden bar is a labelled gap; a hidden province line is named
    with its mark in the legend, and not drawn."""
    frame, published = unpack(table)
    ind = indicator(indicator_key)
    index = {a: i for i, a in enumerate(frame["area"].to_list())} if "area" in frame.columns else {}
    shown = [a for a in AREA_ORDER if a in index]
    if not shown:
        return empty()
    x = [_short_area(a) for a in shown]
    values = [frame[ind.column][index[a]] for a in shown]
    marks = [published.mark(ind.column, index[a]) for a in shown]
    places = decimals_for(values + [frame[ind.column][index["province"]] if "province" in index else None],
                          ind.decimals)
    colours = {"north": PALETTE["north"], "south": PALETTE["south"]}
    fig = Fig()
    if "province" in index:
        # The province: a dotted line under the bars (a bar's value is never struck through), named with its
        # value in the legend; when hidden, named with its mark and not drawn.
        i = index["province"]
        province, mark = frame[ind.column][i], published.mark(ind.column, i)
        line = {"color": PALETTE["milestone"], "dash": "dot", "width": 2}
        fig.add_trace(Scatter(x=[None], y=[None], mode="lines", hoverinfo="skip", line=line, showlegend=True,
                              name=f"{words.TEXT['province']} : {value_text(province, places, mark)}"))
        if province is not None:
            fig.add_shape(type="line", xref="x", x0=-0.5, x1=len(x) - 0.5, y0=province, y1=province, line=line,
                          layer="below")
    fig.add_trace(Bar(
        x=x, y=values, marker={"color": [colours.get(a, _arr_colour(a)) for a in shown]},
        text=["" if m else value_text(v, places) for v, m in zip(values, marks)], textposition="outside",
        cliponaxis=False, customdata=[[fmt.integer(frame["population"][index[a]])] for a in shown],
        hovertemplate=(f"%{{x}}<br>{labels.indicator(ind.glossary)} : %{{text}}<br>"
                       f"{words.TEXT['population']} : %{{customdata[0]}}<extra></extra>"),
        showlegend=False,
    ))
    mark_bars(fig, x, marks)
    base_layout(fig, height=340)
    fig.update_yaxes(title=words.TEXT[ind.short], tickformat=f",.{places}f")
    # categories whatever comes first (a hidden province's empty line would make the axis numeric)
    fig.update_xaxes(title=None, tickangle=0, type="category", categoryorder="array", categoryarray=x)
    return fig


@builder
def offer_vs_reach(table, *, focus: str | None = None) -> Fig:
    """Per commune: offer (sessions delivered per 10 000) against reach (residents per 1 000). A commune
    whose reach or offer is hidden is not placed: it is named, with the mark, in a legend entry."""
    frame, published = unpack(table)
    if frame.is_empty():
        return empty()
    hidden = hidden_rows(published, "reach_per_1000", "offer_per_10000")
    placed = [i for i in range(frame.height) if not hidden[i] and frame["reach_per_1000"][i] is not None
              and frame["offer_per_10000"][i] is not None]
    fig = Fig()
    points = frame[placed] if placed else frame.clear()
    size_ref = max(points["population"].max() or 1, 1) if placed else 1
    x_places = decimals_for(points["reach_per_1000"].to_list(), 1)
    y_places = decimals_for(points["offer_per_10000"].to_list(), 1)
    for arr in sorted(points["arrondissement"].unique()):
        part = points.filter(pl.col("arrondissement") == arr)
        fig.add_trace(Scatter(
            x=part["reach_per_1000"].to_list(), y=part["offer_per_10000"].to_list(), mode="markers", name=arr,
            marker={"color": _arr_colour(arr), "size": [8 + 22 * (p / size_ref) ** 0.5 for p in part["population"]],
                    "line": {"color": [PALETTE["accent"] if n == focus else "white" for n in part["nis"]],
                             "width": [3 if n == focus else 1 for n in part["nis"]]}, "opacity": 0.85},
            customdata=[[n, name, fmt.integer(p)] for n, name, p in
                        zip(part["nis"], part["name_fr"], part["population"])],
            hovertemplate=(f"<b>%{{customdata[1]}}</b><br>{labels.indicator('reach_per_1000')} : %{{x:,.{x_places}f}}<br>"
                           f"{labels.indicator('offer_per_10000')} : %{{y:,.{y_places}f}}<br>"
                           f"{words.TEXT['population']} : %{{customdata[2]}}<extra>{arr}</extra>"),
        ))
    names = [frame["name_fr"][i] for i in range(frame.height) if hidden[i]]
    if names:
        more = len(names) - NOT_PLACED_NAMED
        listed = ", ".join(names[:NOT_PLACED_NAMED])
        fig.add_trace(Scatter(
            x=[None], y=[None], mode="markers", hoverinfo="skip", showlegend=True,
            marker={"symbol": "circle-open", "size": 10, "color": PALETTE["milestone"]},
            name=words.TEXT["not_placed"].format(
                names=words.TEXT["not_placed_more"].format(names=listed, more=more) if more > 0 else listed)))
    if not placed and not names:
        return empty()
    base_layout(fig, height=380)
    fig.update_xaxes(title=labels.indicator("reach_per_1000"), tickformat=f",.{x_places}f", showgrid=True,
                     gridcolor="#e9ecef", range=_padded(points["reach_per_1000"].to_list()))
    fig.update_yaxes(title=labels.indicator("offer_per_10000"), tickformat=f",.{y_places}f",
                     range=_padded(points["offer_per_10000"].to_list()))
    return fig


def _padded(values: list) -> list[float]:
    """An axis range from 0 with room on both sides for the largest bubble: a commune at 0 is drawn whole,
    not cut by the axis."""
    top = max([v for v in values if v is not None] or [0]) or 1
    return [-0.05 * top, 1.08 * top]


def _commune_bars(frame: pl.DataFrame, values: list, colours: list[str], text: list[str], hover: str,
                  axis_title: str, *, focus: str | None, customdata: list, height: int | None = None) -> Fig:
    fig = Fig(Bar(
        y=frame["name_fr"].to_list(), x=values, orientation="h", marker={
            "color": colours, "line": {"color": [PALETTE["accent"] if n == focus else "rgba(0,0,0,0)"
                                                 for n in frame["nis"]], "width": 3}},
        text=text, textposition="outside", cliponaxis=False, customdata=customdata, hovertemplate=hover,
        showlegend=False))
    base_layout(fig, height=height or max(220, 90 + 28 * frame.height))
    fig.update_yaxes(autorange="reversed", title=None, gridcolor="rgba(0,0,0,0)")
    fig.update_xaxes(title=axis_title, showgrid=True, gridcolor="#e9ecef")
    return fig


@builder
def communes_without_offer(table, *, focus: str | None = None) -> Fig:
    """Communes with no session delivered and no active partner, by population (rows as given: the view
    puts the largest first). Populations are never hidden; a commune without offer has no count to hide."""
    frame, _ = unpack(table)
    if frame.is_empty():
        return empty(words.TEXT["no_offer_none"])
    return _commune_bars(
        frame, frame["population"].to_list(), [_arr_colour(a) for a in frame["arrondissement"]],
        [fmt.integer(p) for p in frame["population"]],
        f"<b>%{{y}}</b><br>{words.TEXT['arrondissement']} : %{{customdata[1]}}<br>"
        f"{words.TEXT['population']} : %{{x:,.0f}}<extra></extra>", words.TEXT["population"], focus=focus,
        customdata=[[n, a] for n, a in zip(frame["nis"], frame["arrondissement"])]).update_xaxes(tickformat=",.0f")


@builder
def coverage_gaps(table, *, focus: str | None = None) -> Fig:
    """The communes furthest below the province's reach (rows as given: the view's lowest coverage index
    first), gaps (below 0.5) in red, the province average and the gap threshold marked; a hidden index is
    a labelled gap at the axis."""
    frame, published = unpack(table)
    if frame.is_empty():
        return empty(words.TEXT["no_gaps"])
    values = frame["coverage_index"].to_list()
    marks = published.column_marks("coverage_index")
    fig = _commune_bars(
        frame, values, [PALETTE["accent"] if v is not None and v < GAP_THRESHOLD else PALETTE["north"] for v in values],
        ["" if m or v is None else fmt.decimal(v, 2) for v, m in zip(values, marks)],
        f"<b>%{{y}}</b><br>{words.TEXT['arrondissement']} : %{{customdata[1]}}<br>"
        f"{labels.indicator('coverage_index')} : %{{x:,.2f}}<br>{words.TEXT['patients_gap']} : %{{customdata[2]}}"
        "<extra></extra>", labels.indicator("coverage_index"), focus=focus,
        customdata=[[n, a, cell_text(published, "patients_gap", i, 0)]
                    for i, (n, a) in enumerate(zip(frame["nis"], frame["arrondissement"]))])
    mark_bars(fig, frame["name_fr"].to_list(), marks, horizontal=True)
    fig.update_yaxes(ticklabelstandoff=6)  # a commune's name clear of the mark written at the axis
    for x, text in ((GAP_THRESHOLD, words.TEXT["gap_threshold"]), (1.0, words.TEXT["province_average"])):
        fig.add_vline(x=x, line={"color": PALETTE["milestone"], "dash": "dot", "width": 1.5},
                      annotation_text=text, annotation_position="top", annotation_font={"size": 11})
    fig.update_xaxes(range=[0, 1.15], tickformat=",.1f")
    fig.update_layout(margin={"t": 40})
    return fig


@builder
def commune_by_month(table, milestones: pl.DataFrame, *, period: tuple[date, date] | None = None) -> Fig:
    """The focused commune: sessions delivered there (bars) and its residents who are patients (line); a
    hidden month has no bar or point, its marks are written at the foot of the chart."""
    frame, published = unpack(table)
    if frame.is_empty():
        return empty()
    order = _by_month(frame)
    months = [frame["month"][i] for i in order]
    fig = Fig()
    fig.add_trace(Bar(x=months, y=[frame["sessions"][i] for i in order],
                      name=words.TEXT["monthly_sessions"], marker={"color": PALETTE["south"]},
                      hovertemplate=f"%{{x|%m/%Y}}<br>{words.TEXT['monthly_sessions']} : %{{y:,.0f}}<extra></extra>"))
    fig.add_trace(Scatter(x=months, y=[frame["patients"][i] for i in order], mode="lines+markers",
                          cliponaxis=False, name=words.TEXT["monthly_patients"],
                          line={"color": PALETTE["RSN"], "width": 2.5},
                          hovertemplate=f"%{{x|%m/%Y}}<br>{words.TEXT['monthly_patients']} : %{{y:,.0f}}<extra></extra>"))
    sessions, patients = published.column_marks("sessions"), published.column_marks("patients")
    before = len(fig.layout.annotations or [])
    mark_points(fig, months, [" · ".join(t for t in (
        sessions[i] and words.TEXT["hidden_sessions"].format(mark=sessions[i]),
        patients[i] and words.TEXT["hidden_patients"].format(mark=patients[i])) if t) for i in order])
    for note in (fig.layout.annotations or [])[before:]:
        note.yshift = 8  # clear of a line of zeros (a month of group sessions has no patient)
    base_layout(fig, height=320)
    _month_axis(fig, period)
    top = max([v for c in ("sessions", "patients") for v in frame[c].to_list() if v is not None] or [0])
    # counts: whole ticks only (a commune's few sessions would otherwise read 0, 0, 1, 1 on the axis)
    fig.update_yaxes(tickformat=",.0f", title=None, **({"dtick": 1, "range": [0, max(top, 1) + 0.5]} if top < 5 else {}))
    return mark_dates(fig, milestones, within=period)
