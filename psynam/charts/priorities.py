"""Chart builders of the priorities page (elderly people, early childhood): reach by arrondissement,
activity per partner, and the quarterly trend with the policy dates marked. Pure: a published table
(psynam.views.priorities results, both priorities side by side) and a priority in, a Figure out; a hidden
cell is a labelled gap with its mark, never a bar, a point or a 0."""

from __future__ import annotations

import html
from datetime import date, timedelta

import polars as pl

from psynam import formatting as fmt
from psynam.charts import MARK_COLOUR, PALETTE, SEQUENCE, base_layout, empty, mark_bars, mark_dates, unpack
from psynam.charts.spec import Bar, Fig, Scatter, builder, make_subplots
from psynam.labels.priorities import TEXT
from psynam.views.priorities import column, quarter_label

# One colour per priority, distinct from the networks' colours (RSN blue, RSK orange).
PRIORITY_COLOURS = {"aines": SEQUENCE[1], "petite_enfance": SEQUENCE[2]}
DAY_MS = 86_400_000
GRID = "#e9ecef"


def _plain(text: str) -> str:
    """Plotly reads a subset of HTML in labels; a partner's name must show as typed, never as markup."""
    return html.escape(str(text), quote=False)


def _whole_ticks(values: list) -> dict:
    """Counts take whole ticks: below ten, one tick per unit (plotly would otherwise show 0,5 as `1`)."""
    shown = [v for v in values if v is not None]
    return {"dtick": 1, "tick0": 0} if not shown or max(shown) <= 10 else {}


def _value_axis(values: list, room: float) -> dict:
    """A value axis from 0 leaving `room` (a fraction) beyond the largest value for the text outside the
    bars; when every value is hidden, an axis without numbers (nothing on it could be read) where the marks
    sit at the start."""
    shown = [v for v in values if v is not None]
    top = max(shown) if shown else 0
    return {"range": [0, top * (1 + room) if top > 0 else 1], "showticklabels": bool(shown)}


@builder
def reach_by_area(table, *, priority: str) -> Fig:
    """Horizontal bars of reach per 1,000 inhabitants of the priority's age: each zone (north, south) then
    its arrondissements, coloured south/north; the whole selection as a dashed vertical line named in the
    legend. Residents outside the province have no population and are left to the page's note. A hidden
    rate draws no bar: its mark (`masqué`) stands at the bar's base. Table: priorities/reach (or some of
    its rows)."""
    frame, published = unpack(table)
    rate, count, population = (column(priority, c) for c in ("reach_per_1000", "patients", "population"))
    rows = sorted((i for i, level in enumerate(frame["level"].to_list()) if level in ("zone", "arrondissement")),
                  key=lambda i: (frame["sort_order"][i], frame["area"][i]))
    if not rows:
        return empty()
    levels, zones = frame["level"].to_list(), frame["zone"].to_list()
    names = [f"{TEXT[zones[i]]} — {TEXT['ensemble'].lower()}" if levels[i] == "zone" else f"{frame['area'][i]}"
             for i in rows]
    rates = [frame[rate][i] for i in rows]
    marks = [published.mark(rate, i) for i in rows]
    patients = [published.cell(count, i) for i in rows]
    fig = Fig(Bar(
        x=rates, y=names, orientation="h", text=[None if r is None else fmt.decimal(r, 2) for r in rates],
        textposition="outside", cliponaxis=False,
        marker={"color": [PALETTE["south"] if zones[i] == "sud" else PALETTE["north"] for i in rows],
                "opacity": [1.0 if levels[i] == "zone" else 0.6 for i in rows]},
        customdata=[(fmt.value(p, "int"), frame[population][i])
              for p, i in zip(patients, rows)],
        hovertemplate=("%{y}<br>" + TEXT[f"reach_{priority}"] + " : %{text}<br>" + TEXT["patients"]
                       + " : %{customdata[0]}<br>" + TEXT["population"] + " : %{customdata[1]:,.0f}<extra></extra>"),
        showlegend=False,
    ))
    mark_bars(fig, names, marks, horizontal=True)
    base_layout(fig, height=110 + 42 * len(rows))
    totals = [i for i, level in enumerate(levels) if level == "total"]
    if totals:
        value, mark = frame[rate][totals[0]], published.mark(rate, totals[0])
        line = {"color": PALETTE["milestone"], "dash": "dash", "width": 1.5}
        if value is not None:
            fig.add_vline(x=value, line=line)
        # a legend entry names the line (an annotation would sit under the chart's tool bar); hidden, the
        # entry carries the mark and no line is drawn
        shown = mark or (fmt.decimal(value, 2) if value is not None else fmt.MISSING)
        fig.add_trace(Scatter(x=[None], y=[None], mode="lines", line=line, hoverinfo="skip",
                              name=f"{TEXT['total']} : {shown}"))
    fig.update_yaxes(autorange="reversed", title=None, showgrid=False, ticksuffix="  ")
    fig.update_xaxes(title=TEXT[f"reach_{priority}"], showgrid=True, gridcolor=GRID, **_value_axis(rates, 0.18))
    fig.update_layout(margin={"l": 10, "r": 40, "t": 40, "b": 10})
    return fig


