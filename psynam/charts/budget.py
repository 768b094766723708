"""Chart builders of the Budget and Plafonds pages: frame in, Figure out, one template and palette.

Capped budget lines are solid bars measured against their envelope (a dark tick); uncapped lines are
hatched bars with their spending only. Every builder returns `empty()` for an empty frame, and reads only
the columns its download exports (ui.chart_block builds the image from the exported, suppressed frame).
"""

from __future__ import annotations

import textwrap
from datetime import date

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from psynam import formatting as fmt, labels
from psynam.budget import HIGH_USAGE_PCT, LOW_USAGE_PCT, TOTAL
from psynam.charts import PALETTE, SEQUENCE, base_layout, empty, mark_dates
from psynam.labels.budget import TEXT as T

EUR_HOVER = "%{x:,.2f} €"
ENVELOPE_MARK = {"symbol": "line-ns", "size": 26, "line": {"width": 3, "color": "#212529"}, "color": "#212529"}


def _wrap(text: str, width: int = 16) -> str:
    """A long category label on several lines, so that axis labels need no rotation."""
    return "<br>".join(textwrap.wrap(text, width)) if text else text


def _network_name(network: str) -> str:
    return labels.NETWORKS.get(network, network)


def _color(network: str) -> str:
    return PALETTE.get(network, PALETTE["muted"])


def envelope_vs_spent(frame: pl.DataFrame) -> go.Figure:
    """Spent per category against the envelope, one panel per network, for the last year of the frame
    (budget/budget_by_year rows)."""
    if frame.is_empty():
        return empty()
    year = frame["year"].max()
    data = frame.filter(pl.col("year") == year).with_columns(pl.col("envelope_eur", "spent_eur").cast(pl.Float64))
    networks = sorted(data["network"].unique())
    fig = make_subplots(rows=1, cols=len(networks), shared_yaxes=True, horizontal_spacing=0.04,
                        subplot_titles=[_network_name(n) for n in networks])
    legend_done: set[str] = set()
    for col, network in enumerate(networks, start=1):
        part = data.filter(pl.col("network") == network).sort("category_label", descending=True)
        for capped, name in ((True, T["capped"]), (False, T["uncapped"])):
            rows = part.filter((pl.col("capped_label") == T["capped"]) == capped)
            if rows.is_empty():
                continue
            text = None if capped else [T["uncapped"].lower()] * rows.height
            fig.add_trace(go.Bar(
                x=rows["spent_eur"].to_list(), y=rows["category_label"].to_list(), orientation="h",
                name=f"{T['spent']} — {name.lower()}", legendgroup=name, showlegend=name not in legend_done,
                marker={"color": _color(network), "opacity": 1.0 if capped else 0.45,
                        "pattern": {"shape": "" if capped else "/", "fgcolor": "white" if capped else _color(network)}},
                text=text, textposition="outside", cliponaxis=False,
                hovertemplate=f"%{{y}}<br>{T['spent']} : {EUR_HOVER}<br>{name}<extra>{network}</extra>",
            ), row=1, col=col)
            legend_done.add(name)
        capped_rows = part.filter((pl.col("capped_label") == T["capped"]) & pl.col("envelope_eur").is_not_null())
        if not capped_rows.is_empty():
            fig.add_trace(go.Scatter(
                x=capped_rows["envelope_eur"].to_list(), y=capped_rows["category_label"].to_list(),
                mode="markers+text", text=[fmt.percent(u) for u in capped_rows["usage_pct"].to_list()],
                textposition="middle right", cliponaxis=False,
                marker=ENVELOPE_MARK, name=T["envelope"], legendgroup="envelope",
                showlegend="envelope" not in legend_done,
                hovertemplate=f"%{{y}}<br>{T['envelope']} : {EUR_HOVER}<extra>{network}</extra>",
            ), row=1, col=col)
            legend_done.add("envelope")
    base_layout(fig, height=150 + 48 * data["category_label"].n_unique())
    fig.update_xaxes(title=T["amount_axis"], tickformat=",.0f", rangemode="tozero", showgrid=True, gridcolor="#e9ecef")
    return _above_titles(fig.update_layout(barmode="overlay"))


