"""Chart builders of the Budget and Plafonds pages: a published table in (psynam.views Result.published() or
the exact table on the coordinator's screen; `unpack`), a Figure out, one template and palette.

Capped budget lines are solid bars measured against their envelope (a dark tick); uncapped lines are
hatched bars with their spending only. A year counted only in part also shows its envelope pro rata of the
days counted (a grey tick). A hidden cell is never drawn as a value: no bar, no point, no 0 — its mark
(`< 5`, `masqué`) is written where the bar or point would be. Every builder returns `empty()` for an empty
table and reads only declared columns of its result.
"""

from __future__ import annotations

import textwrap
from datetime import date

import polars as pl

from psynam import formatting as fmt, labels
from psynam.budget import HIGH_USAGE_PCT, LOW_USAGE_PCT, TOTAL, days_in_year
from psynam.charts import (MARK_COLOUR, PALETTE, SEQUENCE, base_layout, empty, mark_bars, mark_dates, mark_points,
                           unpack)
from psynam.charts.spec import Bar, Fig, Scatter, builder, make_subplots
from psynam.labels.budget import TEXT as T

EUR_HOVER = "%{x:,.2f} €"
ENVELOPE_MARK = {"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": "#212529"}, "color": "#212529"}
PRO_RATA_COLOUR = "#868e96"
PRO_RATA_MARK = {"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": PRO_RATA_COLOUR},
                 "color": PRO_RATA_COLOUR}
# At and over the ceiling: two Okabe–Ito colours (sky blue, vermillion) that colour-blind readers tell apart
# and that no network uses (orange is RSK's, dark blue RSN's); "over" is also hatched, a second cue.
CEILING_COLOURS = {"at": PALETTE["at_ceiling"], "over": PALETTE["over_ceiling"]}  # not the networks' pair


def _wrap(text: str, width: int = 16) -> str:
    """A long label on several lines, so that axis labels need no rotation and stay inside the image."""
    return "<br>".join(textwrap.wrap(text, width, break_long_words=False)) if text else text


def _network_name(network: str) -> str:
    return labels.NETWORKS.get(network, network)


def _color(network: str) -> str:
    return PALETTE.get(network, PALETTE["muted"])


def _rows(frame: pl.DataFrame, predicate: pl.Expr, *sort) -> list[int]:
    """Row numbers of the frame matching `predicate`, in `sort` order: marks are read by row number."""
    idx = frame.with_row_index("_i").filter(predicate)
    return (idx.sort(*sort) if sort else idx)["_i"].to_list()


def _values(frame: pl.DataFrame, column: str, rows: list[int]) -> list:
    values = frame[column].to_list()
    return [None if values[i] is None else float(values[i]) for i in rows]


def _partial(frame: pl.DataFrame, year: int) -> bool:
    days = frame.filter(pl.col("year") == year)["days_counted"]
    return not days.is_empty() and 0 < (days.max() or 0) < days_in_year(year)


# ---- the budget lines --------------------------------------------------------------------------------

