"""The south page's map of the 38 communes, coloured by one indicator: the real commune boundaries by default
(psynam.geo: the shipped Statbel copy, or $PSYNAM_BOUNDARIES), an equal-tile map from the reference centroids
as an option or when no boundaries file is usable.

Both are pure builders (published table -> Figure, psynam.charts.unpack) that work offline; every commune
carries its NIS code as `customdata[0]`, so a click on it can be turned back into a commune
(`clicked_nis`). A hidden value is never a colour of the scale: its commune is filled with HIDDEN (hatched
on tiles), its mark (`< 5`, `masqué`) is in the hover, and the legend says what the fill means.
"""

from __future__ import annotations

from dataclasses import dataclass

from plotly.colors import sample_colorscale, unlabel_rgb
import polars as pl

from psynam import formatting as fmt, geo, labels
from psynam.charts import FONT, PALETTE, base_layout, empty, unpack
from psynam.charts.spec import Choropleth, Fig, Heatmap, Scatter, Scattergeo, builder
from psynam.labels import south as words

SEQUENTIAL = [[0.0, "#f1f7fb"], [0.35, "#a9cfe0"], [0.7, "#3f8fb8"], [1.0, "#123f5e"]]
# Coverage index: red below the province average, neutral at 1.0, blue above; 0.5 (a gap) is mid-red.
DIVERGING = [[0.0, "#a4161a"], [0.25, "#e5989b"], [0.5, "#f8f9fa"], [0.75, "#8ab6d6"], [1.0, "#1f5f8b"]]
COVERAGE_RANGE = (0.0, 2.0)
NO_VALUE = "#dee2e6"
# A hidden value: a sand fill that is on neither colour scale (nor the grey of "no value"), hatched on tiles.
HIDDEN = "#d8c7a3"
HATCH = "#8d7b5a"
ARRONDISSEMENT_LINES = {"Namur": "#000000", "Dinant": "#CC79A7", "Philippeville": "#9c6644"}
# The colour bar lies across the top of the map: at a phone's width a vertical bar would take a third of it.
COLOUR_BAR = {"orientation": "h", "x": 0.5, "xanchor": "center", "y": 1.0, "yanchor": "bottom", "len": 0.9,
              "thickness": 12}
MAP_MARGIN = {"t": 70, "b": 40, "l": 0, "r": 0}
FADED = 0.28  # opacity of communes outside the shared geography filter


@dataclass(frozen=True)
class Indicator:
    key: str          # the value of the page's indicator control (and of ?south_indicator= in links)
    column: str       # the frame column that colours the map
    glossary: str     # key of its name and definition in labels.INDICATORS
    short: str        # key of its short label in labels.south.TEXT
    decimals: int = 1


INDICATORS = {
    "reach": Indicator("reach", "reach_per_1000", "reach_per_1000", "indicator_reach", 1),
    "offer": Indicator("offer", "offer_per_10000", "offer_per_10000", "indicator_offer", 1),
    "coverage": Indicator("coverage", "coverage_index", "coverage_index", "indicator_coverage", 2),
    "partners": Indicator("partners", "partners_per_10000", "partners_per_10000", "indicator_partners", 1),
}
DEFAULT_INDICATOR = "reach"


def indicator(key: str | None) -> Indicator:
    return INDICATORS.get(key or DEFAULT_INDICATOR, INDICATORS[DEFAULT_INDICATOR])


def decimals_for(values, decimals: int, most: int = 3) -> int:
    """The decimals a chart of `values` needs: the indicator's usual places, more when even the largest value
    would show as 0,0 (a sparse filter: 0,04 patients per 1 000 is not 0). A rate never reads as a zero."""
    known = [abs(v) for v in values if v is not None]
    top = max(known) if known else 0
    while 0 < top < 10 ** (1 - decimals) and decimals < most:
        decimals += 1
    return decimals


def value_text(value, decimals: int, mark: str | None = None) -> str:
    """A map value as shown in hovers: Belgian decimals, or the hidden cell's mark."""
    if mark:
        return mark
    return words.TEXT["no_value"] if value is None else fmt.decimal(value, decimals)


def count_text(value, mark: str | None = None) -> str:
    """A count as shown in hovers and bar texts: Belgian digits, or the hidden cell's mark."""
    if mark:
        return mark
    return words.TEXT["no_value"] if value is None else fmt.integer(value)


def cell_text(table, column: str, i: int, decimals: int | None = None) -> str:
    """Row i's cell of a published table as text: its mark when hidden, else the value (a count when
    `decimals` is None)."""
    frame, published = unpack(table)
    if column not in frame.columns:
        return words.TEXT["no_value"]
    value, mark = frame[column][i], published.mark(column, i)
    return count_text(value, mark) if decimals is None else value_text(value, decimals, mark)


