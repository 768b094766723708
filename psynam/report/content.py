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

from psynam import budget, formatting as fmt, labels, metrics, privacy, reference
from psynam.export import Column
from psynam.filters import Filters
from psynam.labels.report import TEXT as T
from psynam.privacy import Published, Spec
from psynam.report import charts, findings

ACTIVITY = ("date_from", "date_to", "networks", "care_levels", "formats", "settings")
PARTNERS = ("date_from", "date_to", "networks", "arrondissements", "communes")


@dataclass(frozen=True)
class ReportChart:
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
class Section:
    key: str
    title: str
    findings: tuple[str, ...]
    charts: tuple[ReportChart, ...]


@dataclass(frozen=True)
class KeyFigure:
    label: str
    now: str
    previous: str
    previous_change: str
    year_before: str
    year_change: str


@dataclass(frozen=True)
class Report:
    filters: Filters
    previous: Filters
    year_before: Filters
    threshold: int
    data_date: date | None
    generated: datetime
    filters_text: str
    key_figures: tuple[KeyFigure, ...]
    sections: tuple[Section, ...]
    notes: tuple[tuple[str, str], ...] = field(default=())

    @property
    def charts(self) -> list[ReportChart]:
        return [c for s in self.sections for c in s.charts]


def year_before(filters: Filters) -> Filters:
    def back(day: date) -> date:
        return day.replace(year=day.year - 1) if not (day.month == 2 and day.day == 29) else date(day.year - 1, 2, 28)
    return replace(filters, date_from=back(filters.date_from), date_to=back(filters.date_to))


def suppression_text(threshold: int) -> str:
    return T["suppression_text"].format(threshold=threshold, last=threshold - 1)


