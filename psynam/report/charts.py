"""The report's chart builders: pure functions, published (suppressed) frame -> Plotly figure.

A hidden cell arrives as null and is simply not drawn; an empty frame gives the house `empty()` figure.
"""

from __future__ import annotations

import polars as pl

from psynam.charts import PALETTE, base_layout, empty, mark_bars, mark_dates, unpack
from psynam.charts.spec import Bar, Fig, Scatter, builder
from psynam.labels.report import TEXT as T


@builder
def partners_by_care(table) -> Fig:
    """Registered and active partners in care and outside it (organisations: never hidden)."""
    frame, _ = unpack(table)
    if frame.is_empty():
        return empty()
    frame = frame.sort("group_label")
    fig = Fig()
    for column, name, color in (("registered_partners", T["registered"], PALETTE["registered"]),
                                ("active_partners", T["active"], PALETTE["south"])):
        fig.add_trace(Bar(x=frame["group_label"].to_list(), y=frame[column].to_list(), name=name, marker_color=color,
                    text=[None if v is None else str(v) for v in frame[column].to_list()], textposition="outside",
                    hovertemplate="%{x} : %{y:,.0f}<extra>" + name + "</extra>"))
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=T["registered"])
    return base_layout(fig)


@builder
def reach_by_area(frame: pl.DataFrame, province_reach: float | None, *, value: str = "reach_per_1000",
                  title: str | None = None, decimals: int = 1) -> Fig:
    """Reach per 1,000 by arrondissement, south in its colour, the province average as a line."""
    if frame.is_empty():
        return empty()
    colors = [PALETTE["south"] if s else PALETTE["north"] for s in frame["is_south"].to_list()]
    fmt = f"%{{y:,.{decimals}f}}"
    fig = Fig(Bar(x=frame["area"].to_list(), y=frame[value].to_list(), marker_color=colors,
                           texttemplate=fmt, textposition="outside", hovertemplate="%{x} : " + fmt + "<extra></extra>"))
    if province_reach is not None:
        fig.add_hline(y=province_reach, line={"color": PALETTE["accent"], "dash": "dash", "width": 2},
                      annotation_text=f"{T['province']} : {province_reach:.{decimals}f}".replace(".", ","),
                      annotation_position="top right", annotation_bgcolor="rgba(255,255,255,0.85)")
    fig.update_yaxes(title=title or T["reach"])
    return base_layout(fig)


@builder
def south_share_by_month(frame: pl.DataFrame, milestones: pl.DataFrame, population_pct: float | None,
                         period) -> Fig:
    if frame.is_empty():
        return empty()
    fig = Fig(Scatter(x=frame["month"].to_list(), y=frame["south_sessions_pct"].to_list(),
                               mode="lines+markers", name=T["south_pct"], line={"color": PALETTE["south"], "width": 3},
                               hovertemplate="%{x|%m/%Y} : %{y:,.1f} %<extra></extra>"))
    if population_pct is not None:
        fig.add_hline(y=population_pct, line={"color": PALETTE["north"], "dash": "dash", "width": 2},
                      annotation_text=T["south_population_pct"], annotation_position="bottom left")
    fig.update_yaxes(title=T["south_pct"], rangemode="tozero")
    fig.update_xaxes(tickformat="%m/%Y")
    mark_dates(fig, milestones, within=period)
    return base_layout(fig)


@builder
def budget_projection(table) -> Fig:
    """Per network, the capped envelope used to date and the projected year-end, against 85 % and 100 %;
    a hidden figure is its mark at the bar's base."""
    frame, published = unpack(table)
    if frame.is_empty():
        return empty()
    fig = Fig()
    for column, name, color in (("usage_pct", T["usage_pct"], PALETTE["north"]),
                                ("linear_pct", T["projected_pct"], PALETTE["south"])):
        fig.add_trace(Bar(x=frame["network"].to_list(), y=frame[column].to_list(), name=name, marker_color=color,
                    texttemplate="%{y:,.1f} %", textposition="outside", offsetgroup=column,
                    hovertemplate="%{x} : %{y:,.1f} %<extra>" + name + "</extra>"))
        mark_bars(fig, frame["network"].to_list(), published.column_marks(column), offsetgroup=column)
    for level in (85, 100):
        fig.add_hline(y=level, line={"color": PALETTE["milestone"], "dash": "dot", "width": 1.5},
                      annotation_text=f"{level} %", annotation_position="right")
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=T["pct_axis"])
    return base_layout(fig)