def _above_titles(fig: go.Figure) -> go.Figure:
    """Subplot titles sit just above the panels: lift the legend over them."""
    fig.update_layout(legend={"y": 1.12}, margin={"t": 90, "r": 60})
    return fig


def cumulative_spend(frame: pl.DataFrame, projections: pl.DataFrame, milestones: pl.DataFrame,
                     year: int) -> go.Figure:
    """Cumulative capped spend per network through the year, the envelope as a dashed line and the
    projected year-end (linear, seasonal) as dotted segments to 31 December."""
    if frame.is_empty():
        return empty()
    start, end = date(year, 1, 1), date(year, 12, 31)
    fig = go.Figure()
    for network in sorted(frame["network"].unique()):
        part = frame.filter(pl.col("network") == network).sort("point_date")
        color, name = _color(network), _network_name(network)
        x, y = [start] + part["point_date"].to_list(), [0.0] + part["spent_cum_eur"].to_list()
        fig.add_trace(go.Scatter(
            x=x, y=y, name=name, mode="lines+markers", line={"color": color, "width": 3}, marker={"size": 6},
            hovertemplate=f"%{{x|%d/%m/%Y}}<br>{T['spent_cumulative']} : %{{y:,.0f}} €<extra>{network}</extra>"))
        envelope = part["envelope_eur"].max()
        if envelope is not None:
            fig.add_trace(go.Scatter(
                x=[start, end], y=[envelope, envelope], mode="lines", name=T["envelope"], showlegend=False,
                line={"color": color, "dash": "dash", "width": 1.5},
                hovertemplate=f"{T['envelope']} : %{{y:,.0f}} €<extra>{network}</extra>"))
        total = projections.filter((pl.col("network") == network) & (pl.col("category") == TOTAL))
        if total.is_empty() or x[-1] >= end:
            continue
        for column, label, symbol in (("linear_eur", T["linear"], "diamond"), ("seasonal_eur", T["seasonal"], "star")):
            value = total[column][0]
            if value is None:
                continue
            fig.add_trace(go.Scatter(
                x=[x[-1], end], y=[y[-1], value], mode="lines+markers", name=label, showlegend=False,
                line={"color": color, "dash": "dot", "width": 1.5}, marker={"symbol": symbol, "size": [0, 12]},
                hovertemplate=f"{label} ({T['point_date'].lower()} %{{x|%d/%m/%Y}}) : %{{y:,.0f}} €<extra>{network}</extra>"))
    for name, line, marker in ((T["envelope"], {"dash": "dash"}, None),
                               (T["linear"], {"dash": "dot"}, {"symbol": "diamond", "size": 10}),
                               (T["seasonal"], {"dash": "dot"}, {"symbol": "star", "size": 10})):
        fig.add_trace(go.Scatter(x=[None], y=[None], name=name, mode="lines+markers" if marker else "lines",
                                 line={"color": PALETTE["milestone"], "width": 1.5, **line}, marker=marker))
    base_layout(fig, height=440)
    fig.update_xaxes(range=[start, end], tickformat="%m/%Y", title=None)
    fig.update_yaxes(title=T["amount_axis"], tickformat=",.0f")
    return mark_dates(fig, milestones, within=(start, end))