@builder
def envelope_vs_spent(table) -> Fig:
    """Spent per category against the envelope, one panel per network, for the last year of the table
    (budget/envelope_lines); a year counted only in part shows its envelope pro rata of the days counted."""
    frame, table = unpack(table)
    if frame.is_empty():
        return empty()
    year = frame["year"].max()
    partial = _partial(frame, year)
    networks = sorted(frame.filter(pl.col("year") == year)["network"].unique())
    fig = make_subplots(rows=1, cols=len(networks), shared_yaxes=True, horizontal_spacing=0.06,
                        subplot_titles=[_network_name(n) for n in networks])
    legend_done: set[str] = set()
    spent_marks = table.column_marks("spent_eur")
    categories = sorted(frame.filter(pl.col("year") == year)["category_label"].unique().to_list(), reverse=True)
    for col, network in enumerate(networks, start=1):
        part = (pl.col("year") == year) & (pl.col("network") == network)
        for capped, name in ((True, T["capped"]), (False, T["uncapped"])):
            rows = _rows(frame, part & ((pl.col("capped_label") == T["capped"]) == capped), "category_label")
            if not rows:
                continue
            cats = [_wrap(frame["category_label"][i]) for i in rows]
            spent = _values(frame, "spent_eur", rows)
            if name not in legend_done:  # a grey swatch: the bars' own colour is their network's
                fig.add_trace(Bar(x=[None], y=[None], orientation="h", name=f"{T['spent']} — {name.lower()}",
                                  legendgroup=name, marker=_swatch(capped)), row=1, col=1)
            fig.add_trace(Bar(
                x=spent, y=cats, orientation="h",
                name=f"{T['spent']} — {name.lower()}", legendgroup=name, showlegend=False,
                marker={"color": _color(network), "opacity": 1.0 if capped else 0.45,
                        "pattern": {"shape": "" if capped else "/", "fillmode": "overlay", "fgcolor": "white"}},
                text=None if capped else [T["uncapped"].lower() if v is not None else None for v in spent],
                textposition="outside", cliponaxis=False,
                hovertemplate=f"%{{y}}<br>{T['spent']} : {EUR_HOVER}<br>{name}<extra>{network}</extra>",
            ), row=1, col=col)
            legend_done.add(name)
            _mark_hbars(fig, cats, [spent_marks[i] for i in rows], row=1, col=col)
        rows = _rows(frame, part & (pl.col("capped_label") == T["capped"]) & pl.col("envelope_eur").is_not_null(),
                     "category_label")
        if rows:
            cats = [_wrap(frame["category_label"][i]) for i in rows]
            fig.add_trace(Scatter(
                x=_values(frame, "envelope_eur", rows), y=cats,
                mode="markers+text", text=[fmt.percent(frame["usage_pct"][i]) if frame["usage_pct"][i] is not None
                                           else table.mark("usage_pct", i) for i in rows],
                textposition="middle right", cliponaxis=False,
                marker=ENVELOPE_MARK, name=T["envelope_full"] if partial else T["envelope"], legendgroup="envelope",
                showlegend="envelope" not in legend_done,
                hovertemplate=f"%{{y}}<br>{T['envelope']} : {EUR_HOVER}<extra>{network}</extra>",
            ), row=1, col=col)
            legend_done.add("envelope")
            if partial:
                fig.add_trace(Scatter(
                    x=_values(frame, "envelope_pro_rata_eur", rows), y=cats, mode="markers",
                    marker=PRO_RATA_MARK, name=T["envelope_pro_rata"], legendgroup="pro_rata",
                    showlegend="pro_rata" not in legend_done,
                    customdata=[fmt.percent(frame["usage_pro_rata_pct"][i]) for i in rows],
                    hovertemplate=(f"%{{y}}<br>{T['envelope_pro_rata']} : {EUR_HOVER}<br>"
                                   f"{T['usage_pro_rata']} : %{{customdata}}<extra>{network}</extra>")), row=1, col=col)
                legend_done.add("pro_rata")
    base_layout(fig, height=170 + 56 * len(categories))
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=[_wrap(c) for c in categories])
    fig.update_xaxes(title=T["amount_axis"], tickformat=",.0f", rangemode="tozero", showgrid=True, gridcolor="#e9ecef")
    # room on the right of each panel for the usage written beside the envelope tick
    for axis, network in zip(fig.select_xaxes(), networks):
        axis.range = [0, 1.22 * _panel_max(frame, year, network)]
    return _above_titles(fig.update_layout(barmode="overlay"))


def _swatch(capped: bool) -> dict:
    colour = PALETTE["muted"]
    return {"color": colour, "opacity": 1.0 if capped else 0.45,
            "pattern": {"shape": "" if capped else "/", "fillmode": "overlay", "fgcolor": "white"}}


def _panel_max(frame: pl.DataFrame, year: int, network: str) -> float:
    part = frame.filter((pl.col("year") == year) & (pl.col("network") == network))
    values = [v for c in ("spent_eur", "envelope_eur") for v in part[c].to_list() if v is not None]
    return float(max(values)) if values and max(values) > 0 else 1.0


