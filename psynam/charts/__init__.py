"""Pure chart builders: a Polars frame in, a Plotly Figure out, with one template and one palette.

Every builder returns a figure for an empty frame too (an annotated "no data" figure), never raises,
and puts the French labels and Belgian number/date formats on axes and hovers. Builders write their
figure as plain data (psynam.charts.spec: Plotly's method names on dicts, ~20x cheaper than Plotly's
objects) and return a go.Figure (`@builder`); the helpers below work on that plain figure (`Fig`).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from psynam import labels
from psynam.charts.spec import Fig, Scatter, builder

# Okabe–Ito (colour-blind safe): one colour, one meaning, on every page. The networks' blue and orange are
# never used for anything else; SEQUENCE (other categories) leaves them out.
OKABE_ITO = {"black": "#000000", "orange": "#E69F00", "sky_blue": "#56B4E9", "bluish_green": "#009E73",
             "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "reddish_purple": "#CC79A7"}
PALETTE = {
    "RSN": OKABE_ITO["blue"],          # adults' network
    "RSK": OKABE_ITO["orange"],        # children and adolescents' network
    "south": OKABE_ITO["bluish_green"],
    "north": "#8d99ae",
    "muted": "#adb5bd",
    "milestone": "#6c757d",
    "accent": OKABE_ITO["vermillion"],
    "registered": OKABE_ITO["sky_blue"],    # partners registered (not a network)
    "active": "#3d3d3d",                    # partners active (not a network)
    "at_ceiling": OKABE_ITO["reddish_purple"],
    "over_ceiling": OKABE_ITO["vermillion"],
}
SEQUENCE = [OKABE_ITO["bluish_green"], OKABE_ITO["reddish_purple"], OKABE_ITO["sky_blue"], OKABE_ITO["vermillion"],
            "#3d3d3d", "#8d99ae", "#9c6644", OKABE_ITO["yellow"]]
FONT = "Source Sans Pro, Arial, sans-serif"
MARK_COLOUR = "#495057"  # the text of a hidden cell's mark (`< 5`, `masqué`)


# ---- hidden cells: a visible mark, never a bar height, a point or a 0 ------------------------------

def unpack(table) -> tuple[pl.DataFrame, "privacy.Published"]:
    """A builder's input as (frame, published table): builders take a published table (psynam.privacy.
    Published: hidden cells null, with their marks); a bare frame is a table without marks."""
    from psynam.privacy import Published

    if isinstance(table, Published):
        return table.frame, table
    return table, Published(table, {})


def marks_of(table, column: str) -> list[str | None]:
    """The mark of each row's cell in `column` (None where published)."""
    _, published = unpack(table)
    return published.column_marks(column) if column in published.frame.columns else [None] * published.frame.height


def mark_bars(fig: Fig, positions: list, marks: list[str | None], *, horizontal: bool = False,
              row: int | None = None, col: int | None = None, offsetgroup: str | None = None) -> Fig:
    """Hidden bars as labelled gaps: no bar is drawn for a hidden cell, its mark is written at the bar's
    base instead (and in its hover), so a hidden count reads `< 5` or `masqué`, never a height of 0."""
    hidden = [(p, m) for p, m in zip(positions, marks) if m]
    if not hidden:
        return fig
    where, text = [p for p, _ in hidden], [m for _, m in hidden]
    zeros = [0] * len(where)
    trace = Scatter(
        x=zeros if horizontal else where, y=where if horizontal else zeros, mode="text", text=text,
        orientation="h" if horizontal else "v",
        textposition="middle right" if horizontal else "top center", showlegend=False, cliponaxis=False,
        textfont={"color": MARK_COLOUR, "size": 12, "style": "italic"}, hovertemplate="%{text}<extra></extra>",
        offsetgroup=offsetgroup)
    if row is not None:
        fig.add_trace(trace, row=row, col=col)
    else:
        fig.add_trace(trace)
    return fig


