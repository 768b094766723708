"""Chart builders of the priorities page (elderly people, early childhood): reach by arrondissement,
activity per partner, and the quarterly trend with the policy dates marked. Pure: frame in, Figure out."""

from __future__ import annotations

import html
from datetime import date, timedelta

import plotly.graph_objects as go
import polars as pl

from psynam.charts import PALETTE, SEQUENCE, base_layout, empty, mark_dates
from psynam.labels.priorities import TEXT
from psynam.privacy import Spec

# One colour per priority, distinct from the networks' colours (RSN blue, RSK orange).
PRIORITY_COLOURS = {"aines": SEQUENCE[5], "petite_enfance": SEQUENCE[4]}
DAY_MS = 86_400_000

# What each chart's frame holds, for small-count suppression (psynam.privacy). The reach table nests
# territories in groups (with_area_labels): arrondissements in their zone, and the zone totals and the
# whole selection in one group of their own, so that every sum the table or a KPI card publishes is a
# margin the suppression rule knows about.
REACH_SPEC = Spec(dimensions=("member_label",), counts=("patients", "summary_patients"),
                  rates={"reach_per_1000": ("patients", "summary_patients")},
                  groupings={"zone_label": "member_label"})
PARTNER_SPEC = Spec(dimensions=("partner_id",), counts=("sessions", "clairvisions"))
TREND_SPEC = Spec(dimensions=("quarter_label",), counts=("sessions", "priority_sessions"),
                  rates={"priority_sessions_pct": ("priority_sessions", "sessions")})


def _plain(text: str) -> str:
    """Plotly reads a subset of HTML in labels; a partner's name must show as typed, never as markup."""
    return html.escape(str(text), quote=False)


def _whole_ticks(values: pl.Series) -> dict:
    """Counts take whole ticks: below ten, one tick per unit (plotly would otherwise show 0,5 as `1`)."""
    top = values.max() if values.len() else None
    return {"dtick": 1, "tick0": 0} if top is not None and top <= 10 else {}


def with_area_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """Lay out reach_by_arrondissement for display and suppression. `zone_label` is the group of a row:
    an arrondissement's zone (Nord, Sud), `Zones` for the zone totals and the whole selection, or the
    residents outside the province; `member_label` names the row in its group. Residents are split in two
    count columns: `patients` for the leaves (arrondissements, outside the province), `summary_patients`
    for the sums (zone totals, whole selection), so that a sum is never taken for one more leaf."""
    zones, members = [], []
    for level, area, zone in zip(frame["level"].to_list(), frame["area"].to_list(), frame["zone"].to_list()):
        if level == "arrondissement":
            zones.append(TEXT[zone])
            members.append(area)
        elif level == "hors_province":
            zones.append(TEXT["hors_province"])
            members.append(TEXT["no_member"])
        else:
            zones.append(TEXT["zones"])
            members.append(TEXT["total"] if level == "total" else TEXT[zone])
    is_sum = pl.col("level").is_in(["zone", "total"])
    return frame.with_columns(
        pl.Series("zone_label", zones, dtype=pl.String),
        pl.Series("member_label", members, dtype=pl.String),
        summary_patients=pl.when(is_sum).then(pl.col("patients")),
        patients=pl.when(~is_sum).then(pl.col("patients")),
    )


def with_quarter_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """Add `quarter_label` (`T2 2024`) to a frame with a `quarter` date column."""
    return frame.with_columns(pl.Series("quarter_label", [quarter_tick(q) for q in frame["quarter"].to_list()],
                                        dtype=pl.String))


