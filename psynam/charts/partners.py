"""Pure builders of the Partners page: a published table of psynam/views/partners.py in (hidden cells null,
with their marks; a bare frame is a table without marks), a Plotly figure (or the partner table's display
frame) out. A hidden cell is never drawn as a value: no bar, no point, its mark written where the value
would be. Partner names are text from an export: they are HTML-escaped before Plotly sees them, so
`AMO <b>Jeunes</b>` shows its tags instead of turning bold.
"""

from __future__ import annotations

import html
from datetime import date, timedelta

import polars as pl

from psynam import formatting as fmt
from psynam.charts import (MARK_COLOUR, PALETTE, SEQUENCE, base_layout, empty, mark_bars, mark_dates,
                           mark_points, unpack)
from psynam.charts.spec import Bar, Fig, Scatter, builder, make_subplots
from psynam.labels.partners import TEXT

ACTIVE, INACTIVE = PALETTE["active"], PALETTE["muted"]
NEW, ENDED = PALETTE["south"], PALETTE["accent"]
ROW_HEIGHT = 26
DENSE_ROWS = 24  # above this many bars (the 38 communes), smaller category names and end texts: each keeps
                 # its own line on half an A4 page too
END_FONT = {"size": 12, "color": PALETTE["milestone"]}
ACTIVITY_PARTS = (("sessions", "sessions"), ("clairvisions", "clairvisions"),
                  ("activities_attended", "activities_attended"))


def as_text(value) -> str:
    """A name as literal text for Plotly (which would otherwise render <b>, <a href>, <br>)."""
    return html.escape("" if value is None else str(value), quote=False)


def _sorted(table, key) -> tuple[pl.DataFrame, object]:
    """The table's rows in the order `key(frame, i)` gives, marks kept with their rows."""
    frame, table = unpack(table)
    order = sorted(range(frame.height), key=lambda i: key(frame, i))
    table = table.take(order)
    return table.frame, table


def _bottom_up(table, value: str, label: str) -> tuple[pl.DataFrame, object]:
    """Rows for a horizontal bar chart (drawn bottom up): the largest `value` at the top, equal values in
    the order of their labels from the top down. A hidden value ranks as 0 (it is drawn as a mark)."""
    frame, table = _sorted(table, lambda f, i: (-(_number(f[value][i]) or 0), str(f[label][i])))
    table = table.take(list(reversed(range(frame.height))))
    return table.frame, table


def _whole_ticks(values) -> dict:
    """Counts take whole ticks: with small values Plotly would tick at 0.5 and write it `1` under `,.0f`."""
    top = max((v for v in values if v is not None), default=0)
    return {"dtick": 1, "tick0": 0} if top <= 6 else {}


def _number(value):
    return None if value is None else float(value)


# core candidate: marks of a stacked bar (charts.mark_bars writes each hidden segment's mark at the bar's
# base, where two hidden segments of one bar would overlap): one text per bar, after its drawn segments.
def mark_stacks(fig: Fig, ids: list, table, parts: list[tuple[str, str]], ends: list[str | None] | None = None,
                *, font: dict | None = None) -> Fig:
    """Write at the end of each horizontal stacked bar its `ends` text (a share, a rate) followed by the
    marks of its hidden segments (`Séances < 5`): a hidden segment is not drawn, its mark is read instead.
    `font` overrides the texts' font (its size, for dense charts)."""
    frame, table = unpack(table)
    ends = ends or [None] * len(ids)
    xs, texts = [], []
    for i in range(frame.height):
        drawn = sum(float(frame[c][i]) for c, _ in parts if frame[c][i] is not None)
        hidden = [f"{name} {table.mark(c, i)}" for c, name in parts if table.mark(c, i)]
        xs.append(drawn)
        texts.append(" · ".join(t for t in [ends[i], *hidden] if t) or None)
    if any(texts):
        marked = any(table.mark(c, i) for c, _ in parts for i in range(frame.height))
        style = {**END_FONT, "color": MARK_COLOUR, "style": "italic"} if marked else END_FONT
        fig.add_trace(Scatter(y=ids, x=xs, mode="text", text=[f" {t}" if t else None for t in texts],
                              textposition="middle right", showlegend=False, cliponaxis=False,
                              textfont={**style, **(font or {})}, hovertemplate="%{text}<extra></extra>"))
    return fig