def projection_usage(projections: pl.DataFrame) -> go.Figure:
    """Projected year-end as % of envelope for each capped line, with the 85 % and 100 % thresholds."""
    data = projections.filter(pl.col("envelope_eur").is_not_null() & pl.col("linear_pct").is_not_null())
    if data.is_empty():
        return empty()
    data = data.with_columns(line=pl.concat_str([pl.col("network"), pl.col("category_label")], separator=" · "))
    fig = go.Figure()
    for column, flag_column, name, color in (("linear_pct", "linear_flag_label", T["linear"], PALETTE["north"]),
                                              ("seasonal_pct", "seasonal_flag_label", T["seasonal"], PALETTE["south"])):
        if data[column].is_null().all():
            continue
        fig.add_trace(go.Bar(
            x=data[column].to_list(), y=data["line"].to_list(), orientation="h", name=name,
            marker={"color": color}, text=[fmt.percent(v, 0) if v is not None else "" for v in data[column]],
            textposition="outside", cliponaxis=False, customdata=data[flag_column].to_list(),
            hovertemplate=f"%{{y}}<br>{name} : %{{x:,.1f}} %<br>%{{customdata}}<extra></extra>"))
    fig.add_vrect(x0=LOW_USAGE_PCT, x1=HIGH_USAGE_PCT, fillcolor=PALETTE["south"], opacity=0.08, line_width=0)
    for value in (LOW_USAGE_PCT, HIGH_USAGE_PCT):
        fig.add_vline(x=value, line={"color": PALETTE["accent"], "dash": "dash", "width": 1.5},
                      annotation_text=fmt.percent(value, 0), annotation_position="top")
    base_layout(fig, height=140 + 46 * data.height)
    fig.update_layout(barmode="group", margin={"t": 60})
    fig.update_yaxes(autorange="reversed", gridcolor=None)
    fig.update_xaxes(title=T["pct_axis"], ticksuffix=" %", showgrid=True, gridcolor="#e9ecef")
    return fig


def admin_fee_by_year(frame: pl.DataFrame) -> go.Figure:
    """The yearly administrative fee per network (budget_by_year rows of category administratif)."""
    if frame.is_empty():
        return empty()
    data = frame.with_columns(pl.col("envelope_eur", "spent_eur").cast(pl.Float64), pl.col("year").cast(pl.String))
    fig = go.Figure()
    for network in sorted(data["network"].unique()):
        part = data.filter(pl.col("network") == network).sort("year")
        fig.add_trace(go.Bar(
            x=part["year"].to_list(), y=part["spent_eur"].to_list(), name=_network_name(network),
            marker={"color": _color(network)}, offsetgroup=network,
            text=[fmt.euros(v) for v in part["spent_eur"]], textposition="outside", cliponaxis=False,
            hovertemplate=f"%{{x}}<br>{T['spent']} : %{{y:,.2f}} €<extra>{network}</extra>"))
        with_envelope = part.filter(pl.col("envelope_eur").is_not_null())
        if not with_envelope.is_empty():
            fig.add_trace(go.Bar(
                x=with_envelope["year"].to_list(), y=with_envelope["envelope_eur"].to_list(), offsetgroup=network,
                name=T["envelope"], legendgroup="envelope", showlegend=network == min(data["network"]),
                marker={"color": "rgba(0,0,0,0)", "line": {"color": "#212529", "width": 2}},
                hovertemplate=f"%{{x}}<br>{T['envelope']} : %{{y:,.2f}} €<extra>{network}</extra>"))
    base_layout(fig, height=360)
    fig.update_layout(barmode="group")
    fig.update_xaxes(type="category", title=T["year"])
    fig.update_yaxes(title=T["amount_axis"], tickformat=",.0f")
    return fig


def cost_by_category(frame: pl.DataFrame) -> go.Figure:
    """Cost per session and per patient by category and network, side by side."""
    if frame.is_empty():
        return empty()
    data = frame.with_columns(pl.col("cost_per_session_eur", "cost_per_patient_eur").cast(pl.Float64))
    fig = make_subplots(rows=1, cols=2, subplot_titles=[T["cost_per_session"], T["cost_per_patient"]],
                        horizontal_spacing=0.08)
    for network in sorted(data["network"].unique()):
        part = data.filter(pl.col("network") == network).sort("category_label")
        for col, column, label in ((1, "cost_per_session_eur", T["cost_per_session"]),
                                   (2, "cost_per_patient_eur", T["cost_per_patient"])):
            rows = part.filter(pl.col(column).is_not_null())
            fig.add_trace(go.Bar(
                x=[_wrap(c) for c in rows["category_label"]], y=rows[column].to_list(),
                name=_network_name(network),
                marker={"color": _color(network)}, legendgroup=network, showlegend=col == 1,
                hovertemplate=f"%{{x}}<br>{label} : %{{y:,.2f}} €<extra>{network}</extra>"), row=1, col=col)
    base_layout(fig, height=420)
    fig.update_layout(barmode="group")
    fig.update_xaxes(tickangle=0)
    fig.update_yaxes(title=T["amount_axis"], tickformat=",.0f", col=1)
    fig.update_yaxes(tickformat=",.0f", col=2)
    return _above_titles(fig)