def hidden_rows(table, *columns: str) -> list[bool]:
    """For each row, whether one of `columns` is hidden (has a mark)."""
    frame, published = unpack(table)
    out = [False] * frame.height
    for column in columns:
        if column in frame.columns:
            out = [h or bool(m) for h, m in zip(out, published.column_marks(column))]
    return out


def _colour_axis(ind: Indicator, values: list) -> dict:
    if ind.key == "coverage":
        low, high = COVERAGE_RANGE
        return {"colorscale": DIVERGING, "cmin": low, "cmax": high,
                "colorbar": {**COLOUR_BAR, "title": {"text": labels.indicator(ind.glossary), "side": "top"},
                             "tickvals": [0, 0.5, 1, 1.5, 2], "ticktext": ["0", "0,5", "1", "1,5", "≥ 2"]}}
    known = [v for v in values if v is not None]
    return {"colorscale": SEQUENTIAL, "cmin": 0, "cmax": max(known) if known and max(known) > 0 else 1,
            "colorbar": {**COLOUR_BAR, "title": {"text": words.TEXT[ind.short], "side": "top"},
                         "tickformat": f",.{decimals_for(known, ind.decimals)}f"}}


def _hover_data(table, ind: Indicator) -> dict[str, list]:
    """nis -> the hover's fields (NIS, name, arrondissement, value, patients, sessions, active partners)."""
    frame, _ = unpack(table)
    places = decimals_for(frame[ind.column].to_list(), ind.decimals)
    return {nis: [nis, frame["name_fr"][i], frame["arrondissement"][i], cell_text(table, ind.column, i, places),
                  cell_text(table, "patients", i), cell_text(table, "sessions", i),
                  cell_text(table, "active_partners", i)]
            for i, nis in enumerate(frame["nis"].to_list())}


def _hovertemplate(ind: Indicator) -> str:
    return (f"<b>%{{customdata[1]}}</b><br>{words.TEXT['arrondissement']} : %{{customdata[2]}}<br>"
            f"{labels.indicator(ind.glossary)} : %{{customdata[3]}}<br>"
            f"{words.TEXT['patients']} : %{{customdata[4]}} · {words.TEXT['sessions']} : %{{customdata[5]}} · "
            f"{words.TEXT['active_partners']} : %{{customdata[6]}}<extra></extra>")


def _hidden_legend(fig: Fig, *, on_geo: bool) -> None:
    """The legend entry of the hidden fill (no data of its own: a swatch and its meaning)."""
    style = {"mode": "markers", "name": words.TEXT["hidden_legend"], "hoverinfo": "skip", "showlegend": True,
             "marker": {"symbol": "square", "size": 14, "color": HIDDEN, "line": {"color": HATCH, "width": 1.5}}}
    fig.add_trace(Scattergeo(lon=[None], lat=[None], **style) if on_geo else Scatter(x=[None], y=[None], **style))


def _legend_lines(fig: Fig, arrondissements: list[str], lines: dict[str, tuple[list, list]], *, on_geo: bool):
    for arr in arrondissements:
        xs, ys = lines.get(arr, ([], []))
        style = {"color": ARRONDISSEMENT_LINES.get(arr, PALETTE["milestone"]), "width": 3}
        trace = (Scattergeo(lon=xs, lat=ys, mode="lines", line=style, name=arr, hoverinfo="skip")
                 if on_geo else Scatter(x=xs, y=ys, mode="lines", line=style, name=arr, hoverinfo="skip"))
        fig.add_trace(trace)


# ---- tiles ---------------------------------------------------------------------------------------------

def _inset_outlines(placed: pl.DataFrame, inset: float = 0.07) -> dict[str, tuple[list, list]]:
    """Each arrondissement's outline on the tile grid, drawn just inside its tiles so that two neighbouring
    arrondissements show two parallel lines in their own colours."""
    where = {(c, r): a for c, r, a in zip(placed["col"], placed["row"], placed["arrondissement"])}
    out: dict[str, tuple[list, list]] = {}
    for (c, r), arr in sorted(where.items()):
        xs, ys = out.setdefault(arr, ([], []))
        for n in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            if where.get((c + n[0], r + n[1])) == arr:
                continue
            ends = []
            for d in ((n[1], n[0]), (-n[1], -n[0])):
                along = where.get((c + d[0], r + d[1])) == arr
                diagonal = where.get((c + d[0] + n[0], r + d[1] + n[1])) == arr
                reach = 0.5 - inset if not along else 0.5 + inset if diagonal else 0.5
                ends.append((c + n[0] * (0.5 - inset) + d[0] * reach, r + n[1] * (0.5 - inset) + d[1] * reach))
            xs += [ends[0][0], ends[1][0], None]
            ys += [ends[0][1], ends[1][1], None]
    return out