def _above_titles(fig: Fig) -> Fig:
    """Subplot titles sit just above the panels: lift the legend over them."""
    fig.update_layout(legend={"y": 1.12}, margin={"t": 90, "r": 60})
    return fig


@builder
def cumulative_spend(table, totals, milestones: pl.DataFrame, year: int) -> Fig:
    """Cumulative capped spend per network through the year (budget/cumulative), the envelope as a dashed
    line and the projected year-end (linear, seasonal; `totals`, the networks' capped totals of
    budget/projections) as dotted segments to 31 December. A hidden month breaks the line and is marked."""
    frame, table = unpack(table)
    totals, _ = unpack(totals)
    if frame.is_empty():
        return empty()
    start, end = date(year, 1, 1), date(year, 12, 31)
    fig = Fig()
    marks = table.column_marks("spent_cum_eur")
    hidden: dict = {}
    for network in sorted(frame["network"].unique()):
        rows = _rows(frame, pl.col("network") == network, "point_date")
        color, name = _color(network), _network_name(network)
        dates = [frame["point_date"][i] for i in rows]
        x, y = [start] + dates, [0.0] + _values(frame, "spent_cum_eur", rows)
        fig.add_trace(Scatter(
            x=x, y=y, name=name, mode="lines+markers", line={"color": color, "width": 3}, marker={"size": 6},
            hovertemplate=f"%{{x|%d/%m/%Y}}<br>{T['spent_cumulative']} : %{{y:,.0f}} €<extra>{network}</extra>"))
        for i in rows:
            if marks[i]:
                hidden.setdefault(frame["point_date"][i], []).append(f"{network} {marks[i]}")
        envelope = frame.filter(pl.col("network") == network)["envelope_eur"].max()
        if envelope is not None:
            fig.add_trace(Scatter(
                x=[start, end], y=[float(envelope)] * 2, mode="lines", name=T["envelope"], showlegend=False,
                line={"color": color, "dash": "dash", "width": 1.5},
                hovertemplate=f"{T['envelope']} : %{{y:,.0f}} €<extra>{network}</extra>"))
        total = totals.filter((pl.col("network") == network) & (pl.col("category") == TOTAL)) if totals.height else totals
        if total.is_empty() or x[-1] >= end or y[-1] is None:
            continue
        for column, label, symbol in (("linear_eur", T["linear"], "diamond"), ("seasonal_eur", T["seasonal"], "star")):
            value = total[column][0]
            if value is None:
                continue
            fig.add_trace(Scatter(
                x=[x[-1], end], y=[y[-1], float(value)], mode="lines+markers", name=label, showlegend=False,
                line={"color": color, "dash": "dot", "width": 1.5}, marker={"symbol": symbol, "size": [0, 12]},
                cliponaxis=False,
                hovertemplate=f"{label} ({T['point_date'].lower()} %{{x|%d/%m/%Y}}) : %{{y:,.0f}} €<extra>{network}</extra>"))
    mark_points(fig, list(hidden), [" · ".join(v) for v in hidden.values()])
    for name, line, marker in ((T["envelope"], {"dash": "dash"}, None),
                               (T["linear"], {"dash": "dot"}, {"symbol": "diamond", "size": 10}),
                               (T["seasonal"], {"dash": "dot"}, {"symbol": "star", "size": 10})):
        fig.add_trace(Scatter(x=[None], y=[None], name=name, mode="lines+markers" if marker else "lines",
                              line={"color": PALETTE["milestone"], "width": 1.5, **line}, marker=marker))
    base_layout(fig, height=440)
    # a few days beyond 31/12: the year-end projection's marker is drawn whole
    fig.update_xaxes(range=[start, date(year + 1, 1, 8)], tickformat="%m/%Y", title=None, dtick="M2")
    fig.update_yaxes(title=T["amount_axis"], tickformat=",.0f")
    return mark_dates(fig, milestones, within=(start, end))


