"""Pure builders of the Partners page: frames of queries/partners/*.sql in, Plotly figures (and the
searchable table's display frame) out. Partner names are text from an export: they are HTML-escaped
before Plotly sees them, so `AMO <b>Jeunes</b>` shows its tags instead of turning bold.
"""

from __future__ import annotations

import html
from datetime import date

import plotly.graph_objects as go
import polars as pl
from plotly.subplots import make_subplots

from psynam import formatting as fmt
from psynam.charts import PALETTE, SEQUENCE, base_layout, empty, mark_dates
from psynam.labels.partners import TEXT

ACTIVE, INACTIVE = SEQUENCE[0], PALETTE["muted"]
NEW, ENDED = PALETTE["south"], PALETTE["accent"]
ROW_HEIGHT = 26


def as_text(value) -> str:
    """A name as literal text for Plotly (which would otherwise render <b>, <a href>, <br>)."""
    return html.escape("" if value is None else str(value), quote=False)


def _time_axis(fig: go.Figure, milestones: pl.DataFrame, period: tuple[date, date] | None) -> go.Figure:
    fig.update_xaxes(tickformat="%m/%Y", title=None)
    if period:
        fig.update_xaxes(range=[period[0].replace(day=1), period[1]])
    return mark_dates(fig, milestones, within=period)


def partners_over_time(frame: pl.DataFrame, milestones: pl.DataFrame, *,
                       period: tuple[date, date] | None = None) -> go.Figure:
    """Registered and active partners per month (lines, upper panel), new and ended partners per month
    (bars, lower panel: they are an order of magnitude smaller)."""
    if frame.is_empty():
        return empty()
    frame = frame.sort("month")
    months = frame["month"].to_list()
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, row_heights=[0.72, 0.28], vertical_spacing=0.06)
    for column, name, color in (("registered_partners", TEXT["registered"], PALETTE["RSN"]),
                                ("active_partners", TEXT["active"], PALETTE["RSK"])):
        fig.add_trace(go.Scatter(x=months, y=frame[column].to_list(), name=name, mode="lines+markers",
                                 line={"color": color, "width": 2.5}, marker={"size": 5},
                                 hovertemplate=f"%{{x|%m/%Y}}<br>{name} : %{{y:,.0f}}<extra></extra>"), row=1, col=1)
    for column, name, color in (("new_partners", TEXT["new"], NEW), ("ended_partners", TEXT["ended"], ENDED)):
        fig.add_trace(go.Bar(x=months, y=frame[column].to_list(), name=name, marker_color=color,
                             hovertemplate=f"%{{x|%m/%Y}}<br>{name} : %{{y:,.0f}}<extra></extra>"), row=2, col=1)
    base_layout(fig, height=440)
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=TEXT["partners"], tickformat=",.0f", row=1, col=1)
    fig.update_yaxes(title=TEXT["new_ended"], tickformat=",.0f", rangemode="tozero", row=2, col=1)
    fig.update_xaxes(tickformat="%m/%Y", title=None)
    if period:
        fig.update_xaxes(range=[period[0].replace(day=1), period[1]])
    return mark_dates(fig, milestones, within=period)


def agreements_over_time(frame: pl.DataFrame, milestones: pl.DataFrame, *,
                         period: tuple[date, date] | None = None) -> go.Figure:
    """Agreements in force per month (bars, left axis) and the hours per month they agree (line, right)."""
    if frame.is_empty():
        return empty()
    frame = frame.sort("month")
    months = frame["month"].to_list()
    agreements, hours = TEXT["agreements_in_force"], TEXT["hours_per_month"]
    fig = go.Figure()
    fig.add_trace(go.Bar(x=months, y=frame["agreements_in_force"].to_list(), name=agreements,
                         marker_color=PALETTE["north"],
                         hovertemplate=f"%{{x|%m/%Y}}<br>{agreements} : %{{y:,.0f}}<extra></extra>"))
    fig.add_trace(go.Scatter(x=months, y=[None if v is None else float(v) for v in frame["agreed_hours_per_month"]],
                             name=hours, yaxis="y2", mode="lines+markers",
                             line={"color": PALETTE["south"], "width": 2.5}, marker={"size": 5},
                             hovertemplate=f"%{{x|%m/%Y}}<br>{hours} : %{{y:,.1f}}<extra></extra>"))
    base_layout(fig)
    fig.update_layout(yaxis2={"title": hours, "overlaying": "y", "side": "right", "tickformat": ",.0f",
                              "rangemode": "tozero", "showgrid": False, "tickmode": "auto"})
    fig.update_yaxes(title=agreements, tickformat=",.0f", selector={"anchor": "x"})
    return _time_axis(fig, milestones, period)