@builder
def partner_activity(table, *, priority: str) -> Fig:
    """Sessions (left) and clairvisions (right, on their own scale: they are far fewer) at each partner
    serving the priority, horizontal bars in the table's order, the partners named once on the left; a
    hidden count draws no bar, its mark stands at the bar's base, one per row and panel so that marks never
    overlap. Table: priorities/partner_activity (one priority's rows)."""
    frame, published = unpack(table)
    if frame.is_empty():
        return empty()
    # the commune tells apart partners of the same name, unless the name already gives it
    names = [_plain(n) if not c or c in n else f"{_plain(n)} ({_plain(c)})"
             for n, c in zip(frame["name"].to_list(), frame["commune_name"].to_list())]
    names = [f"{n} [{p}]" if names.count(n) > 1 else n for n, p in zip(names, frame["partner_id"].to_list())]
    panels = (("sessions", TEXT["partner_sessions"], PRIORITY_COLOURS[priority]),
              ("clairvisions", TEXT["partner_clairvisions"], PALETTE["muted"]))
    fig = make_subplots(rows=1, cols=2, shared_yaxes=True, column_widths=[0.62, 0.38], horizontal_spacing=0.05,
                        subplot_titles=[label for _, label, _ in panels])
    base_layout(fig, height=120 + 28 * frame.height)
    for col, (name, label, shade) in enumerate(panels, start=1):
        counts = frame[name].to_list()
        fig.add_trace(Bar(x=counts, y=names, orientation="h", name=label, marker={"color": shade},
                          showlegend=False, hovertemplate="%{y}<br>" + label + " : %{x:,.0f}<extra></extra>"),
                      row=1, col=col)
        mark_bars(fig, names, published.column_marks(name), horizontal=True, row=1, col=col)
        fig.update_xaxes(tickformat=",.0f", showgrid=True, gridcolor=GRID, **_value_axis(counts, 0.05),
                         **_whole_ticks(counts), row=1, col=col)
    fig.update_annotations(font={"size": 14})  # the panels' titles
    fig.update_layout(bargap=0.3, margin={"l": 10, "r": 30, "t": 40, "b": 10})
    fig.update_yaxes(autorange="reversed", title=None, showgrid=False, ticksuffix="  ")
    return fig


def _quarter_span(start: date, period: tuple[date, date] | None) -> tuple[date, date]:
    """The days of a quarter that the period covers (first day, day after the last)."""
    end = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    if period:
        return max(start, period[0]), min(end, period[1] + timedelta(days=1))
    return start, end


def _share_marks(fig: Fig, xs: list, marks: list[str | None]) -> Fig:
    """A hidden share (its count shown) is a gap in the line with its mark written there on the share
    axis's foot line, boxed so that it reads over the bar behind it."""
    for x, mark in zip(xs, marks):
        if mark:
            fig.add_annotation(x=x, xref="x", y=0, yref="y2", yanchor="bottom", yshift=4, text=mark,
                               showarrow=False, bgcolor="rgba(255,255,255,0.85)",
                               font={"size": 11, "color": MARK_COLOUR, "style": "italic"})
    return fig