@builder
def projection_usage(table) -> Fig:
    """Projected year-end as % of envelope for each capped line (budget/projections), with the 85 % and
    100 % thresholds; a hidden percentage is marked, not drawn."""
    frame, table = unpack(table)
    rows = _rows(frame, pl.col("capped").fill_null(False) & pl.col("envelope_eur").is_not_null()) if frame.height else []
    if not rows:
        return empty()
    lines = [_wrap(f"{frame['network'][i]} · {frame['category_label'][i]}", 28) for i in rows]
    fig = Fig()
    drawn = []
    for column, flag_column, name, color in (("linear_pct", "linear_flag_label", T["linear"], PALETTE["north"]),
                                              ("seasonal_pct", "seasonal_flag_label", T["seasonal"], PALETTE["south"])):
        values = _values(frame, column, rows)
        marks = [table.mark(column, i) for i in rows]
        if all(v is None for v in values) and not any(marks):
            continue
        drawn.append(values)
        fig.add_trace(Bar(
            x=values, y=lines, orientation="h", name=name, offsetgroup=column,
            marker={"color": color}, text=[fmt.percent(v, 0) if v is not None else None for v in values],
            textposition="outside", cliponaxis=False, customdata=[frame[flag_column][i] for i in rows],
            hovertemplate=f"%{{y}}<br>{name} : %{{x:,.1f}} %<br>%{{customdata}}<extra></extra>"))
        _mark_hbars(fig, lines, marks, offsetgroup=column)
    fig.add_vrect(x0=LOW_USAGE_PCT, x1=HIGH_USAGE_PCT, fillcolor=PALETTE["south"], opacity=0.08, line_width=0)
    for value in (LOW_USAGE_PCT, HIGH_USAGE_PCT):
        fig.add_vline(x=value, line={"color": PALETTE["accent"], "dash": "dash", "width": 1.5}, layer="below",
                      annotation_text=fmt.percent(value, 0), annotation_position="top")
    base_layout(fig, height=150 + 50 * len(rows))
    highest = max([v for values in drawn for v in values if v is not None] + [HIGH_USAGE_PCT])
    fig.update_layout(barmode="group", scattermode="group", margin={"t": 60})
    fig.update_yaxes(autorange="reversed", gridcolor=None)
    # room beyond the longest bar for its percentage
    fig.update_xaxes(title=T["pct_axis"], ticksuffix=" %", showgrid=True, gridcolor="#e9ecef",
                     range=[0, highest * 1.15])
    return fig