def _grid(placed: pl.DataFrame, values: dict[str, object], width: int, height: int) -> list[list]:
    z = [[None] * width for _ in range(height)]
    for nis, c, r in zip(placed["nis"], placed["col"], placed["row"]):
        z[r][c] = values.get(nis)
    return z


def _hatching(cells: list[tuple[int, int]], half: float = 0.42) -> tuple[list, list]:
    """Three diagonal strokes across each tile (col, row): the hidden tiles' hatching."""
    xs, ys = [], []
    for c, r in cells:
        for k in (-0.42, 0.0, 0.42):
            if k >= 0:
                start, end = (c - half + k, r - half), (c + half, r + half - k)
            else:
                start, end = (c - half, r - half - k), (c + half + k, r + half)
            xs += [start[0], end[0], None]
            ys += [start[1], end[1], None]
    return xs, ys


def _ink(axis: dict, value) -> str:
    """Dark text on a pale fill, white on a dark one (the fill the colour scale gives `value`; None: pale)."""
    if value is None:
        return "#343a40"
    span = (axis["cmax"] - axis["cmin"]) or 1
    r, g, b = unlabel_rgb(sample_colorscale(axis["colorscale"], [min(max((value - axis["cmin"]) / span, 0), 1)])[0])
    return "#ffffff" if 0.299 * r + 0.587 * g + 0.114 * b < 140 else "#343a40"


@builder
def tile_map(table, communes: pl.DataFrame, indicator_key: str, *,
             selected: set[str] | None = None, focus: str | None = None, height: int = 620) -> Fig:
    """One equal square per commune (psynam.geo.tiles), coloured by the indicator; a hidden value hatched
    in HIDDEN; communes outside `selected` faded; the focused commune outlined; arrondissements outlined
    in their own colour."""
    frame, published = unpack(table)
    if frame.is_empty():
        return empty()
    ind = indicator(indicator_key)
    hidden = {n for n, h in zip(frame["nis"], hidden_rows(published, ind.column)) if h}
    hover = _hover_data(published, ind)
    placed = geo.tiles(communes).join(frame.drop([c for c in ("name_fr", "arrondissement") if c in frame.columns]),
                                      on="nis", how="left")
    width, rows = int(placed["col"].max()) + 1, int(placed["row"].max()) + 1
    values = {n: v for n, v in zip(placed["nis"], placed[ind.column]) if n not in hidden}
    inside = {n for n in placed["nis"] if selected is None or n in selected}
    axis = _colour_axis(ind, [values.get(n) for n in inside if values.get(n) is not None] or list(values.values()))
    common = {"x": list(range(width)), "y": list(range(rows)), "xgap": 3, "ygap": 3, "hoverinfo": "skip"}
    fig = Fig()
    # Every tile in grey first: a commune without a value (no population data, no patient) stays visible.
    fig.add_trace(Heatmap(z=_grid(placed, {n: 0 for n in placed["nis"]}, width, rows),
                          colorscale=[[0, NO_VALUE], [1, NO_VALUE]], showscale=False, **common))
    where = dict(zip(placed["nis"], zip(placed["col"], placed["row"])))
    for part, opacity in ((hidden & inside, 1.0), (hidden - inside, FADED)):
        if part:
            fig.add_trace(Heatmap(z=_grid(placed, {n: 1 for n in part}, width, rows), opacity=opacity,
                                  colorscale=[[0, HIDDEN], [1, HIDDEN]], showscale=False, **common))
            xs, ys = _hatching([where[n] for n in sorted(part)])
            fig.add_trace(Scatter(x=xs, y=ys, mode="lines", line={"color": HATCH, "width": 1}, opacity=0.5 * opacity,
                                  hoverinfo="skip", showlegend=False))
    faded = {n: v for n, v in values.items() if n not in inside and v is not None}
    shown = {n: values.get(n) for n in inside}
    # The colour bar goes with the full-colour layer, or with the faded one when no commune of the
    # selection has a value to show (all hidden): a colour on the map always has its scale.
    scale_on_faded = bool(faded) and all(v is None for v in shown.values())
    if faded:
        fig.add_trace(Heatmap(z=_grid(placed, faded, width, rows), zmin=axis["cmin"], zmax=axis["cmax"],
                              colorscale=axis["colorscale"], showscale=scale_on_faded, colorbar=axis["colorbar"],
                              opacity=FADED, **common))
    fig.add_trace(Heatmap(z=_grid(placed, shown, width, rows), zmin=axis["cmin"],
                          zmax=axis["cmax"], colorscale=axis["colorscale"], colorbar=axis["colorbar"],
                          showscale=not scale_on_faded, name=labels.indicator(ind.glossary), **common))
    # Each name written once, on top (over the hatching), in ink that reads on its tile's fill.
    ink = [_ink(axis, shown.get(n)) for n in placed["nis"]]
    fig.add_trace(Scatter(x=placed["col"].to_list(), y=placed["row"].to_list(), mode="text",
                          text=placed["short_name"].to_list(), textfont={"size": 10, "family": FONT, "color": ink},
                          hoverinfo="skip", showlegend=False))
    _legend_lines(fig, sorted(placed["arrondissement"].unique()), _inset_outlines(placed), on_geo=False)
    if hidden:
        _hidden_legend(fig, on_geo=False)
    # The clickable layer: an invisible square marker on each tile carries the hover and the NIS code.
    fig.add_trace(Scatter(
        x=placed["col"].to_list(), y=placed["row"].to_list(), mode="markers", showlegend=False,
        marker={"symbol": "square", "size": 44, "opacity": 0},
        customdata=[hover.get(n) or [n, name, arr] + [words.TEXT["no_value"]] * 4
                    for n, name, arr in zip(placed["nis"], placed["name_fr"], placed["arrondissement"])],
        hovertemplate=_hovertemplate(ind), selected={"marker": {"opacity": 0}},
        unselected={"marker": {"opacity": 0}}, name=words.TEXT["commune"]))
    if focus in set(placed["nis"]):
        row = placed.filter(pl.col("nis") == focus).row(0, named=True)
        fig.add_shape(type="rect", x0=row["col"] - 0.5, x1=row["col"] + 0.5, y0=row["row"] - 0.5,
                      y1=row["row"] + 0.5, line={"color": PALETTE["accent"], "width": 4})
    base_layout(fig, height=height)
    fig.update_layout(legend={"y": -0.02, "yanchor": "top", "orientation": "h"}, margin=MAP_MARGIN,
                      dragmode=False, hovermode="closest")
    fig.update_xaxes(visible=False, range=[-0.6, width - 0.4], constrain="domain", fixedrange=True)
    fig.update_yaxes(visible=False, range=[-0.6, rows - 0.4], scaleanchor="x", scaleratio=1, fixedrange=True,
                     rangemode="normal")
    return fig