def with_labels(frame: pl.DataFrame, names: dict[str, str], *, code: str = "group_code",
                missing: str | None = None) -> pl.DataFrame:
    """Add `group_label`, the French word of each group code (the code itself when it has none; `missing`,
    by default "unknown", when the code is null)."""
    return frame.with_columns(group_label=pl.col(code).cast(pl.String).replace(names)
                              .fill_null(missing or TEXT["inconnu"]))


def by_group(frame: pl.DataFrame, *, rate: str | None = None) -> go.Figure:
    """Horizontal bars, one per group (`group_label`): active and inactive partners stacked to the
    registered total, the share of registered partners (or `rate`, partners per 10,000 inhabitants)
    written at the bar's end."""
    if frame.is_empty():
        return empty()
    frame = frame.sort(["registered_partners", "group_label"], descending=[False, True], nulls_last=False)
    ids = [f"g{i}" for i in range(frame.height)]  # positions, so that two equal labels never merge
    ticks = [as_text(v) for v in frame["group_label"].to_list()]
    fig = go.Figure()
    for column, name, color in (("active_partners", TEXT["active"], ACTIVE),
                                ("inactive_partners", TEXT["inactive"], INACTIVE)):
        fig.add_trace(go.Bar(y=ids, x=frame[column].to_list(), name=name, orientation="h", marker_color=color,
                             customdata=ticks,
                             hovertemplate=f"%{{customdata}}<br>{name} : %{{x:,.0f}}<extra></extra>"))
    if rate:
        ends = [None if v is None else f"{fmt.decimal(v)} {TEXT['per_10000']}" for v in frame[rate].to_list()]
    else:
        ends = [None if v is None else fmt.percent(v, 0) for v in frame["registered_pct"].to_list()]
    # a text-only trace writes the share or rate at the end of each bar
    fig.add_trace(go.Scatter(y=ids, x=frame["registered_partners"].to_list(), mode="text", text=ends,
                             textposition="middle right", showlegend=False, hoverinfo="skip",
                             textfont={"size": 12, "color": PALETTE["milestone"]}))
    base_layout(fig, height=max(220, ROW_HEIGHT * len(ids) + 90))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_yaxes(tickmode="array", tickvals=ids, ticktext=ticks, title=None, type="category",
                     categoryorder="array", categoryarray=ids)
    top = max([v or 0 for v in frame["registered_partners"].to_list()] + [1])
    fig.update_xaxes(title=TEXT["partners"], tickformat=",.0f", range=[0, top * 1.3], showgrid=True,
                     gridcolor="#e9ecef")
    return fig


def by_commune(frame: pl.DataFrame) -> go.Figure:
    """Partners per commune (frame labelled by `with_labels(..., code="commune_name")`): active and inactive
    stacked, the rate per 10,000 inhabitants at the bar's end; communes without partner keep their row and
    the partners outside the province form one row apart."""
    return by_group(frame, rate="partners_per_10000")


def agreements_by_sector(frame: pl.DataFrame) -> go.Figure:
    """Hours per month agreed by the agreements in force, one bar per sector (`group_label`), with the
    number of agreements written at the bar's end."""
    if frame.is_empty():
        return empty()
    frame = frame.sort(["hours_per_month", "group_label"], descending=[False, True], nulls_last=False)
    ids = [f"g{i}" for i in range(frame.height)]
    ticks = [as_text(v) for v in frame["group_label"].to_list()]
    hours = [None if v is None else float(v) for v in frame["hours_per_month"].to_list()]
    counts = frame["agreements_in_force"].to_list()
    name = TEXT["hours_per_month"]
    fig = go.Figure(go.Bar(
        y=ids, x=hours, orientation="h", marker_color=PALETTE["south"], name=name, customdata=list(zip(ticks, counts)),
        hovertemplate=f"%{{customdata[0]}}<br>{name} : %{{x:,.1f}}<br>{TEXT['agreements_in_force']} : "
                      "%{customdata[1]:,.0f}<extra></extra>"))
    ends = [None if c is None else TEXT["n_agreements"].format(n=fmt.integer(c)) for c in counts]
    fig.add_trace(go.Scatter(y=ids, x=hours, mode="text", text=ends, textposition="middle right", showlegend=False,
                             hoverinfo="skip", textfont={"size": 12, "color": PALETTE["milestone"]}))
    base_layout(fig, height=max(220, ROW_HEIGHT * len(ids) + 90))
    fig.update_layout(showlegend=False)
    fig.update_yaxes(tickmode="array", tickvals=ids, ticktext=ticks, title=None, type="category",
                     categoryorder="array", categoryarray=ids)
    top = max([v or 0 for v in hours] + [1])
    fig.update_xaxes(title=name, tickformat=",.0f", range=[0, top * 1.3], showgrid=True, gridcolor="#e9ecef")
    return fig


ACTIVITY_PARTS = (("sessions", "sessions"), ("clairvisions", "clairvisions"),
                  ("activities_attended", "activities_attended"))