@builder
def quarterly_trend(table, milestones: pl.DataFrame, *, priority: str, population_pct: float | None,
                    period: tuple[date, date] | None = None) -> Fig:
    """The priority's sessions per quarter (bars, left axis) and their share of all sessions (line, right
    axis) beside the age band's share of the population (dotted), with the policy dates marked. A quarter
    the period only partly covers is drawn over the covered days, lighter and labelled as incomplete, so its
    smaller count is not read as a fall. A hidden count draws no bar (its mark at the base); a hidden share
    breaks the line (its mark there, unless the bar's mark already stands at that quarter). Table:
    priorities/trend."""
    frame, published = unpack(table)
    if frame.is_empty():
        return empty()
    count, share = column(priority, "sessions"), column(priority, "sessions_pct")
    sessions_label = TEXT[f"sessions_{priority}"]
    order = sorted(range(frame.height), key=lambda i: frame["quarter"][i])
    quarters = [frame["quarter"][i] for i in order]
    spans = [_quarter_span(q, period) for q in quarters]
    full = [(b - a).days >= (_quarter_span(q, None)[1] - q).days for q, (a, b) in zip(quarters, spans)]
    # Each bar stands over the days it counts, so the policy dates fall where they belong.
    middles = [a + (b - a) / 2 for a, b in spans]
    ticks = [quarter_label(q) if whole else TEXT["quarter_partial"].format(quarter=quarter_label(q))
             for q, whole in zip(quarters, full)]
    # a partial quarter's tick on two lines, so that a narrow quarter at an end stays inside the plot
    tick_text = [quarter_label(q) if whole else TEXT["quarter_partial_tick"].format(quarter=quarter_label(q))
                 for q, whole in zip(quarters, full)]
    counts, shares = [frame[count][i] for i in order], [frame[share][i] for i in order]
    count_marks, share_marks = [published.mark(count, i) for i in order], [published.mark(share, i) for i in order]
    fig = Fig()
    fig.add_trace(Bar(
        x=middles, y=counts, name=sessions_label,
        marker={"color": PRIORITY_COLOURS[priority], "opacity": [1.0 if whole else 0.45 for whole in full]},
        width=[0.85 * (b - a).days * DAY_MS for a, b in spans], customdata=ticks,
        hovertemplate="%{customdata}<br>" + sessions_label + " : %{y:,.0f}<extra></extra>",
    ))
    mark_bars(fig, middles, count_marks)
    fig.add_trace(Scatter(
        x=middles, y=shares, name=TEXT["share_line"], yaxis="y2",
        mode="lines+markers", line={"color": PALETTE["accent"], "width": 2.5}, customdata=ticks,
        hovertemplate="%{customdata}<br>" + TEXT["share_line"] + " : %{y:,.1f} %<extra></extra>",
    ))
    _share_marks(fig, middles, [m if not c else None for m, c in zip(share_marks, count_marks)])
    base_layout(fig, height=420)
    if population_pct is not None:
        fig.add_trace(Scatter(
            x=[spans[0][0], spans[-1][1]], y=[population_pct, population_pct], yaxis="y2", mode="lines",
            name=TEXT["population_line"], line={"color": PALETTE["accent"], "dash": "dot", "width": 1.5},
            hovertemplate=TEXT["population_line"] + " : %{y:,.1f} %<extra></extra>",
        ))
    values = [v for v in shares + [population_pct] if v is not None]
    share_top = min(100.0, 1.25 * max(values)) if values and max(values) > 0 else 100.0
    fig.update_layout(
        yaxis={"title": sessions_label, "tickformat": ",.0f", **_value_axis(counts, 0.08), **_whole_ticks(counts)},
        # the share axis fits the shares and the population share, so that a 2 % line is not flat at 0
        yaxis2={"overlaying": "y", "side": "right", "title": TEXT["share_axis"], "range": [0, share_top],
                "tickmode": "auto", "nticks": 6, "ticksuffix": " %", "showgrid": False, "zeroline": False},
    )
    fig.update_xaxes(title=None, tickvals=middles, ticktext=tick_text)
    if period:
        fig.update_xaxes(range=[spans[0][0] - timedelta(days=5), spans[-1][1] + timedelta(days=5)])
    return mark_dates(fig, milestones, within=period)
