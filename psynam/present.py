"""Presentation mode (`?present=1`): the dashboard as slides for a steering committee — no sidebar, large
type, one chart and its findings per screen, the left and right arrow keys to move, optional auto-advance (`&auto=20` seconds), the navigation, the filters and the data date in a
footer fixed at the bottom, every slide sized to fit above it at 1280x720 as at 1920x1080. Always
suppressed (the public rule), whatever the `public` toggle says: the slides are the report's
(psynam.report), built for the period and network of the link's filters (`periode`, `reseau`, as the
filter bar writes them), and the meeting's own (MEETING_SLIDES): the map of the communes, the monthly
trend since the programme began with 01/09/2021 and 01/04/2024 marked, and the ceilings.
"""

from __future__ import annotations

import time
from datetime import date
from urllib.parse import urlencode

import polars as pl
import streamlit as st

from psynam import formatting as fmt
from psynam import geo, labels, links, reference, ui, views
from psynam.charts import budget as budget_charts
from psynam.charts import maps, monthly_by_network
from psynam.charts.reading import reading
from psynam.filters import Filters, programme_start
from psynam.labels import south as south_words
from psynam.labels.report import TEXT as T
from psynam.report import Report, build
from psynam.report.model import ReportChart
from psynam.report.render import compared
from psynam.views.overview import Overview
from psynam.views.rules import Rules
from psynam.views.south import South

SLIDE_PARAM = "diapo"
AUTO_PARAM = "auto"

CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="collapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 0.8rem !important; padding-bottom: 7.5rem !important;
  max-width: 100% !important; }
h1 { font-size: clamp(1.8rem, 3.4vh, 2.6rem) !important; padding: 0.2rem 0 !important; }
h2 { font-size: clamp(1.5rem, 3vh, 2.1rem) !important; padding: 0.2rem 0 !important; }
.st-key-present_findings p, .st-key-present_findings li { font-size: clamp(1.1rem, 2.3vh, 1.55rem) !important;
  line-height: 1.4; }