def most_active(frame: pl.DataFrame, n: int) -> pl.DataFrame:
    """The n partners with the most sessions, clairvisions and network activities together."""
    total = pl.sum_horizontal([pl.col(c).fill_null(0) for c, _ in ACTIVITY_PARTS])
    return (frame.with_columns(total_activity=total).filter(pl.col("total_activity") > 0)
            .sort(["total_activity", "name"], descending=[True, False]).head(n).drop("total_activity"))


def activity_by_partner(frame: pl.DataFrame) -> go.Figure:
    """Stacked horizontal bars per partner: sessions, clairvisions, network activities attended."""
    if frame.is_empty():
        return empty()
    total = pl.sum_horizontal([pl.col(c).fill_null(0) for c, _ in ACTIVITY_PARTS])
    frame = frame.with_columns(_total=total).sort(["_total", "partner_id"], descending=[False, True])
    ids = frame["partner_id"].to_list()
    ticks = [as_text(n) for n in frame["name"].to_list()]
    fig = go.Figure()
    for (column, key), color in zip(ACTIVITY_PARTS, (ACTIVE, PALETTE["RSK"], PALETTE["south"])):
        name = TEXT[key]
        fig.add_trace(go.Bar(y=ids, x=frame[column].to_list(), name=name, orientation="h", marker_color=color,
                             customdata=ticks,
                             hovertemplate=f"%{{customdata}}<br>{name} : %{{x:,.0f}}<extra></extra>"))
    base_layout(fig, height=max(220, ROW_HEIGHT * len(ids) + 90))
    fig.update_layout(barmode="stack", legend={"traceorder": "normal"})
    fig.update_yaxes(tickmode="array", tickvals=ids, ticktext=ticks, title=None, type="category",
                     categoryorder="array", categoryarray=ids)
    fig.update_xaxes(title=TEXT["count"], tickformat=",.0f", showgrid=True, gridcolor="#e9ecef")
    return fig


# ---- the searchable partner table -----------------------------------------------------------------

def _fold(expr: pl.Expr) -> pl.Expr:
    """Lower case, accents and typographic apostrophes folded: `Crèche d’Éghezée` -> `creche d'eghezee`."""
    return (expr.fill_null("").str.normalize("NFKD").str.replace_all(r"\p{M}", "")
            .str.replace_all("[’‘`´]", "'").str.to_lowercase())


def search(frame: pl.DataFrame, text: str | None, *, columns: tuple[str, ...] = ("name", "commune_name",
                                                                                  "sector_label")) -> pl.DataFrame:
    """Rows whose name, commune or sector holds every word of `text`, case- and accent-insensitive.
    The words are matched literally (never as a pattern), so any character typed is safe."""
    words = pl.select(_fold(pl.lit(text or ""))).item().split()
    if not words:
        return frame
    haystack = _fold(pl.concat_str([pl.col(c).fill_null("") for c in columns], separator=" "))
    return frame.filter(pl.all_horizontal([haystack.str.contains(w, literal=True) for w in words]))


def table_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """The partner list as shown and downloaded: codes turned into French words, in display order."""
    membership = {"effectif": TEXT["effectif"], "adherent": TEXT["adherent"]}
    return frame.with_columns(
        commune_name=pl.coalesce(pl.col("commune_name"), pl.lit(TEXT["hors_province"])),
        membership_label=pl.col("membership").replace_strict(membership, default=TEXT["inconnu"],
                                                             return_dtype=pl.String),
        # a partner that left on the period's first day is listed (it ended in the period) but was never
        # registered in it: neither active nor without activity
        active_label=pl.when(pl.col("is_active")).then(pl.lit(TEXT["yes"]))
        .when(pl.col("is_registered").not_()).then(pl.lit(TEXT["not_registered"])).otherwise(pl.lit(TEXT["no"])),
        agreed_hours_per_month=pl.col("agreed_hours_per_month").cast(pl.Float64),
    )


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


def table_view(frame: pl.DataFrame, columns, published=None):
    """The partner table for st.dataframe: a pandas Styler showing Belgian formats (`1 234`, `8,5`,
    `31/12/2024`) while the cells keep their values (so sorting stays numeric). With `published` (public
    mode), hidden counts show their mark instead of their value. Names stay text: st.dataframe never
    renders HTML."""
    import pandas as pd

    data = pd.DataFrame({c.name: frame[c.name].to_list() for c in columns})
    for c in columns:  # st.dataframe writes "None" in an empty cell: an open date is shown blank instead
        if c.kind == "date" and frame[c.name].null_count():
            data[c.name] = [_cell_text("date")(v) for v in frame[c.name].to_list()]
    if published is not None:  # a column with hidden cells becomes text: `< 5`, `masqué`, `12`
        kinds = {c.name: c.kind for c in columns}
        for name in published.marks:
            data[name] = [_cell_text(kinds[name])(published.cell(name, i)) for i in range(published.frame.height)]
    return data.style.format({c.name: _cell_text(c.kind) for c in columns})