def reach_by_area(frame: pl.DataFrame, *, value_label: str) -> go.Figure:
    """Horizontal bars of reach per 1,000 inhabitants of that age: each zone (north, south) then its
    arrondissements, coloured south/north; the whole selection as a dashed vertical line. Residents outside
    the province have no population and are left to the page's note. A hidden (suppressed) rate reads
    `masqué`. Frame (with_area_labels, in display order): zone_label, member_label, patients,
    summary_patients, population_age, reach_per_1000."""
    is_sum = pl.col("zone_label") == TEXT["zones"]
    bars = frame.filter((is_sum & (pl.col("member_label") != TEXT["total"]))
                        | pl.col("zone_label").is_in([TEXT["nord"], TEXT["sud"]]))
    if bars.is_empty():
        return empty()
    whole = [z == TEXT["zones"] for z in bars["zone_label"]]
    # a zone total first, then its arrondissements
    zone_of = [m if w else z for z, m, w in zip(bars["zone_label"], bars["member_label"], whole)]
    order = sorted(range(bars.height), key=lambda i: (zone_of[i] != TEXT["nord"], not whole[i]))
    bars = bars[order]
    whole, zone_of = [whole[i] for i in order], [zone_of[i] for i in order]
    names = [f"{z} — {TEXT['ensemble'].lower()}" if w else f"   {m}"
             for z, m, w in zip(zone_of, bars["member_label"], whole)]
    colours = [PALETTE["south"] if z == TEXT["sud"] else PALETTE["north"] for z in zone_of]
    is_zone = whole
    rates = bars["reach_per_1000"].to_list()
    text = [TEXT["hidden"] if r is None else f"{r:.2f}".replace(".", ",") for r in rates]
    patients = [TEXT["hidden"] if p is None else str(p)
                for p in bars.select(pl.coalesce("patients", "summary_patients")).to_series().to_list()]
    fig = go.Figure(go.Bar(
        x=[r or 0 for r in rates], y=names, orientation="h", text=text, textposition="outside",
        marker={"color": colours, "opacity": [1.0 if whole else 0.6 for whole in is_zone]}, cliponaxis=False,
        customdata=list(zip(patients, bars["population_age"].to_list())),
        hovertemplate=("%{y}<br>" + value_label + " : %{text}<br>" + TEXT["patients"] + " : %{customdata[0]}<br>"
                       + TEXT["population"] + " : %{customdata[1]:,.0f}<extra></extra>"),
        showlegend=False,
    ))
    base_layout(fig, height=110 + 42 * bars.height)
    total = frame.filter(is_sum & (pl.col("member_label") == TEXT["total"]))
    if total.height and total["reach_per_1000"][0] is not None:
        value = total["reach_per_1000"][0]
        line = {"color": PALETTE["milestone"], "dash": "dash", "width": 1.5}
        fig.add_vline(x=value, line=line)
        # a legend entry names the line (an annotation would sit under the chart's tool bar)
        fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", line=line, hoverinfo="skip",
                                 name=f"{TEXT['total']} : {value:.2f}".replace(".", ",")))
    fig.update_yaxes(autorange="reversed", title=None, showgrid=False)
    fig.update_xaxes(title=value_label, showgrid=True, gridcolor="#e9ecef", rangemode="tozero")
    fig.update_layout(margin={"l": 10, "r": 40, "t": 40, "b": 10})
    return fig


def partner_activity(frame: pl.DataFrame, *, colour: str) -> go.Figure:
    """Sessions and clairvisions at each partner serving the priority (stacked horizontal bars), in the
    frame's order. Frame: name, commune_name, sessions, clairvisions."""
    if frame.is_empty():
        return empty()
    # the commune tells apart partners of the same name, unless the name already gives it
    names = [_plain(n) if not c or c in n else f"{_plain(n)} ({_plain(c)})"
             for n, c in zip(frame["name"], frame["commune_name"])]
    fig = go.Figure()
    for column, label, shade in (("sessions", TEXT["partner_sessions"], colour),
                                 ("clairvisions", TEXT["partner_clairvisions"], PALETTE["muted"])):
        values = frame[column].to_list()
        fig.add_trace(go.Bar(
            x=[v or 0 for v in values], y=names, orientation="h", name=label, marker={"color": shade},
            text=[TEXT["hidden"] if v is None else "" for v in values], textposition="outside",
            cliponaxis=False, hovertemplate="%{y}<br>" + label + " : %{x:,.0f}<extra></extra>",
        ))
    base_layout(fig, height=130 + 30 * frame.height)
    fig.update_layout(barmode="stack", margin={"l": 10, "r": 60, "t": 20, "b": 10})
    fig.update_yaxes(autorange="reversed", title=None, showgrid=False)
    fig.update_xaxes(title=TEXT["count_axis"], tickformat=",.0f", showgrid=True, gridcolor="#e9ecef",
                     rangemode="tozero", **_whole_ticks(frame["sessions"].fill_null(0) + frame["clairvisions"].fill_null(0)))
    return fig