[data-testid="stMetricValue"] { font-size: clamp(1.8rem, 4.4vh, 3.2rem) !important; }
[data-testid="stMetricLabel"] p { font-size: clamp(1rem, 1.9vh, 1.25rem) !important; }
[data-testid="stMetricDelta"] { font-size: 1.1rem !important; }
.st-key-present_footer { position: fixed; bottom: 0; left: 0; right: 0; background: #f8f9fa;
  border-top: 1px solid #dee2e6; padding: 0.3rem 1.5rem 1rem; z-index: 1000; }
.st-key-present_footer [data-testid="stMarkdownContainer"] p { margin: 0 !important; }
.st-key-present_footer p { font-size: 0.95rem !important; color: #495057; margin: 0; }
</style>
"""


def filters_from_url(params, last: date, *, today: date | None = None, notify=None) -> Filters:
    """Period, network and comparison from the link, as the filter bar binds them (network codes or
    labels; psynam/links.py for the period and the comparison). What the link asks but cannot be shown as
    asked, and a period reaching outside the data, are said through `notify` (st.warning by default)."""
    asked = links.read_period(params.get_all(links.PERIOD_KEY))
    start, end = asked.period or ui._default_period(last)
    mode, comparison_notices = links.read_comparison(params.get_all(links.COMPARISON_KEY))
    notices = asked.notices + links.outside_data(start, end, last=last, today=today or date.today()) \
        + comparison_notices
    for notice in dict.fromkeys(notices):
        (notify or st.warning)(notice)
    by_label = {v: k for k, v in labels.NETWORKS.items()}
    networks = {by_label.get(v, v) for v in params.get_all("reseau")} & set(labels.NETWORKS)
    return Filters(start, end, networks=tuple(networks), comparison_mode=mode)


@st.cache_resource(show_spinner=False, max_entries=16)
def _report(filters: Filters, version: tuple[str, int]) -> Report:
    return build(ui.run, filters)


def slides(report: Report, meeting: tuple[tuple[str, ReportChart], ...] = ()) -> list[tuple[str, object]]:
    """('kpis', None) then ('chart', ReportChart) for each chart of each section, then the meeting's own
    slides (('chart', chart) too)."""
    return [("kpis", None)] + [("chart", c) for c in report.charts] + [("chart", c) for _title, c in meeting]


# A slide's chart height: what a 720-pixel-high screen leaves between the title and the footer.
CHART_HEIGHT = 440


def _finding(build, result) -> tuple[str, ...]:
    """The slide's finding: its chart's main reading (psynam.charts.reading), drawn from the published table."""
    return (reading(build(result.published())).removeprefix("En bref — ").removeprefix("En bref : "),)


def meeting_slides(run, filters: Filters) -> tuple[tuple[str, ReportChart], ...]:
    """(section title, chart) of the meeting's own slides, published by the one rule (the report's public
    filters: period and network): the communes' map, the monthly trend since the programme began with the
    policy dates marked, the ceilings of the period's last year."""
    filters = filters.public()
    source = views.Source(run)
    communes = reference.communes()
    boundaries = geo.load_boundaries(communes)
    milestones = reference.frame("ref_milestones")
    out = []
    south = South(source, filters)
    coverage = south.coverage_map("reach_per_1000", south_words.TEXT["boundaries_note"] if boundaries.usable
                                  else south_words.TEXT["tiles_note"])
    build_map = lambda t: maps.commune_map(t, communes, "reach", boundaries=boundaries)
    out.append((labels.PAGES["south"], ReportChart("present_map", coverage, build_map, _finding(build_map, coverage))))
    start = min(programme_start(), filters.date_from)
    trend = _trend(source, start, filters)
    period = (start, filters.date_to)  # the axis starts with the programme: 01/09/2021 is always marked
    policy = milestones.filter(pl.col("kind") == "programme")  # 01/09/2021 and 01/04/2024
    build_trend = lambda t: monthly_by_network(t, policy, period=period)
    out.append((labels.PAGES["overview"], ReportChart("present_trend", trend, build_trend,
                                                      _finding(build_trend, trend))))
    rules = Rules(source, filters)
    if rules.years:
        counts = rules.for_year(rules.years[-1]).year_status
        out.append((labels.PAGES["rules"], ReportChart("present_ceilings", counts, budget_charts.ceiling_counts,
                                                       _finding(budget_charts.ceiling_counts, counts),
                                                       subset="by_year")))
    return tuple(out)


def _trend(source, start: date, filters: Filters):
    """Sessions by month since the programme began; when its first months are so small that publishing them
    would hide the whole series, the series starts on the next 1 January that publishes (the axis still
    starts with the programme)."""
    for year in range(start.year, filters.date_to.year + 1):
        since = Filters(max(start, date(year, 1, 1)), filters.date_to, networks=filters.networks)
        trend = Overview(source, since).sessions_by_month
        table = trend.published()
        cells = [table.mark(c, i) for c in ("sessions",) for i in range(table.frame.height)]
        if not cells or sum(bool(m) for m in cells) * 2 < len(cells):
            return trend
    return trend


@st.cache_resource(show_spinner=False, max_entries=16)
def _meeting(filters: Filters, version: tuple[str, int]) -> tuple[tuple[str, ReportChart], ...]:
    return meeting_slides(ui.run, filters)


def _go(index: int) -> None:
    st.query_params[SLIDE_PARAM] = str(index + 1)
    st.session_state["_present_shown_at"] = time.time()


def _kpi_slide(report: Report) -> None:
    st.header(T["key_figures"])
    figures = report.key_figures.rows()
    for row in (figures[:4], figures[4:]):
        cols = st.columns(len(row))
        for col, k in zip(cols, row):
            delta = k.get("c0_change")
            col.metric(k["label"], k["now"], delta=delta if delta not in (fmt.MISSING, T["masked"]) else None,
                       border=True)
    st.caption(compared(report))


def _chart_slide(chart, section_title: str, index: int) -> None:
    st.header(f"{section_title} — {chart.title}")
    left, right = st.columns([3, 2], gap="large", vertical_alignment="center")
    fig = chart.figure()
    fig.update_layout(height=CHART_HEIGHT + (90 if chart.key == "present_map" else 0), font={"size": 16},
                      legend={"font": {"size": 15}},
                      margin={"t": 30, "b": 10})
    fig.update_xaxes(tickfont={"size": 17}, title_font={"size": 17})
    fig.update_yaxes(tickfont={"size": 16}, title_font={"size": 17})
    left.plotly_chart(fig, key=f"present_chart_{index}", config={"displaylogo": False, "displayModeBar": False},
                      alt=f"{chart.title}. {reading(fig)}")
    with right.container(key="present_findings"):
        for sentence in chart.findings or (T["no_findings"],):
            st.markdown(f"- {sentence}")


def run() -> None:
    """Render the current slide (called by app.py before the navigation when ?present is set)."""
    st.html(CSS)
    bounds = ui.frame("filters/data_bounds").row(0, named=True)
    if bounds["last_date"] is None:
        st.warning(labels.MESSAGES["no_database"])
        return
    filters = filters_from_url(st.query_params, bounds["last_date"])
    report = _report(filters, ui.data_version())
    meeting = _meeting(filters, ui.data_version())
    deck = slides(report, meeting)
    try:
        index = min(max(int(st.query_params.get(SLIDE_PARAM, "1")) - 1, 0), len(deck) - 1)
    except ValueError:
        index = 0
    section_of = {c.key: s.title for s in report.sections for c in s.charts} | {c.key: t for t, c in meeting}
    kind, chart = deck[index]
    if kind == "kpis":
        st.title(T["title"])
        _kpi_slide(report)
    else:
        _chart_slide(chart, section_of[chart.key], index)

    auto = st.query_params.get(AUTO_PARAM)
    if auto and auto.isdigit() and int(auto) > 0:
        seconds = max(5, int(auto))
        st.session_state.setdefault("_present_shown_at", time.time())
        _auto_advance(seconds, index, len(deck))

    with st.container(key="present_footer"):
        _navigation(index, len(deck))
        extra = f" · {T['auto'].format(seconds=auto)}" if auto else ""
        st.markdown(f"{report.filters_text} · {T['data_date']} {fmt.day(report.data_date)} · "
                    f"{T['suppression']} : {privacy_note(report)}{extra}")


def _navigation(index: int, total: int) -> None:
    """Previous / next (the arrow keys), the slide number and the exit, in the fixed footer: always on screen,
    whatever the slide's height."""
    nav = st.columns([1.7, 1.7, 4.6, 2], vertical_alignment="center")
    nav[0].button(T["previous_slide"], key="present_prev", icon=":material/arrow_back:", shortcut="ArrowLeft",
                  disabled=index == 0, on_click=_go, args=((index - 1) % total,))
    nav[1].button(T["next_slide"], key="present_next", icon=":material/arrow_forward:", shortcut="ArrowRight",
                  disabled=index == total - 1 and not st.query_params.get(AUTO_PARAM),
                  on_click=_go, args=((index + 1) % total,))
    nav[2].caption(T["page"].format(n=index + 1, total=total) + " · " + T["present_hint"])
    nav[3].link_button(T["exit"], "?" + urlencode([(k, v) for k in ("periode", "reseau", "comparaison")
                                                   for v in st.query_params.get_all(k)]), icon=":material/close:")


def privacy_note(report: Report) -> str:
    return f"« < {report.threshold} » = 1 à {report.threshold - 1}"


def _auto_advance(seconds: int, index: int, total: int) -> None:
    @st.fragment(run_every=1)
    def tick():
        if time.time() - st.session_state.get("_present_shown_at", time.time()) >= seconds:
            _go((index + 1) % total)
            st.rerun(scope="app")
    tick()