def mark_points(fig: Fig, xs: list, marks: list[str | None], *, yref: str = "paper") -> Fig:
    """Hidden points of a line as labelled gaps: the line breaks there (the value is null) and the mark is
    written upright at that x, at the foot of the plot, so no point sits where a value could be read."""
    for x, mark in zip(xs, marks):
        if mark:
            fig.add_annotation(x=x, xref="x", y=0, yref=yref, yanchor="bottom", text=mark, showarrow=False,
                               textangle=-90, font={"size": 11, "color": MARK_COLOUR, "style": "italic"})
    return fig


def base_layout(fig: Fig, *, title: str | None = None, height: int = 380) -> Fig:
    """The house template: French separators (`1 234,5`), dd/mm/yyyy hovers, quiet grid, legend on top
    (values merged into what the figure already has, on every x and y axis)."""
    fig.update_layout({
        "separators": ", ",
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 50 if title else 20, "b": 10},
        "font": {"family": FONT, "size": 14},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "xanchor": "left", "x": 0},
        "colorway": SEQUENCE,
        "plot_bgcolor": "white",
        "hoverlabel": {"namelength": -1},
    })
    fig.layout.legend.pop("title", None)  # no legend title
    fig.layout.pop("title", None)
    if title:
        fig.layout["title"] = {"text": title, "x": 0, "xanchor": "left"}
    fig.update_xaxes(showgrid=False, linecolor="#ced4da")
    fig.update_yaxes(gridcolor="#e9ecef", zeroline=False, rangemode="tozero")
    return fig


def empty(message: str | None = None, height: int = 240) -> Fig:
    fig = Fig()
    fig.add_annotation(text=message or labels.CHART["no_data"], showarrow=False, font={"size": 16},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, height=height)


def mark_dates(fig: Fig, milestones: pl.DataFrame, *, within: tuple[date, date] | None = None) -> Fig:
    """Vertical dotted lines with a label for policy dates (data/reference/milestones.csv)."""
    for row in milestones.iter_rows(named=True):
        when = row["date"]
        if within and not (within[0] <= when <= within[1]):
            continue
        fig.add_shape(type="line", x0=when, x1=when, xref="x", y0=0, y1=1, yref="paper",
                      line={"color": PALETTE["milestone"], "width": 1.5, "dash": "dot"})
        fig.add_annotation(x=when, xref="x", y=1, yref="paper", text=row["label_fr"], showarrow=False,
                           xanchor="left", yanchor="top", font={"size": 11, "color": PALETTE["milestone"]},
                           bgcolor="rgba(255,255,255,0.8)")
    return fig


@builder
def monthly_by_network(frame: pl.DataFrame, milestones: pl.DataFrame, *, value: str = "sessions",
                       value_label: str | None = None, period: tuple[date, date] | None = None) -> Fig:
    """One line per network over months (table: month, network, <value>), policy dates marked; a hidden
    month breaks its network's line and is marked at the foot of the chart."""
    frame, table = unpack(frame)
    if frame.is_empty():
        return empty()
    value_label = value_label or labels.CHART["sessions"]
    fig = Fig()
    marks = table.column_marks(value)
    hidden: dict = {}
    for network in sorted(frame["network"].unique()):
        rows = [i for i, n in enumerate(frame["network"].to_list()) if n == network]
        rows.sort(key=lambda i: frame["month"][i])
        months = [frame["month"][i] for i in rows]
        fig.add_trace(Scatter(
            x=months, y=[frame[value][i] for i in rows], name=labels.NETWORKS.get(network, network),
            mode="lines+markers", line={"color": PALETTE.get(network), "width": 2.5}, marker={"size": 5},
            hovertemplate=f"%{{x|%m/%Y}}<br>{value_label} : %{{y:,.0f}}<extra>{network}</extra>",
        ))
        for i in rows:
            if marks[i]:
                hidden.setdefault(frame["month"][i], []).append(f"{network} {marks[i]}")
    mark_points(fig, list(hidden), [" · ".join(v) for v in hidden.values()])
    base_layout(fig)
    fig.update_xaxes(tickformat="%m/%Y", title=None)
    fig.update_yaxes(title=value_label, tickformat=",.0f")
    if period:
        # the months of the period, padded so that a milestone on the first day stays visible
        fig.update_xaxes(range=[period[0].replace(day=1), period[1]])
    return mark_dates(fig, milestones, within=period)