def quarter_tick(day: date) -> str:
    return TEXT["quarter_tick"].format(q=(day.month - 1) // 3 + 1, year=day.year)


def _quarter_span(start: date, period: tuple[date, date] | None) -> tuple[date, date]:
    """The days of a quarter that the period covers (first day, day after the last)."""
    end = date(start.year + (start.month == 10), (start.month + 2) % 12 + 1, 1)
    if period:
        return max(start, period[0]), min(end, period[1] + timedelta(days=1))
    return start, end


def quarterly_trend(frame: pl.DataFrame, milestones: pl.DataFrame, *, population_pct: float | None,
                    sessions_label: str, colour: str, period: tuple[date, date] | None = None) -> go.Figure:
    """The priority's sessions per quarter (bars, left axis) and their share of all sessions (line, right
    axis) beside the age band's share of the population (dotted), with the policy dates marked. A quarter
    the period only partly covers is drawn over the covered days, lighter and labelled as incomplete, so its
    smaller count is not read as a fall. Frame: quarter, priority_sessions, priority_sessions_pct."""
    if frame.is_empty():
        return empty()
    rows = frame.sort("quarter")
    quarters = rows["quarter"].to_list()
    spans = [_quarter_span(q, period) for q in quarters]
    full = [(b - a).days >= (_quarter_span(q, None)[1] - q).days for q, (a, b) in zip(quarters, spans)]
    # Each bar stands over the days it counts, so the policy dates fall where they belong.
    middles = [a + (b - a) / 2 for a, b in spans]
    ticks = [quarter_tick(q) if whole else TEXT["quarter_partial"].format(quarter=quarter_tick(q))
             for q, whole in zip(quarters, full)]
    counts = rows["priority_sessions"].to_list()
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=middles, y=[c or 0 for c in counts], name=sessions_label,
        marker={"color": colour, "opacity": [1.0 if whole else 0.45 for whole in full]},
        text=[TEXT["hidden"] if c is None else "" for c in counts], textposition="outside",
        width=[0.85 * (b - a).days * DAY_MS for a, b in spans], customdata=ticks,
        hovertemplate="%{customdata}<br>" + sessions_label + " : %{y:,.0f}<extra></extra>",
    ))
    fig.add_trace(go.Scatter(
        x=middles, y=rows["priority_sessions_pct"].to_list(), name=TEXT["share_line"], yaxis="y2",
        mode="lines+markers", line={"color": PALETTE["accent"], "width": 2.5}, customdata=ticks,
        hovertemplate="%{customdata}<br>" + TEXT["share_line"] + " : %{y:,.1f} %<extra></extra>",
    ))
    base_layout(fig, height=420)
    if population_pct is not None:
        fig.add_trace(go.Scatter(
            x=[spans[0][0], spans[-1][1]], y=[population_pct, population_pct], yaxis="y2", mode="lines",
            name=TEXT["population_line"], line={"color": PALETTE["accent"], "dash": "dot", "width": 1.5},
            hovertemplate=TEXT["population_line"] + " : %{y:,.1f} %<extra></extra>",
        ))
    shares = [v for v in rows["priority_sessions_pct"].to_list() + [population_pct] if v is not None]
    share_top = min(100.0, 1.25 * max(shares)) if shares and max(shares) > 0 else 100.0
    fig.update_layout(
        yaxis={"title": sessions_label, "tickformat": ",.0f", **_whole_ticks(rows["priority_sessions"].fill_null(0))},
        # the share axis fits the shares and the population share, so that a 2 % line is not flat at 0
        yaxis2={"overlaying": "y", "side": "right", "title": TEXT["share_axis"], "range": [0, share_top],
                "tickmode": "auto", "nticks": 6, "ticksuffix": " %", "showgrid": False, "zeroline": False},
    )
    fig.update_xaxes(title=None, tickvals=middles, ticktext=ticks)
    if period:
        fig.update_xaxes(range=[spans[0][0] - timedelta(days=5), spans[-1][1] + timedelta(days=5)])
    return mark_dates(fig, milestones, within=period)
