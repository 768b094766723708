"""What the steering-committee report says: key figures against the previous period and the same period a
year before, and one section per priority with its charts (suppressed data) and computed findings.

Built from the named queries the pages run (through `run(name, **params)`: psynam.metrics.runner over a
connection, or ui.run in the app), so the report and the pages never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Callable

import plotly.graph_objects as go
import polars as pl

from psynam import budget, formatting as fmt, labels, metrics, privacy, reference, views
from psynam.charts import priorities as priority_charts
from psynam.export import Column
from psynam.filters import PREVIOUS, YEAR_BEFORE, Filters
from psynam.labels.report import TEXT as T
from psynam.privacy import Published, Spec
from psynam.report import charts, findings
from psynam.report.model import ReportChart, Section, keep
from psynam.views.budget import Budget
from psynam.views.overview import Overview
from psynam.views.partners import Partners
from psynam.views.priorities import Priorities, column

ACTIVITY = ("date_from", "date_to", "networks", "care_levels", "formats", "settings")
PARTNERS = ("date_from", "date_to", "networks", "arrondissements", "communes")


@dataclass(frozen=True)
class LegacyChart:
    """A chart of a section not yet read from its view (published here with its own Spec)."""
    key: str
    title: str
    definition: str
    build: Callable[[pl.DataFrame], go.Figure]
    published: Published
    columns: list[Column]
    findings: tuple[str, ...] = ()

    def figure(self) -> go.Figure:
        return self.build(self.published.frame)


@dataclass(frozen=True)
class KeyFigures:
    """The key figures table: one row per indicator, the period then each comparison period with its
    change; numbers stay numbers (a hidden one is its mark), each row with its kind."""

    table: Published
    columns: list[Column]

    def rows(self) -> list[dict]:
        """Each row as text (the HTML table, the slides)."""
        out = []
        for i in range(self.table.frame.height):
            row = {}
            for c in self.columns:
                kind = self.table.frame[c.kind_from][i] if c.kind_from else c.kind
                row[c.name] = fmt.value(self.table.cell(c.name, i), kind, c.decimals)
            out.append(row)
        return out

    def text(self, label: str, column: str = "now") -> str:
        return next(r[column] for r in self.rows() if r["label"] == label)


@dataclass(frozen=True)
class Report:
    filters: Filters
    comparisons: tuple[tuple[str, Filters], ...]   # (label key, period)
    threshold: int
    data_date: date | None
    generated: datetime
    filters_text: str
    key_figures: KeyFigures
    sections: tuple[Section, ...]
    notes: tuple[tuple[str, str], ...] = field(default=())

    @property
    def charts(self) -> list:
        return [c for s in self.sections for c in s.charts]

    @property
    def previous(self) -> Filters | None:
        return self.comparisons[0][1] if self.comparisons else None


def suppression_text(threshold: int) -> str:
    return T["suppression_text"].format(threshold=threshold, last=threshold - 1)


def describe(filters: Filters) -> str:
    """The report's filters in words (the period and the network: the report is a public output)."""
    return views.describe(filters.public())


# ---- key figures -------------------------------------------------------------------------------------

# (result of the Overview view, column) of each key figure, in the table's order
KEY_FIGURES = (("activity", "sessions"), ("activity", "patients"), ("activity", "active_psychologists"),
               ("partners", "registered_partners"), ("activity", "early_childhood_sessions"),
               ("activity", "south_sessions_pct"), ("activity", "elderly_patients_pct"), ("budget", "usage_pct"))