def describe(filters: Filters) -> str:
    period = T["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to))
    networks = ", ".join(labels.NETWORKS.get(n, n) for n in filters.networks) or T["all_networks"]
    return f"{period} · {T['network']} : {networks}"


# ---- key figures -------------------------------------------------------------------------------------

def _count_text(value, threshold: int) -> str:
    return privacy.figure(value, threshold) or fmt.integer(value)


def _relative(now, before, threshold: int, counted: bool) -> str:
    if now is None or before is None or (counted and privacy.change_hidden(now, before, threshold)):
        return T["masked"] if now is not None and before is not None else fmt.MISSING
    if float(before) == 0:
        return fmt.MISSING
    return fmt.signed(100.0 * (float(now) - float(before)) / float(before)) + fmt.NBSP + "%"


def _points(now, before) -> str:
    if now is None or before is None:
        return fmt.MISSING
    return T["points"].format(value=fmt.signed(float(now) - float(before)))


def _pct_or_mask(value, hidden: bool) -> str:
    return T["masked"] if hidden else fmt.percent(value)


def key_figures(run, periods: list[Filters], threshold: int) -> tuple[KeyFigure, ...]:
    acts = [metrics.activity(run, f) for f in periods]
    parts = [metrics.partners(run, f) for f in periods]
    usage = [metrics.budget_usage_to_date(run, f)[1] for f in periods]
    rows = []
    for key, source, counted in (("sessions", acts, True), ("patients", acts, True),
                                 ("active_psychologists", acts, True), ("registered_partners", parts, False),
                                 ("early_childhood_sessions", acts, True)):
        v = [s[key] for s in source]
        text = [(_count_text(x, threshold) if counted else fmt.integer(x)) for x in v]
        rows.append(KeyFigure(labels.indicator(key), text[0], text[1], _relative(v[0], v[1], threshold, counted),
                              text[2], _relative(v[0], v[2], threshold, counted)))
    for key, (part, whole) in (("south_sessions_pct", ("south_sessions", "province_sessions")),
                               ("elderly_patients_pct", ("elderly_patients", "patients"))):
        hidden = [privacy.share_hidden(a[part], a[whole], threshold) for a in acts]
        v = [a[key] for a in acts]
        rows.append(KeyFigure(labels.indicator(key), _pct_or_mask(v[0], hidden[0]), _pct_or_mask(v[1], hidden[1]),
                              T["masked"] if hidden[0] or hidden[1] else _points(v[0], v[1]),
                              _pct_or_mask(v[2], hidden[2]),
                              T["masked"] if hidden[0] or hidden[2] else _points(v[0], v[2])))
    rows.append(KeyFigure(labels.indicator("budget_usage_pct"), fmt.percent(usage[0]), fmt.percent(usage[1]),
                          _points(usage[0], usage[1]), fmt.percent(usage[2]), _points(usage[0], usage[2])))
    return tuple(rows)


KEY_COLUMNS = [Column("label", T["indicator"]), Column("now", T["now"]), Column("previous", T["previous"]),
               Column("previous_change", T["previous_change"]), Column("year_before", T["year_before"]),
               Column("year_change", T["year_change"])]


def key_table(report: Report) -> Published:
    rows = [{c.name: fmt.plain(getattr(k, c.name)) for c in KEY_COLUMNS} for k in report.key_figures]
    return Published(pl.DataFrame(rows, schema={c.name: pl.String for c in KEY_COLUMNS}), {})


# ---- sections ----------------------------------------------------------------------------------------

def _keep(*sentences) -> tuple[str, ...]:
    return tuple(s for s in sentences if s)


def partners_section(run, filters: Filters, previous: Filters, threshold: int) -> Section:
    now, before = metrics.partners(run, filters), metrics.partners(run, previous)
    groups = run("partners/partners_by_group", dimension="care", **filters.params(*PARTNERS))
    groups = groups.with_columns(group_label=pl.col("group_code").replace_strict(
        {"soins": T["soins"], "hors_soins": T["hors_soins"]}, default=pl.col("group_code"))).sort("group_label")
    columns = [Column("group_label", T["care_group"]), Column("registered_partners", T["registered"], "int"),
               Column("active_partners", T["active"], "int"),
               Column("registered_pct", labels.indicator("partners_outside_care_pct"), "pct")]
    published = privacy.suppress(groups.select([c.name for c in columns]), Spec(), threshold)  # organisations
    sentences = _keep(findings.partners_count(now["registered_partners"], now["active_partners"]),
                      findings.partners_change(now["registered_partners"], before["registered_partners"]),
                      findings.partners_new(now["new_partners"], now["ended_partners"]),
                      findings.partners_outside_care(now["partners_outside_care_pct"]))
    chart = ReportChart("report_partners", T["chart_partners"], labels.definition("registered_partners") + " "
                        + labels.definition("active_partners"), charts.partners_by_care, published, columns,
                        sentences[:2] + sentences[3:4])
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
    reach_findings = _keep(findings.lowest_reach(_areas(published), province_reach))
    share_findings = _keep(findings.south_share(share(now), population),
                           findings.south_trend(share(now), share(before), population))
    reach_chart = ReportChart(
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
    share_chart = ReportChart(
        "report_south_share", T["chart_south_share"], labels.definition("south_sessions_pct"),
        lambda f: charts.south_share_by_month(f, milestones, population, period), share_published,
        share_columns, share_findings)
    return Section("south", T["section_south"], reach_findings + share_findings, (reach_chart, share_chart))


def _share(row: dict | None, part: str, whole: str, threshold: int):
    if row is None or privacy.share_hidden(row[part], row[whole], threshold):
        return None
    return row[f"{part}_pct"]


def priority_section(run, filters: Filters, previous: Filters, threshold: int, priority: str, key: str) -> Section:
    kpis = {r["priority"]: r for r in run("priorities/priority_kpis", **filters.params()).iter_rows(named=True)}
    kpis_before = {r["priority"]: r for r in run("priorities/priority_kpis", **previous.params()).iter_rows(named=True)}
    row, row_before = kpis.get(priority), kpis_before.get(priority)
    reach = run("priorities/reach_by_arrondissement", **filters.params())
    arr = (reach.filter((pl.col("priority") == priority) & (pl.col("level") == "arrondissement"))
           .with_columns(is_south=pl.col("zone") == "sud").rename({"population_age": "population"}).sort("area"))
    columns = [Column("area", T["arrondissement"]), Column("population", T["population"], "int"),
               Column("patients", T["patients"], "int"), Column("reach_per_1000", T["reach"], "decimal")]
    published = privacy.suppress(arr.select([c.name for c in columns] + ["is_south"]), REACH_SPEC, threshold)
    total_reach = None
    if row and not privacy.is_small(row["resident_patients"], threshold):
        total_reach = row["reach_per_1000"]
    sentences = _keep(
        findings.priority_share(key, row["priority_patients"] if row else None,
                                _share(row, "priority_patients", "patients", threshold),
                                row["population_pct"] if row else None),
        findings.priority_reach(total_reach, _areas(published)),
        findings.priority_sessions(row["priority_sessions"] if row else None,
                                   _share(row, "priority_sessions", "sessions", threshold),
                                   row_before["priority_sessions"] if row_before else None))
    title = T[f"chart_{key}"]
    chart = ReportChart(f"report_{key}_reach", title, labels.definition(
        "elderly_patients" if key == "elderly" else "early_childhood_sessions"),
        lambda f: charts.reach_by_area(f, total_reach, title=T["reach"], decimals=2), published, columns, sentences)
    return Section(key, T[f"section_{key}"], sentences, (chart,))


def budget_section(run, filters: Filters, data_date: date | None) -> Section:
    day = budget.to_date(filters.date_to, data_date)
    year_params = {"date_from": date(day.year, 1, 1), "date_to": day, "networks": filters.params()["networks"]}
    year_lines = run("budget/budget_by_year", **year_params)
    monthly = run("budget/spent_by_month", **{**year_params, "date_from": date(day.year - 1, 1, 1)})
    projections = budget.projections(year_lines, monthly, day)
    totals = projections.filter(pl.col("category") == budget.TOTAL) if projections.height else projections
    columns = [Column("network", T["network"]), Column("envelope_eur", T["envelope"], "eur"),
               Column("spent_eur", T["spent"], "eur"), Column("usage_pct", T["usage_pct"], "pct"),
               Column("linear_eur", T["projected"], "eur"), Column("linear_pct", T["projected_pct"], "pct")]
    table = totals.select([c.name for c in columns]) if totals.height else pl.DataFrame(
        schema={c.name: pl.Float64 if c.kind != "text" else pl.String for c in columns})
    published = privacy.suppress(table, Spec(dimensions=("network",)))  # euros: no small counts
    sentences: list[str] = []
    for r in table.iter_rows(named=True):
        sentences += _keep(findings.budget_usage(r["network"], r["usage_pct"], day),
                           findings.budget_projection(r["network"], r["linear_eur"], r["envelope_eur"],
                                                      budget.flag(r["linear_pct"])))
    chart = ReportChart("report_budget", T["chart_budget"], labels.definition("budget_usage") + " "
                        + labels.definition("budget_usage_pct"), charts.budget_projection, published, columns,
                        tuple(sentences))
    return Section("budget", T["section_budget"], tuple(sentences), (chart,))


def build(run, filters: Filters, *, threshold: int | None = None, data_date: date | None = None,
          generated: datetime | None = None) -> Report:
    """The whole report for a period and network (the other filters are left out: a report for the
    committee is about the programme, and fewer cuts keep fewer small counts)."""
    threshold = privacy.threshold_or_default(threshold)
    filters = Filters(filters.date_from, filters.date_to, networks=filters.networks)
    previous, last_year = filters.previous(), year_before(filters)
    if data_date is None:
        data_date = run("filters/data_bounds").row(0, named=True)["last_date"]
    milestones = reference.frame("ref_milestones")
    sections = (
        partners_section(run, filters, previous, threshold),
        south_section(run, filters, previous, threshold, milestones),
        priority_section(run, filters, previous, threshold, "aines", "elderly"),
        priority_section(run, filters, previous, threshold, "petite_enfance", "early"),
        budget_section(run, filters, data_date),
    )
    filters_text = describe(filters)
    notes = (
        (T["filters"], filters_text),
        (T["data_date"], fmt.day(data_date)),
        (T["suppression"], suppression_text(threshold)),
        (T["sources"], T["sources_text"]),
    )
    return Report(filters, previous, last_year, threshold, data_date, generated or datetime.now(), filters_text,
                  key_figures(run, [filters, previous, last_year], threshold), sections, notes)