def _category_axis(fig: Fig, ids: list, ticks: list[str]) -> None:
    dense = {"tickfont": {"size": 11}} if len(ids) > DENSE_ROWS else {}
    fig.update_yaxes(tickmode="array", tickvals=ids, ticktext=ticks, title=None, type="category",
                     categoryorder="array", categoryarray=ids, automargin=True, ticklabelstandoff=6, **dense)


def _end_font(rows: int) -> dict | None:
    return {"size": 10} if rows > DENSE_ROWS else None


def _value_axis(fig: Fig, title: str, values: list, texts: list[str | None]) -> None:
    """The x axis of horizontal bars with texts at their ends: room for the longest text past the longest
    bar (its share of the plot width grows with the text), whole ticks for small counts."""
    top = max((v for v in values if v is not None), default=0) or 1
    longest = max((len(t) for t in texts if t), default=0)
    room = min(1.0, 0.06 + 0.016 * longest)
    fig.update_xaxes(title=title, tickformat=",.0f", range=[0, top * (1 + room)], showgrid=True,
                     gridcolor="#e9ecef", **_whole_ticks(values))


# ---- over time --------------------------------------------------------------------------------------

def _time_axis(fig: Fig, milestones: pl.DataFrame, period: tuple[date, date] | None) -> Fig:
    fig.update_xaxes(tickformat="%m/%Y", title=None)
    months = {(d.year, d.month) for trace in fig.data for d in (trace.x or ())}
    if len(months) <= 7:  # one tick per month (Plotly would tick every few days, each written `10/2026`)
        fig.update_xaxes(dtick="M1", tick0=min(date(y, m, 1) for y, m in months) if months else None)
    if period:
        # from half a month before the first month: its point and bar (centred on the 1st) are whole
        fig.update_xaxes(range=[period[0].replace(day=1) - timedelta(days=15), period[1]])
    return mark_dates(fig, milestones, within=period)


@builder
def partners_over_time(table, milestones: pl.DataFrame, *, period: tuple[date, date] | None = None) -> Fig:
    """Registered and active partners per month (lines, upper panel), new and ended partners per month
    (bars, lower panel: they are an order of magnitude smaller). A hidden month breaks its line and is
    marked at the panel's foot; a hidden bar is a labelled gap."""
    frame, table = _sorted(table, lambda f, i: f["month"][i])
    if frame.is_empty():
        return empty()
    months = frame["month"].to_list()
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.06)
    for column, name, color in (("registered_partners", TEXT["registered"], PALETTE["registered"]),
                                ("active_partners", TEXT["active"], PALETTE["active"])):
        fig.add_trace(Scatter(x=months, y=frame[column].to_list(), name=name, mode="lines+markers",
                              line={"color": color, "width": 2.5}, marker={"size": 5},
                              hovertemplate=f"%{{x|%m/%Y}}<br>{name} : %{{y:,.0f}}<extra></extra>"), row=1, col=1)
        mark_points(fig, months, [m and f"{name} {m}" for m in table.column_marks(column)], yref="y domain")
    for column, name, color in (("new_partners", TEXT["new"], NEW), ("ended_partners", TEXT["ended"], ENDED)):
        fig.add_trace(Bar(x=months, y=frame[column].to_list(), name=name, marker_color=color, offsetgroup=column,
                          hovertemplate=f"%{{x|%m/%Y}}<br>{name} : %{{y:,.0f}}<extra></extra>"), row=2, col=1)
        mark_bars(fig, months, table.column_marks(column), row=2, col=1, offsetgroup=column)
    base_layout(fig, height=440)
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=TEXT["partners"], tickformat=",.0f", row=1, col=1)
    small = frame["new_partners"].to_list() + frame["ended_partners"].to_list()
    fig.update_yaxes(title=TEXT["new_ended"], tickformat=",.0f", rangemode="tozero", row=2, col=1,
                     **_whole_ticks(small))
    return _time_axis(fig, milestones, period)


