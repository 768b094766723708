"""Presentation mode (`?present=1`): the dashboard as slides for a steering committee — no sidebar, large
type, one chart and its findings per screen, arrow keys to move, optional auto-advance (`&auto=20`
seconds), the filters and the data date in a footer. Always suppressed (the public rule), whatever the
`public` toggle says: the slides are the report's (psynam.report), built for the period and network of the
link's filters (`periode`, `reseau`, as the filter bar writes them).
"""

from __future__ import annotations

import time
from datetime import date
from urllib.parse import urlencode

import streamlit as st

from psynam import formatting as fmt
from psynam import labels, links, ui
from psynam.filters import Filters
from psynam.labels.report import TEXT as T
from psynam.report import Report, build
from psynam.report.render import compared

SLIDE_PARAM = "diapo"
AUTO_PARAM = "auto"

CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="collapsedControl"],
header[data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
.block-container, [data-testid="stMainBlockContainer"] { padding-top: 1.2rem !important; padding-bottom: 5rem !important;
  max-width: 100% !important; }
h1 { font-size: 2.6rem !important; }
h2 { font-size: 2.1rem !important; }
.st-key-present_findings p, .st-key-present_findings li { font-size: 1.55rem !important; line-height: 1.45; }
[data-testid="stMetricValue"] { font-size: 3.2rem !important; }
[data-testid="stMetricLabel"] p { font-size: 1.25rem !important; }
[data-testid="stMetricDelta"] { font-size: 1.1rem !important; }
.st-key-present_footer { position: fixed; bottom: 0; left: 0; right: 0; background: #f8f9fa;
  border-top: 1px solid #dee2e6; padding: 0.5rem 1.5rem 1.4rem; z-index: 1000; }
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


def slides(report: Report) -> list[tuple[str, object]]:
    """('kpis', None) then ('chart', ReportChart) for each chart of each section."""
    return [("kpis", None)] + [("chart", c) for c in report.charts]


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
    fig.update_layout(height=540, font={"size": 18}, legend={"font": {"size": 17}})
    fig.update_xaxes(tickfont={"size": 17}, title_font={"size": 17})
    fig.update_yaxes(tickfont={"size": 16}, title_font={"size": 17})
    left.plotly_chart(fig, key=f"present_chart_{index}", config={"displaylogo": False})
    left.caption(chart.definition)
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
    deck = slides(report)
    try:
        index = min(max(int(st.query_params.get(SLIDE_PARAM, "1")) - 1, 0), len(deck) - 1)
    except ValueError:
        index = 0
    section_of = {c.key: s.title for s in report.sections for c in s.charts}
    kind, chart = deck[index]
    if kind == "kpis":
        st.title(T["title"])
        _kpi_slide(report)
    else:
        _chart_slide(chart, section_of[chart.key], index)

    nav = st.columns([1.7, 1.7, 4.6, 2], vertical_alignment="center")
    nav[0].button(T["previous_slide"], key="present_prev", icon=":material/arrow_back:", shortcut="ArrowLeft",
                  disabled=index == 0, on_click=_go, args=((index - 1) % len(deck),))
    nav[1].button(T["next_slide"], key="present_next", icon=":material/arrow_forward:", shortcut="ArrowRight",
                  disabled=index == len(deck) - 1 and not st.query_params.get(AUTO_PARAM),
                  on_click=_go, args=((index + 1) % len(deck),))
    nav[2].caption(T["page"].format(n=index + 1, total=len(deck)) + " · " + T["present_hint"])
    nav[3].link_button(T["exit"], "?" + urlencode([(k, v) for k in ("periode", "reseau", "comparaison")
                                                   for v in st.query_params.get_all(k)]), icon=":material/close:")

    auto = st.query_params.get(AUTO_PARAM)
    if auto and auto.isdigit() and int(auto) > 0:
        seconds = max(5, int(auto))
        st.session_state.setdefault("_present_shown_at", time.time())
        _auto_advance(seconds, index, len(deck))

    with st.container(key="present_footer"):
        extra = f" · {T['auto'].format(seconds=auto)}" if auto else ""
        st.markdown(f"{report.filters_text} · {T['data_date']} {fmt.day(report.data_date)} · "
                    f"{T['suppression']} : {privacy_note(report)}{extra}")


def privacy_note(report: Report) -> str:
    return f"« < {report.threshold} » = 1 à {report.threshold - 1}"


def _auto_advance(seconds: int, index: int, total: int) -> None:
    @st.fragment(run_every=1)
    def tick():
        if time.time() - st.session_state.get("_present_shown_at", time.time()) >= seconds:
            _go((index + 1) % total)
            st.rerun(scope="app")
    tick()