@builder
def admin_fee_by_year(table) -> Fig:
    """The yearly administrative fee per network (budget/envelope_lines rows of category administratif):
    spent (solid), the year's envelope (outline) and, for a year counted only in part, the envelope pro
    rata of the days counted (grey tick); the axis says which days of a year are counted."""
    frame, table = unpack(table)
    if frame.is_empty():
        return empty()
    years = sorted(frame["year"].unique().to_list())
    names = {}
    for year in years:
        counted = frame.filter(pl.col("year") == year)["counted_label"][0]
        names[year] = str(year) if counted == T["whole_year"] else T["admin_year"].format(year=year, counted=counted)
    marks = table.column_marks("spent_eur")
    fig = Fig()
    networks = sorted(frame["network"].unique())
    for network in networks:
        rows = _rows(frame, pl.col("network") == network, "year")
        x = [names[frame["year"][i]] for i in rows]
        spent = _values(frame, "spent_eur", rows)
        fig.add_trace(Bar(
            x=x, y=spent, name=_network_name(network), marker={"color": _color(network)}, offsetgroup=network,
            text=[fmt.euros(v) if v is not None else None for v in spent], textposition="auto", cliponaxis=False,
            insidetextanchor="start", legendrank=1,
            hovertemplate=f"%{{x}}<br>{T['spent']} : %{{y:,.2f}} €<extra>{network}</extra>"))
        mark_bars(fig, x, [marks[i] for i in rows], offsetgroup=network)
        with_envelope = [i for i in rows if frame["envelope_eur"][i] is not None]
        if with_envelope:
            fig.add_trace(Bar(
                x=[names[frame["year"][i]] for i in with_envelope], y=_values(frame, "envelope_eur", with_envelope),
                offsetgroup=network, name=T["envelope"], legendgroup="envelope", showlegend=network == networks[0],
                legendrank=10,
                marker={"color": "rgba(0,0,0,0)", "line": {"color": "#212529", "width": 2}},
                hovertemplate=f"%{{x}}<br>{T['envelope']} : %{{y:,.2f}} €<extra>{network}</extra>"))
        partial = [i for i in with_envelope if _partial(frame, frame["year"][i])]
        if partial:
            fig.add_trace(Scatter(
                x=[names[frame["year"][i]] for i in partial], y=_values(frame, "envelope_pro_rata_eur", partial),
                mode="markers", offsetgroup=network, name=T["envelope_pro_rata"], legendgroup="pro_rata", legendrank=11,
                showlegend=not any(t.legendgroup == "pro_rata" for t in fig.data),
                marker={"symbol": "line-ew", "size": 30, "line": {"width": 4, "color": PRO_RATA_COLOUR}},
                customdata=[fmt.percent(frame["usage_pro_rata_pct"][i]) for i in partial],
                hovertemplate=(f"%{{x}}<br>{T['envelope_pro_rata']} : %{{y:,.2f}} €<br>{T['usage_pro_rata']} : "
                               f"%{{customdata}}<extra>{network}</extra>")))
    base_layout(fig, height=380)
    fig.update_layout(barmode="group", scattermode="group")
    fig.update_xaxes(type="category", title=T["year"], categoryorder="array", categoryarray=[names[y] for y in years])
    fig.update_yaxes(title=T["amount_axis"], tickformat=",.0f")
    return fig


@builder
def cost_by_category(table) -> Fig:
    """Cost per session and per patient by category and network, side by side (budget/cost_by_category).
    A cost hidden with its small count is marked at the foot of its bar; groups and clairvisions have no
    patient, so no cost per patient (an empty place, not a mark)."""
    frame, table = unpack(table)
    if frame.is_empty():
        return empty()
    fig = make_subplots(rows=1, cols=2, subplot_titles=[T["cost_per_session"], T["cost_per_patient"]],
                        horizontal_spacing=0.1)
    for network in sorted(frame["network"].unique()):
        rows = _rows(frame, pl.col("network") == network, "category_label")
        cats = [_wrap(frame["category_label"][i], 14) for i in rows]
        for col, column, label in ((1, "cost_per_session_eur", T["cost_per_session"]),
                                   (2, "cost_per_patient_eur", T["cost_per_patient"])):
            marks = [table.mark(column, i) for i in rows]
            fig.add_trace(Bar(
                x=cats, y=_values(frame, column, rows), name=_network_name(network), offsetgroup=network,
                marker={"color": _color(network)}, legendgroup=network, showlegend=col == 1,
                hovertemplate=f"%{{x}}<br>{label} : %{{y:,.2f}} €<extra>{network}</extra>"), row=1, col=col)
            mark_bars(fig, cats, marks, row=1, col=col, offsetgroup=network)
            # no patient to count (groups, clairvisions): "s. o.", muted and upright, not a hidden cell's mark
            absent = [cats[k] for k, i in enumerate(rows) if frame[column][i] is None and not marks[k]]
            if absent:
                fig.add_trace(Scatter(
                    x=absent, y=[0] * len(absent), mode="text", text=[T["not_applicable"]] * len(absent),
                    textposition="top center", showlegend=False, offsetgroup=network, cliponaxis=False,
                    textfont={"color": PALETTE["muted"], "size": 12}, hovertext=T["no_patient"],
                    hovertemplate="%{hovertext}<extra></extra>"), row=1, col=col)
    base_layout(fig, height=430)
    fig.update_layout(barmode="group", scattermode="group")
    fig.update_xaxes(tickangle=0)
    fig.update_yaxes(title=T["amount_axis"], tickformat=",.0f", col=1)
    fig.update_yaxes(tickformat=",.0f", col=2)
    return _above_titles(fig)