# ---- real boundaries -------------------------------------------------------------------------------------

@builder
def boundary_map(table, boundaries: geo.Boundaries, indicator_key: str, *, communes: pl.DataFrame | None = None,
                 selected: set[str] | None = None, focus: str | None = None, height: int = 700) -> Fig:
    """The communes' real boundaries on a blank map (no base layer to download), fitted to the features; a
    hidden value filled with HIDDEN; with `communes` (the reference, its centroids), each commune's name
    written on it in ink that reads on its fill."""
    frame, published = unpack(table)
    if frame.is_empty() or not boundaries.usable:
        return empty()
    ind = indicator(indicator_key)
    known = {f["id"] for f in boundaries.geojson["features"]}
    hidden_of = dict(zip(frame["nis"], hidden_rows(published, ind.column)))
    hover_of = _hover_data(published, ind)
    drawn = frame.filter(pl.col("nis").is_in(list(known)))
    group_of = dict(zip(drawn["nis"], drawn["arrondissement"]))
    outlines = _geo_outlines(boundaries, group_of)
    fig = Fig()
    # The outlines come first on purpose: Plotly fetches a world base map from the internet when the first
    # trace of a geo map is a choropleth; with a line trace first and base layers hidden, it fetches nothing.
    _legend_lines(fig, sorted(set(group_of.values())), outlines, on_geo=True)
    nis = drawn["nis"].to_list()
    inside_mask = [selected is None or n in selected for n in nis]
    hidden = [hidden_of[n] for n in nis]
    values = drawn[ind.column].to_list()
    coloured = [i for i, v in enumerate(values) if v is not None and not hidden[i]]
    main = [i for i in coloured if inside_mask[i]]
    axis = _colour_axis(ind, [values[i] for i in main or coloured])
    flat = lambda colour: {"colorscale": [[0, colour], [1, colour]]}  # noqa: E731
    layers = (  # (rows, colours, opacity, colour bar): no value in grey, hidden in sand, outside the selection faded
        ([i for i, v in enumerate(values) if v is None and not hidden[i]], flat(NO_VALUE), 1.0, False),
        ([i for i in range(len(nis)) if hidden[i] and inside_mask[i]], flat(HIDDEN), 1.0, False),
        ([i for i in range(len(nis)) if hidden[i] and not inside_mask[i]], flat(HIDDEN), FADED, False),
        ([i for i in coloured if not inside_mask[i]], axis, FADED, not main),
        (main, axis, 1.0, True),
    )
    for rows, colours, opacity, show_scale in layers:
        if not rows:
            continue
        scale = ({"z": [values[i] for i in rows], "zmin": colours["cmin"], "zmax": colours["cmax"],
                  "colorscale": colours["colorscale"], "colorbar": colours["colorbar"]} if "cmin" in colours else
                 {"z": [0] * len(rows), **colours})
        fig.add_trace(Choropleth(
            geojson=boundaries.geojson, featureidkey="id", locations=[nis[i] for i in rows],
            showscale=show_scale, marker={"line": {"color": "white", "width": 0.6}, "opacity": opacity},
            customdata=[hover_of[nis[i]] for i in rows], hovertemplate=_hovertemplate(ind), showlegend=False,
            name=words.TEXT["commune"], **scale))
    if any(hidden):
        _hidden_legend(fig, on_geo=True)
    if communes is not None:
        _geo_names(fig, communes.filter(pl.col("nis").is_in(nis)), axis,
                   {nis[i]: values[i] for i in main})
    if focus in known:
        fig.add_trace(Choropleth(geojson=boundaries.geojson, featureidkey="id", locations=[focus], z=[0],
                                 colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]], showscale=False,
                                 hoverinfo="skip", marker={"line": {"color": PALETTE["accent"], "width": 3.5}}))
    base_layout(fig, height=height)
    fig.update_geos(visible=False, fitbounds="locations", projection={"type": "mercator"}, bgcolor="white")
    fig.update_layout(legend={"y": -0.02, "yanchor": "top", "orientation": "h"}, margin=MAP_MARGIN,
                      dragmode=False)
    fig.add_annotation(text=words.TEXT["boundaries_credit"], xref="paper", yref="paper", x=1, y=0,
                       xanchor="right", yanchor="bottom", showarrow=False,
                       font={"size": 11, "color": PALETTE["milestone"]})
    return fig