# ---- the ceiling check -------------------------------------------------------------------------------

def _line(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(line=pl.concat_str(
        [pl.col("network"), pl.col("level_label"), pl.col("format_label"), pl.col("age_group_label")], separator=" · "))


def ceiling_counts(status: pl.DataFrame) -> go.Figure:
    """Patients at and over their ceiling per network, level, format and age group (horizontal bars)."""
    if status.is_empty():
        return empty()
    data = _line(status)
    fig = go.Figure()
    for column, name, color in (("patients_at_ceiling", T["at_ceiling"], PALETTE["RSK"]),
                                ("patients_over_ceiling", T["over_ceiling"], PALETTE["accent"])):
        fig.add_trace(go.Bar(
            x=data[column].to_list(), y=data["line"].to_list(), orientation="h", name=name, marker={"color": color},
            customdata=data["patients"].to_list(), text=data[column].to_list(), textposition="outside",
            cliponaxis=False,
            hovertemplate=f"%{{y}}<br>{name} : %{{x:,.0f}}<br>{T['patients_checked']} : %{{customdata:,.0f}}<extra></extra>"))
    base_layout(fig, height=140 + 50 * data.height)
    fig.update_layout(barmode="group", margin={"t": 40})
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=T["patients"], tickformat=",.0f", showgrid=True, gridcolor="#e9ecef", rangemode="tozero")
    return fig


def sessions_histogram(distribution: pl.DataFrame) -> go.Figure:
    """Patients by number of sessions in the year, one panel per level, format and age group, with the
    ceiling (solid) and, for specialised care, the convention's average (dotted)."""
    if distribution.is_empty():
        return empty()
    data = distribution.with_columns(panel=pl.concat_str(
        [pl.col("level_label"), pl.col("format_label"), pl.col("age_group_label")], separator=" · "))
    panels = data.select("panel", "max_sessions", "average_sessions").unique("panel").sort("panel")
    cols = min(2, panels.height)
    rows = (panels.height + cols - 1) // cols
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=panels["panel"].to_list(),
                        vertical_spacing=0.5 / max(rows, 1) if rows > 1 else 0.1, horizontal_spacing=0.08)
    shown: set[str] = set()
    for i, panel in enumerate(panels.iter_rows(named=True)):
        row, col = i // cols + 1, i % cols + 1
        part = data.filter(pl.col("panel") == panel["panel"])
        for network in sorted(part["network"].unique()):
            bars = part.filter(pl.col("network") == network).sort("sessions")
            fig.add_trace(go.Bar(
                x=bars["sessions"].to_list(), y=bars["patients"].to_list(), name=_network_name(network),
                marker={"color": _color(network)}, legendgroup=network, showlegend=network not in shown,
                hovertemplate=f"{T['sessions_per_patient']} : %{{x}}<br>{T['patients']} : %{{y:,.0f}}<extra>{network}</extra>"),
                row=row, col=col)
            shown.add(network)
        for value, dash, label in ((panel["max_sessions"], "solid", T["ceiling"]),
                                   (panel["average_sessions"], "dot", T["ceiling_average"])):
            if value is not None:
                fig.add_vline(x=value + 0.5 if dash == "solid" else value, row=row, col=col,
                              line={"color": PALETTE["accent"], "dash": dash, "width": 2},
                              annotation_text=f"{label} {value}", annotation_position="top left",
                              annotation_font={"size": 11, "color": PALETTE["accent"]})
        upper = max(part["sessions"].max(), panel["max_sessions"] or 0) + 1
        fig.update_xaxes(range=[0.5, upper + 0.5], dtick=1 if upper <= 25 else 5, row=row, col=col)
    base_layout(fig, height=max(320, 300 * rows))
    fig.update_layout(barmode="stack", colorway=SEQUENCE)
    fig.update_xaxes(title=T["sessions_per_patient"])
    fig.update_yaxes(title=T["patients"], tickformat=",.0f")
    return _above_titles(fig)