# ---- the ceiling check -------------------------------------------------------------------------------

def _line(frame: pl.DataFrame, i: int, width: int = 44) -> str:
    text = " · ".join(str(frame[c][i]) for c in ("network", "level_label", "format_label", "age_group_label"))
    return _wrap(text, width)


@builder
def ceiling_counts(table) -> Fig:
    """Patients at and over their ceiling per network, level, format and age group (rules/ceiling_status;
    horizontal bars); a hidden count is written as its mark at the bar's base."""
    frame, table = unpack(table)
    if frame.is_empty():
        return empty()
    rows = list(range(frame.height))
    lines = [_line(frame, i) for i in rows]
    checked = [table.cell("patients", i) for i in rows]
    fig = Fig()
    for column, name, colour, pattern in (("patients_at_ceiling", T["at_ceiling"], CEILING_COLOURS["at"], ""),
                                          ("patients_over_ceiling", T["over_ceiling"], CEILING_COLOURS["over"], "x")):
        values = _values(frame, column, rows)
        fig.add_trace(Bar(
            x=values, y=lines, orientation="h", name=name, offsetgroup=column,
            marker={"color": colour, "pattern": {"shape": pattern, "fillmode": "overlay", "fgcolor": "white", "size": 6}},
            customdata=[fmt.value(c, "int") for c in checked],
            text=[fmt.integer(v) if v is not None else None for v in values], textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}<br>{name} : %{{x:,.0f}}<br>{T['patients_checked']} : %{{customdata}}<extra></extra>"))
        _mark_hbars(fig, lines, [table.mark(column, i) for i in rows], offsetgroup=column)
    base_layout(fig, height=150 + 64 * frame.height)
    highest = max([v for c in ("patients_at_ceiling", "patients_over_ceiling") for v in _values(frame, c, rows)
                   if v is not None] + [1])
    fig.update_layout(barmode="group", scattermode="group", margin={"t": 40})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=T["patients"], tickformat=",.0f", showgrid=True, gridcolor="#e9ecef",
                     range=[0, highest * 1.15 + 1])
    return fig