def _geo_names(fig: Fig, communes: pl.DataFrame, axis: dict, values: dict) -> None:
    """Each commune's (short) name at its centroid, dark on pale fills and white on dark ones; no hover."""
    placed = communes.sort("nis").with_columns(
        pl.col("name_fr").map_elements(geo.short_name, return_dtype=pl.Utf8).alias("short_name"))
    fig.add_trace(Scattergeo(
        lon=placed["lon"].to_list(), lat=placed["lat"].to_list(), mode="text", text=placed["short_name"].to_list(),
        textfont={"size": 10, "family": FONT, "color": [_ink(axis, values.get(n)) for n in placed["nis"]]},
        hoverinfo="skip", showlegend=False, name=words.TEXT["commune_names"]))


def _geo_outlines(boundaries: geo.Boundaries, group_of: dict[str, str]) -> dict[str, tuple[list, list]]:
    out = {}
    for group in sorted(set(group_of.values())):
        subset = {"features": [f for f in boundaries.geojson["features"] if group_of.get(f["id"]) == group]}
        out[group] = geo.group_outlines(subset, group_of)
    return out


@builder
def commune_map(table, communes: pl.DataFrame, indicator_key: str, *,
                boundaries: geo.Boundaries | None = None, selected: set[str] | None = None,
                focus: str | None = None) -> Fig:
    """The real boundaries when usable (the default: the shipped Statbel copy), else tiles (table:
    south/coverage_by_commune, published)."""
    if boundaries is not None and boundaries.usable:
        return boundary_map(table, boundaries, indicator_key, communes=communes, selected=selected, focus=focus)
    return tile_map(table, communes, indicator_key, selected=selected, focus=focus)


def clicked_nis(state, known: set[str] | None = None) -> str | None:
    """The NIS code of the commune a user clicked, from a Plotly selection state (st.plotly_chart with
    on_select): the first selected point's customdata[0], else its `location` (choropleth); None when
    nothing (or nothing known) is selected."""
    if not state:
        return None
    selection = state.get("selection", state) if hasattr(state, "get") else None
    points = (selection or {}).get("points") or []
    for point in points:
        data = point.get("customdata")
        candidates = [data[0] if isinstance(data, (list, tuple)) and data else data, point.get("location")]
        for nis in candidates:
            if isinstance(nis, (str, int)) and str(nis) and (known is None or str(nis) in known):
                return str(nis)
    return None
