"""What the steering-committee report says: key figures against the previous period and the same period a
year before, and one section per priority with its charts (suppressed data) and computed findings.

Built from the named queries the pages run (through `run(name, **params)`: psynam.metrics.runner over a
connection, or ui.run in the app), so the report and the pages never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import polars as pl

from psynam import budget, formatting as fmt, labels, privacy, reference, views
from psynam.charts import priorities as priority_charts, south as south_charts
from psynam.export import Column
from psynam.filters import PREVIOUS, YEAR_BEFORE, Filters
from psynam.labels.report import TEXT as T
from psynam.privacy import Published
from psynam.report import charts, findings, universalism
from psynam.report.model import ReportChart, Section, keep
from psynam.views.budget import Budget
from psynam.views.overview import Overview
from psynam.views.partners import Partners
from psynam.views.priorities import Priorities, column
from psynam.views.south import South



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


def south_section(source: views.Source, filters: Filters, comparison: Filters | None, threshold: int,
                  milestones) -> Section:
    """The south: reach per 1,000 by arrondissement against the province (the South view's areas, hidden
    areas drawn as marks), the lowest arrondissement, the south's share of sessions against its share of
    population and its trend (the Overview's figures, published as its cards publish them)."""
    view = South(source, filters, threshold, comparison)
    rows = view.arrondissements.published()
    province = view.province.published()
    province_reach = province.frame["reach_per_1000"][0] if province.frame.height else None
    areas = [{"name": n, "reach_per_1000": r} for n, r in zip(rows.frame["area"], rows.frame["reach_per_1000"])]
    share, before = view.share.published(), view.earlier("share")
    cell = lambda table, name: table.frame[name][0] if table is not None and table.frame.height else None  # noqa: E731
    population = cell(share, "south_population_pct")
    now_share = cell(share, "south_sessions_pct")
    before_share = cell(before.published() if before is not None else None, "south_sessions_pct")
    reach_findings = keep(findings.lowest_reach(areas, province_reach))
    share_findings = keep(findings.south_share(now_share, population),
                          findings.south_trend(now_share, before_share, population))
    reach = view.areas.titled(T["chart_reach"], labels.definition("reach_per_1000"))
    reach_chart = ReportChart("report_south_reach", reach, lambda table: south_charts.north_south(table, "reach"),
                              reach_findings, subset="reach")
    monthly = view.south_share_by_month.titled(T["chart_south_share"], labels.definition("south_sessions_pct"))
    period = (filters.date_from, filters.date_to)
    share_chart = ReportChart("report_south_share", monthly,
                              lambda table: south_charts.south_share_by_month(table, milestones, period=period),
                              share_findings)
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
        south_section(source, filters, previous, threshold, milestones),
        priority_section(source, filters, previous, threshold, "aines", "elderly"),
        priority_section(source, filters, previous, threshold, "petite_enfance", "early"),
        universalism.access_section(source, filters, previous, threshold),
        universalism.network_section(source, filters, previous, threshold),
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