@builder
def sessions_histogram(table) -> Fig:
    """Patients by number of sessions in the year (rules/sessions_per_patient), one panel per level, format
    and age group, with the ceiling (solid) and, for specialised care, the convention's average (dotted).
    Bars are stacked by network; a hidden bar is written upright at its place, in its network's colour."""
    frame, table = unpack(table)
    if frame.is_empty():
        return empty()
    data = frame.with_columns(panel=pl.concat_str(
        [pl.col("level_label"), pl.col("format_label"), pl.col("age_group_label")], separator=" · "))
    panels = data.select("panel", "max_sessions", "average_sessions").unique("panel").sort("panel")
    cols = min(2, panels.height)
    rows = (panels.height + cols - 1) // cols
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=[_wrap(p, 52) for p in panels["panel"]],
                        vertical_spacing=0.42 / rows if rows > 1 else 0.1, horizontal_spacing=0.1)
    marks = table.column_marks("patients")
    shown: set[str] = set()
    networks = sorted(data["network"].unique())
    lines, notes = [], []  # the ceilings, laid out once: add_vline per panel re-walks every subplot (slow)
    for n, panel in enumerate(panels.iter_rows(named=True)):
        row, col = n // cols + 1, n % cols + 1
        for k, network in enumerate(networks):
            idx = _rows(data, (pl.col("panel") == panel["panel"]) & (pl.col("network") == network), "sessions")
            if not idx:
                continue
            fig.add_trace(Bar(
                x=[data["sessions"][i] for i in idx], y=_values(data, "patients", idx), name=_network_name(network),
                marker={"color": _color(network)}, legendgroup=network, showlegend=network not in shown,
                hovertemplate=f"{T['sessions_per_patient']} : %{{x}}<br>{T['patients']} : %{{y:,.0f}}<extra>{network}</extra>"),
                row=row, col=col)
            shown.add(network)
            _mark_columns(fig, [data["sessions"][i] for i in idx], [marks[i] for i in idx], row, col,
                          colour=_color(network), shift=(k - (len(networks) - 1) / 2) * 13)
        for value, dash, label in ((panel["max_sessions"], "solid", T["ceiling"]),
                                   (panel["average_sessions"], "dot", T["ceiling_average"])):
            if value is not None:
                x, axis = value + 0.5 if dash == "solid" else value, "" if n == 0 else str(n + 1)
                lines.append({"type": "line", "xref": f"x{axis}", "yref": f"y{axis} domain", "x0": x, "x1": x,
                              "y0": 0, "y1": 1, "line": {"color": PALETTE["accent"], "dash": dash, "width": 2}})
                notes.append({"text": f"{label} {value}", "xref": f"x{axis}", "yref": f"y{axis} domain", "x": x,
                              "y": 1, "xanchor": "right", "yanchor": "top", "showarrow": False,
                              "font": {"size": 11, "color": PALETTE["accent"]}})
        part = data.filter(pl.col("panel") == panel["panel"])
        upper = max(part["sessions"].max(), panel["max_sessions"] or 0) + 1
        fig.update_xaxes(range=[0.5, upper + 0.5], dtick=1 if upper <= 12 else 2 if upper <= 25 else 5, row=row, col=col)
    fig.layout.shapes = lines
    fig.layout.annotations = [*(fig.layout.annotations or []), *notes]
    base_layout(fig, height=max(360, 330 * rows))
    if any("<br>" in (a.text or "") for a in fig.layout.annotations or []):
        _room_for_titles(fig, 0.09)
    fig.update_layout(barmode="stack", colorway=SEQUENCE)
    fig.update_xaxes(title=T["sessions_per_patient"])
    fig.update_yaxes(title=T["patients"], tickformat=",.0f")
    return _above_titles(fig)


# core candidate: psynam.charts.mark_bars(horizontal=True, offsetgroup=...) draws its marks at the group's
# centre, because a scatter trace is offset along y under `scattermode="group"` only with orientation "h";
# this sets it, so each hidden bar's mark sits at its own bar's place.
def _mark_hbars(fig: Fig, positions: list, marks: list[str | None], **where) -> None:
    before = len(fig.data)
    mark_bars(fig, positions, marks, horizontal=True, **where)
    for trace in fig.data[before:]:
        trace.orientation = "h"


# core candidate: room above the top row of subplots for titles of two lines (psynam.charts.files leaves
# one line, so a wrapped title ran under the legend): the top row's plots end lower, their titles follow.
def _room_for_titles(fig: Fig, fraction: float) -> None:
    top = max(axis.domain[1] for axis in fig.select_yaxes())
    for axis in fig.select_yaxes():
        if axis.domain[1] == top:
            axis.domain = [axis.domain[0], top - fraction]
    for annotation in fig.layout.annotations or []:
        if annotation.yref == "paper" and annotation.y == top:
            annotation.y = top - fraction


# core candidate: marks for narrow or stacked bars (psynam.charts.mark_bars writes them level, where
# neighbouring marks of a histogram would overlap): upright at the bar's place, in the trace's colour,
# side by side when several stacked traces hide the same bar.
def _mark_columns(fig: Fig, xs: list, marks: list[str | None], row: int, col: int, *, colour: str = MARK_COLOUR,
                  shift: float = 0) -> None:
    for x, mark in zip(xs, marks):
        if mark:
            fig.add_annotation(x=x, y=0, yref="y domain", yanchor="bottom", text=mark, showarrow=False,
                               textangle=-90, xshift=shift, row=row, col=col,
                               font={"size": 11, "color": colour, "style": "italic"},
                               hovertext=mark)