def _number(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def key_figures(source: views.Source, filters: Filters, comparisons, threshold: int) -> KeyFigures:
    """The Overview's cards for the period and each comparison period, as the cards publish them: a hidden
    figure is its mark, a change is shown only between two published figures (relative for counts, in
    points for percentages)."""
    periods = [filters] + [f for _, f in comparisons]
    overviews = [Overview(source, f, threshold) for f in periods]
    rows, marks = [], {}
    columns = [Column("label", T["indicator"]), Column("now", T["now"], kind_from="kind")]
    for j, (key, f) in enumerate(comparisons):
        period = T["period_short"].format(date_from=fmt.day(f.date_from), date_to=fmt.day(f.date_to))
        columns += [Column(f"c{j}", f"{T[key]} ({period})", kind_from="kind"),
                    Column(f"c{j}_change", T[f"{key}_change"], kind_from="change_kind")]
    for i, (attr, name) in enumerate(KEY_FIGURES):
        results = [getattr(o, attr) for o in overviews]
        cells = [r.published().cell(name, 0) if not r.is_empty else None for r in results]
        decl = results[0].decl.column(name)
        kind = "pct" if decl.kind == "pct" else "int"
        row = {"label": decl.label, "kind": kind, "change_kind": "points" if kind == "pct" else "change",
               "now": _number(cells[0])}
        for j in range(len(comparisons)):
            now, before = _number(cells[0]), _number(cells[j + 1])
            row[f"c{j}"] = before
            if now is None or before is None or (kind != "pct" and float(before) == 0):
                change = None
            else:
                change = float(now) - float(before) if kind == "pct" else 100.0 * (float(now) - float(before)) / float(before)
            row[f"c{j}_change"] = change
            for col, cell in ((f"c{j}", cells[j + 1]),):
                if isinstance(cell, str):
                    marks.setdefault(col, {})[i] = cell
            if isinstance(cells[0], str) or isinstance(cells[j + 1], str):
                marks.setdefault(f"c{j}_change", {})[i] = privacy.SECONDARY
        if isinstance(cells[0], str):
            marks.setdefault("now", {})[i] = cells[0]
        rows.append(row)
    schema = {"label": pl.String, "kind": pl.String, "change_kind": pl.String, "now": pl.Float64}
    for j in range(len(comparisons)):
        schema |= {f"c{j}": pl.Float64, f"c{j}_change": pl.Float64}
    frame = pl.DataFrame(rows, schema=schema)
    table = Published(frame, {c: [m.get(i) for i in range(frame.height)] for c, m in marks.items()})
    return KeyFigures(table, columns)


def comparison_periods(filters: Filters) -> tuple[tuple[str, Filters], ...]:
    """The comparison period (the filters' rule: previous year, quarter, month or range) and the same
    period a year before — one column when they are the same period (a calendar year's previous period is
    the year before), none that would reach before the programme's start."""
    out: list[tuple[str, Filters]] = []
    for key, mode in (("previous", PREVIOUS), ("year_before", YEAR_BEFORE)):
        period = filters.comparison(mode)
        if period is not None and all((f.date_from, f.date_to) != (period.date_from, period.date_to) for _, f in out):
            out.append((key, period))
    if len(out) == 2 and filters.comparison_mode == YEAR_BEFORE:
        out.reverse()
    return tuple(out)


# ---- sections ----------------------------------------------------------------------------------------

def partners_section(source: views.Source, filters: Filters, comparison: Filters, threshold: int) -> Section:
    """Partners registered and active, their change, newcomers and leavers, the share outside care (the
    Partners view's cards), and the chart of partners in and outside care."""
    view = Partners(source, filters, threshold, comparison)
    now = view.kpis.row()
    before = view.earlier("kpis").row() if view.before else {"registered_partners": None}
    sentences = keep(findings.partners_count(now["registered_partners"], now["active_partners"]),
                     findings.partners_change(now["registered_partners"], before["registered_partners"]),
                     findings.partners_new(now["new_partners"], now["ended_partners"]),
                     findings.partners_outside_care(now["partners_outside_care_pct"]))
    chart = ReportChart("report_partners", view.partners_by_care, charts.partners_by_care, sentences[:2] + sentences[3:4])
    return Section("partners", T["section_partners"], sentences, (chart,))


def _south_flags() -> dict[str, bool]:
    communes = reference.communes()
    return dict(communes.group_by("arrondissement").agg(pl.col("south").first()).iter_rows())


REACH_COLUMNS = [Column("area", T["arrondissement"]), Column("population", T["population"], "int"),
                 Column("patients", T["patients"], "int"), Column("reach_per_1000", T["reach"], "decimal"),
                 Column("is_south", labels.indicator("south_sessions_pct"))]
REACH_SPEC = Spec(dimensions=("area",), counts=("patients",), rates={"reach_per_1000": ("patients",)})


def _areas(published: Published) -> list[dict]:
    return [{"name": published.frame["area"][i], "reach_per_1000": published.frame["reach_per_1000"][i]}
            for i in range(published.frame.height)]


def south_section(run, filters: Filters, previous: Filters, threshold: int, milestones) -> Section:
    areas = run("south/reach_by_area", **filters.params(*ACTIVITY))
    south = _south_flags()
    arr = (areas.filter(pl.col("area_kind") == "arrondissement")
           .with_columns(is_south=pl.col("area").replace_strict(south, default=False, return_dtype=pl.Boolean))
           .sort("area"))
    columns = REACH_COLUMNS[:4]
    published = privacy.suppress(arr.select([c.name for c in columns] + ["is_south"]), REACH_SPEC, threshold)
    province = areas.filter(pl.col("area_kind") == "province").row(0, named=True) if areas.height else None
    province_reach = None if province is None or privacy.is_small(province["patients"], threshold) \
        else province["reach_per_1000"]
    now, before = metrics.activity(run, filters), metrics.activity(run, previous)

    def share(row):
        hidden = privacy.share_hidden(row["south_sessions"], row["province_sessions"], threshold)
        return None if hidden else row["south_sessions_pct"]

    population = now["south_population_pct"]
    reach_findings = keep(findings.lowest_reach(_areas(published), province_reach))
    share_findings = keep(findings.south_share(share(now), population),
                           findings.south_trend(share(now), share(before), population))
    reach_chart = LegacyChart(
        "report_south_reach", T["chart_reach"], labels.definition("reach_per_1000"),
        lambda f: charts.reach_by_area(f, province_reach), published, columns, reach_findings)
    monthly = run("south/south_share_by_month", **filters.params(*ACTIVITY))
    share_columns = [Column("month", T["month"], "month"), Column("province_sessions", T["province_sessions"], "int"),
                     Column("south_sessions", T["south_sessions"], "int"),
                     Column("south_sessions_pct", T["south_pct"], "pct")]
    # The north (province − south) is published by difference: suppress it as a count of its own.
    share_spec = Spec(dimensions=("month",), counts=("province_sessions", "south_sessions", "north_sessions"),
                      rates={"south_sessions_pct": ("province_sessions", "south_sessions", "north_sessions")},
                      totals={"province_sessions": ("south_sessions", "north_sessions")})
    share_published = privacy.suppress(
        monthly.select([c.name for c in share_columns])
        .with_columns(north_sessions=pl.col("province_sessions") - pl.col("south_sessions")), share_spec, threshold)
    period = (filters.date_from, filters.date_to)
    share_chart = LegacyChart(
        "report_south_share", T["chart_south_share"], labels.definition("south_sessions_pct"),
        lambda f: charts.south_share_by_month(f, milestones, population, period), share_published,
        share_columns, share_findings)
    return Section("south", T["section_south"], reach_findings + share_findings, (reach_chart, share_chart))


def priority_section(source: views.Source, filters: Filters, comparison: Filters, threshold: int,
                     priority: str, key: str) -> Section:
    """One priority (elderly, early childhood): its share of patients against its share of population, its
    reach and lowest arrondissement, its sessions — from the Priorities view, published as the page
    publishes them — and the reach chart (hidden arrondissements drawn as marks, never as 0)."""
    view = Priorities(source, filters, threshold, comparison)
    kpis = view.kpis.published()
    col = lambda name: column(priority, name)  # noqa: E731
    shown = lambda name: kpis.frame[name][0] if kpis.frame.height else None  # noqa: E731  (None: hidden)
    rows = view.arrondissements(priority).published()
    areas = [{"name": n, "reach_per_1000": r} for n, r in zip(rows.frame["area"], rows.frame[col("reach_per_1000")])]
    before = view.earlier("kpis").published() if view.before else Published(view.kpis.whole.clear(), {})
    sentences = keep(
        findings.priority_share(key, shown(col("patients")), shown(col("patients_pct")), shown(col("population_pct")),
                                hidden=kpis.frame.height > 0 and kpis.hidden(col("patients"), 0)),
        findings.priority_reach(shown(col("reach_per_1000")), areas),
        findings.priority_sessions(shown(col("sessions")), shown(col("sessions_pct")),
                                   before.frame[col("sessions")][0] if before.frame.height else None))
    reach = view.reach_of(priority)
    chart = ReportChart(f"report_{key}_reach", reach, lambda table: priority_charts.reach_by_area(table, priority=priority),
                        sentences, subset=priority)
    return Section(key, T[f"section_{key}"], sentences, (chart,))


def budget_section(source: views.Source, filters: Filters, threshold: int) -> Section:
    """The capped budget used to date per network and its projected year-end (the Budget view's capped
    totals, "to date" as the Budget page counts it), with the 85 % and 100 % flags."""
    view = Budget(source, filters, threshold)
    totals = view.capped_totals
    sentences: list[str] = []
    if view.to_date is not None:
        shown = totals.published()
        for i in range(shown.frame.height):
            row = {c: shown.frame[c][i] for c in ("network", "usage_pct", "linear_eur", "envelope_eur", "linear_pct")}
            sentences += keep(findings.budget_usage(row["network"], row["usage_pct"], view.to_date),
                              findings.budget_projection(row["network"], row["linear_eur"], row["envelope_eur"],
                                                         budget.flag(row["linear_pct"])))
    chart = ReportChart("report_budget", totals.titled(T["chart_budget"], labels.definition("budget_usage") + " "
                                                       + labels.definition("budget_usage_pct")),
                        charts.budget_projection, tuple(sentences), subset="report")
    return Section("budget", T["section_budget"], tuple(sentences), (chart,))


def build(run, filters: Filters, *, threshold: int | None = None, data_date: date | None = None,
          generated: datetime | None = None) -> Report:
    """The whole report for a period and network (the other filters are left out: a report for the
    committee is a public output, which honours the period and the network only — Filters.public)."""
    threshold = privacy.threshold_or_default(threshold)
    filters = filters.public()
    source = views.Source(run)
    comparisons = comparison_periods(filters)
    previous = comparisons[0][1] if comparisons else None
    if data_date is None:
        data_date = source.frame("filters/data_bounds").row(0, named=True)["last_date"]
    milestones = reference.frame("ref_milestones")
    sections = (
        partners_section(source, filters, previous, threshold),
        south_section(run, filters, previous, threshold, milestones),
        priority_section(source, filters, previous, threshold, "aines", "elderly"),
        priority_section(source, filters, previous, threshold, "petite_enfance", "early"),
        budget_section(source, filters, threshold),
    )
    filters_text = views.describe(filters)
    notes = (
        (T["filters"], filters_text),
        (T["data_date"], fmt.day(data_date)),
        (T["suppression"], suppression_text(threshold)),
        (T["sources"], T["sources_text"]),
    )
    return Report(filters, comparisons, threshold, data_date, generated or datetime.now(), filters_text,
                  key_figures(source, filters, comparisons, threshold), sections, notes)
