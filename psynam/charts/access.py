"""Charts of the universalism page (financial access, pathways, supply): pure builders, a published table
in (psynam.views.access results, the rows as the view selected them), a Figure out. A hidden cell draws no
bar or point: its mark stands in its place (psynam.charts.mark_bars / mark_points)."""

from __future__ import annotations

import html


from psynam import labels
from psynam.charts import PALETTE, SEQUENCE, base_layout, empty, mark_bars, mark_points, marks_of, unpack
from psynam.charts.spec import Bar, Fig, Scatter, builder
from psynam.labels.access import TEXT

NETWORK_COLOURS = {"RSN": PALETTE["RSN"], "RSK": PALETTE["RSK"], "all": "#343a40"}


def _plain(text) -> str:
    return html.escape(str(text), quote=False)


def hbars(table, label: str, value: str, *, value_title: str, colour: str = PALETTE["RSN"], suffix: str = "",
          decimals: int = 1, colours: list[str] | None = None, height: int | None = None,
          undefined: str | None = None) -> Fig:
    """Horizontal bars of `value` for each row shown (first row on top), labelled by `label`; a hidden
    value is its mark at the bar's base; so is `undefined`, if given, for a value that is not hidden but
    undefined (a share of no one), else its row is left empty."""
    frame, _ = unpack(table)
    if frame.is_empty():
        return empty()
    names = [_plain(n) for n in frame[label].to_list()]
    values = frame[value].to_list()
    text = [None if v is None else f"{v:,.{decimals}f}".replace(",", " ").replace(".", ",") + suffix for v in values]
    fig = Fig(Bar(y=names, x=values, orientation="h", text=text, textposition="outside",
                           marker_color=colours or colour, cliponaxis=False, showlegend=False,
                           hovertemplate="%{y} : %{text}<extra></extra>"))
    marks = marks_of(table, value)
    if undefined:  # written like a mark, in the same place: no bar, and no 0 for the text alternative to read
        marks = [m or (undefined if v is None else None) for v, m in zip(values, marks)]
    mark_bars(fig, names, marks, horizontal=True)
    shown = [v for v in values if v is not None]
    fig.update_xaxes(title=value_title, range=[0, (max(shown) if shown else 1) * 1.18 or 1])
    fig.update_yaxes(autorange="reversed")
    return base_layout(fig, height=height or max(220, 60 + 34 * frame.height))


@builder
def bim_by_group(table) -> Fig:
    """The BIM share of each group shown (access/bim_by_group rows); the south green, the north grey."""
    frame, _ = unpack(table)
    if frame.is_empty():
        return empty()
    colours = [PALETTE["south"] if k == "south" or (b == "arrondissement" and n == "south") else
               PALETTE["north"] if k == "north" or (b == "arrondissement" and n == "north") else
               NETWORK_COLOURS.get(k, PALETTE["RSN"])
               for b, k, n in frame.select("breakdown", "group_key", "nested_in").iter_rows()]
    return hbars(table, "group_label", "bim_patients_pct", value_title=TEXT["bim_patients_pct"], suffix=" %",
                 colours=colours, undefined=TEXT["no_patient_in_group"])


@builder
def lines_by_network(table, value: str, *, value_title: str, pct: bool = False) -> Fig:
    """One line per network over months (rows: month, network, value); a hidden month breaks its line and
    is marked at the foot of the chart."""
    frame, _ = unpack(table)
    if frame.is_empty():
        return empty()
    fig = Fig()
    marks = marks_of(table, value)
    for network in [n for n in ("RSN", "RSK", "all") if n in frame["network"].to_list()]:
        rows = [i for i, n in enumerate(frame["network"].to_list()) if n == network]
        xs = [frame["month"][i] for i in rows]
        fig.add_trace(Scatter(
            x=xs, y=[frame[value][i] for i in rows], mode="lines+markers",
            name=TEXT["all"] if network == "all" else labels.NETWORKS.get(network, network),
            line={"color": NETWORK_COLOURS[network], "width": 3 if network == "all" else 2,
                  "dash": "dot" if network == "all" else "solid"},
            hovertemplate="%{x|%m/%Y} : %{y:.1f}" + (" %" if pct else "") + "<extra>%{fullData.name}</extra>"))
        mark_points(fig, [x for x, i in zip(xs, rows) if marks[i]], [marks[i] for i in rows if marks[i]])
    fig.update_xaxes(tickformat="%m/%Y")
    fig.update_yaxes(title=value_title, ticksuffix=" %" if pct else "")
    return base_layout(fig, height=340)


@builder
def bim_by_month(table) -> Fig:
    return lines_by_network(table, "bim_patients_pct", value_title=TEXT["bim_patients_pct"], pct=True)


@builder
def new_by_month(table) -> Fig:
    """New patients per month, one bar per network side by side (pathways/new_by_month)."""
    frame, _ = unpack(table)
    if frame.is_empty():
        return empty()
    fig = Fig()
    marks = marks_of(table, "new_patients")
    for network in [n for n in ("RSN", "RSK") if n in frame["network"].to_list()]:
        rows = [i for i, n in enumerate(frame["network"].to_list()) if n == network]
        xs = [frame["month"][i] for i in rows]
        fig.add_trace(Bar(x=xs, y=[frame["new_patients"][i] for i in rows], name=labels.NETWORKS[network],
                          marker_color=NETWORK_COLOURS[network], offsetgroup=network,
                          hovertemplate="%{x|%m/%Y} : %{y}<extra>%{fullData.name}</extra>"))
        mark_bars(fig, xs, [marks[i] for i in rows], offsetgroup=network)
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickformat="%m/%Y")
    fig.update_yaxes(title=TEXT["new_patients"])
    return base_layout(fig, height=340)


@builder
def wait_by_group(table) -> Fig:
    """The median days from first to second session of each group shown (pathways/by_group rows)."""
    return hbars(table, "group_label", "median_days_first_to_second", value_title=TEXT["median_days_first_to_second"],
                 colour=SEQUENCE[5], suffix=" j")


@builder
def supply_by_area(table) -> Fig:
    """Active psychologists per 10,000 inhabitants of each area shown (supply/areas rows)."""
    frame, _ = unpack(table)
    if frame.is_empty():
        return empty()
    colours = [PALETTE["south"] if a in ("south", "Dinant", "Philippeville") else
               PALETTE["north"] if a in ("north", "Namur") else "#343a40" for a in frame["area"].to_list()]
    return hbars(table, "area_label", "active_per_10000", value_title=TEXT["active_per_10000"], colours=colours,
                 decimals=2)