@builder
def agreements_over_time(table, milestones: pl.DataFrame, *, period: tuple[date, date] | None = None) -> Fig:
    """Agreements in force per month (bars, left axis) and the hours per month they agree (line, right)."""
    frame, table = _sorted(table, lambda f, i: f["month"][i])
    if frame.is_empty():
        return empty()
    months = frame["month"].to_list()
    agreements, hours = TEXT["agreements_in_force"], TEXT["hours_per_month"]
    counts = frame["agreements_in_force"].to_list()
    fig = Fig()
    fig.add_trace(Bar(x=months, y=counts, name=agreements, marker_color=PALETTE["north"],
                      hovertemplate=f"%{{x|%m/%Y}}<br>{agreements} : %{{y:,.0f}}<extra></extra>"))
    mark_bars(fig, months, table.column_marks("agreements_in_force"))
    fig.add_trace(Scatter(x=months, y=[_number(v) for v in frame["agreed_hours_per_month"]],
                          name=hours, yaxis="y2", mode="lines+markers",
                          line={"color": PALETTE["south"], "width": 2.5}, marker={"size": 5},
                          hovertemplate=f"%{{x|%m/%Y}}<br>{hours} : %{{y:,.1f}}<extra></extra>"))
    mark_points(fig, months, [m and f"{hours} {m}" for m in table.column_marks("agreed_hours_per_month")])
    base_layout(fig)
    fig.update_layout(yaxis2={"title": {"text": hours}, "overlaying": "y", "side": "right", "tickformat": ",.0f",
                              "rangemode": "tozero", "showgrid": False, "tickmode": "auto", "automargin": True})
    fig.update_yaxes(title=agreements, tickformat=",.0f", selector={"anchor": "x"}, **_whole_ticks(counts))
    return _time_axis(fig, milestones, period)


# ---- breakdowns ---------------------------------------------------------------------------------------

@builder
def by_group(table, *, rate: str | None = None, label: str = "group_label") -> Fig:
    """Horizontal bars, one per group (`label`): active and inactive partners stacked to the registered
    total, the share of registered partners (or `rate`, partners per 10,000 inhabitants) written at the
    bar's end, and the mark of any hidden segment or figure after it."""
    frame, table = _bottom_up(table, "registered_partners", label)
    if frame.is_empty():
        return empty()
    ids = [f"g{i}" for i in range(frame.height)]  # positions, so that two equal labels never merge
    ticks = [as_text(v) for v in frame[label].to_list()]
    parts = [("active_partners", TEXT["active"]), ("inactive_partners", TEXT["inactive"])]
    fig = Fig()
    for (column, name), color in zip(parts, (ACTIVE, INACTIVE)):
        fig.add_trace(Bar(y=ids, x=frame[column].to_list(), name=name, orientation="h", marker_color=color,
                          customdata=ticks,
                          hovertemplate=f"%{{customdata}}<br>{name} : %{{x:,.0f}}<extra></extra>"))
    end_column = rate or "registered_pct"
    ends = []
    for i, value in enumerate(frame[end_column].to_list()):
        if table.mark(end_column, i):
            ends.append(table.mark(end_column, i))
        elif value is None:
            ends.append(None)
        else:
            ends.append(f"{fmt.decimal(value)} {TEXT['per_10000']}" if rate else fmt.percent(value, 0))
    mark_stacks(fig, ids, table, parts, ends, font=_end_font(len(ids)))
    base_layout(fig, height=max(220, ROW_HEIGHT * len(ids) + 90))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    _category_axis(fig, ids, ticks)
    _value_axis(fig, TEXT["partners"], [_number(v) for v in frame["registered_partners"].to_list()], ends)
    return fig


@builder
def by_area(table) -> Fig:
    """Partners per arrondissement: by_group with the rate per 10,000 inhabitants at the bar's end."""
    return by_group(table, rate="partners_per_10000")


@builder
def by_commune(table) -> Fig:
    """Partners per commune (`commune_name`): active and inactive stacked, the rate per 10,000 inhabitants
    at the bar's end; communes without partner keep their row, the partners outside the province form one
    row apart ("Hors province")."""
    return by_group(table, rate="partners_per_10000", label="commune_name")


@builder
def agreements_by_sector(table) -> Fig:
    """Hours per month agreed by the agreements in force, one bar per sector (`group_label`), with the
    number of agreements written at the bar's end (or its mark)."""
    frame, table = _bottom_up(table, "hours_per_month", "group_label")
    if frame.is_empty():
        return empty()
    ids = [f"g{i}" for i in range(frame.height)]
    ticks = [as_text(v) for v in frame["group_label"].to_list()]
    hours = [_number(v) for v in frame["hours_per_month"].to_list()]
    counts = frame["agreements_in_force"].to_list()
    name = TEXT["hours_per_month"]
    fig = Fig(Bar(
        y=ids, x=hours, orientation="h", marker_color=PALETTE["south"], name=name,
        customdata=[[t, "" if c is None else fmt.integer(c)] for t, c in zip(ticks, counts)],
        hovertemplate=f"%{{customdata[0]}}<br>{name} : %{{x:,.1f}}<br>{TEXT['agreements_in_force']} : "
                      "%{customdata[1]}<extra></extra>"))
    ends = [table.mark("agreements_in_force", i)
            or (None if c is None else TEXT["n_agreements"].format(n=fmt.integer(c))) for i, c in enumerate(counts)]
    mark_stacks(fig, ids, table, [("hours_per_month", name)], ends)
    base_layout(fig, height=max(220, ROW_HEIGHT * len(ids) + 90))
    fig.update_layout(showlegend=False)
    _category_axis(fig, ids, ticks)
    _value_axis(fig, name, hours, ends)
    return fig


# ---- activity per partner ------------------------------------------------------------------------------

@builder
def activity_by_partner(table) -> Fig:
    """Stacked horizontal bars per partner, the most active at the top: sessions, clairvisions, network
    activities attended. A hidden count (sessions, clairvisions under the threshold) is not drawn: its mark
    follows the bar (`Séances < 5`)."""
    frame, table = unpack(table)
    if frame.is_empty():
        return empty()
    table = table.take(list(reversed(range(frame.height))))  # the view ranks them: first at the top
    frame = table.frame
    ids = frame["partner_id"].to_list()
    ticks = [as_text(n) for n in frame["name"].to_list()]
    parts = [(column, TEXT[key]) for column, key in ACTIVITY_PARTS]
    fig = Fig()
    for (column, name), color in zip(parts, (ACTIVE, PALETTE["registered"], PALETTE["south"])):
        fig.add_trace(Bar(y=ids, x=frame[column].to_list(), name=name, orientation="h", marker_color=color,
                          customdata=ticks,
                          hovertemplate=f"%{{customdata}}<br>{name} : %{{x:,.0f}}<extra></extra>"))
    mark_stacks(fig, ids, table, parts)
    base_layout(fig, height=max(220, ROW_HEIGHT * len(ids) + 90))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    _category_axis(fig, ids, ticks)
    totals = [sum(float(frame[c][i]) for c, _ in parts if frame[c][i] is not None) for i in range(frame.height)]
    marks = [" · ".join(f"{n} {table.mark(c, i)}" for c, n in parts if table.mark(c, i)) for i in range(frame.height)]
    _value_axis(fig, TEXT["count"], totals, marks)
    return fig


# ---- the partner table ---------------------------------------------------------------------------------

def _cell_text(kind: str):
    """A formatter for one column kind, Belgian style; a mark (`< 5`, `masqué`) is shown as it is."""
    def show(value) -> str:
        if isinstance(value, str):
            return value
        if value is None or value != value:  # None, NaN, NaT
            return ""
        if kind == "int":
            return fmt.integer(value)
        if kind in ("decimal", "pct", "eur"):
            return fmt.decimal(value)
        if kind == "date":
            return fmt.day(value)
        return str(value)
    return show


def table_view(table, columns):
    """The partner table for st.dataframe: a pandas Styler showing Belgian formats (`1 234`, `8,5`,
    `31/12/2024`) while the cells keep their values (so sorting stays numeric); a column with hidden cells
    shows their marks (`< 5`, `masqué`). Columns keep their names (headers: `table_config`). Names stay
    text: st.dataframe never renders HTML."""
    import pandas as pd

    frame, table = unpack(table)
    data = pd.DataFrame({c.name: frame[c.name].to_list() for c in columns})
    for c in columns:
        if c.name in table.marks:  # a column with hidden cells becomes text: `< 5`, `masqué`, `12`
            data[c.name] = [_cell_text(c.kind)(table.cell(c.name, i)) for i in range(frame.height)]
        elif c.kind == "date" and frame[c.name].null_count():  # st.dataframe writes "None" in an empty cell
            data[c.name] = [_cell_text("date")(v) for v in frame[c.name].to_list()]
    return data.style.format({c.name: _cell_text(c.kind) for c in columns})


def table_config(columns) -> dict:
    """st.dataframe's column_config for the table: French headers, numbers (and their marks) right-aligned."""
    return {c.name: {"label": c.header, "alignment": "right" if c.kind in ("int", "decimal") else None}
            for c in columns}
