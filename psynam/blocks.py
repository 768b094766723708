"""What a page places: KPI cards, charts and tables drawn from view results (psynam.views), each with its
definition and its downloads. The only place where a result meets Streamlit.

A block never decides what is hidden: on the coordinator's screen it shows the exact figures; in public
mode, and in every file it offers (CSV, Excel, PNG, SVG, the export pack), it shows `Result.published()`,
the one privacy rule the report and the slides apply too. Files are made when a button is clicked, not on
every rerun.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import streamlit as st

from psynam import access, audit, export, labels, privacy, ui, views
from psynam import formatting as fmt
from psynam.charts.files import Stamp
from psynam.charts.reading import reading
from psynam.views import Result

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# No way around the rule: Plotly's own "download as PNG" would export what the screen shows, unsuppressed.
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["toImage"]}


# ---- what a file says about itself --------------------------------------------------------------------

def _filters():
    return st.session_state.get("filters")


def _data_date() -> str:
    return fmt.day(ui.frame("filters/data_bounds").row(0, named=True)["last_date"])


def marks_note(threshold: int | None = None) -> str:
    t = privacy.threshold_or_default(threshold)
    return labels.MESSAGES["marks_note"].format(threshold=t, last=t - 1)


def stamp(title: str, filters) -> Stamp:
    """The lines an image carries under its title: filters and data date; source and the small-count note."""
    return Stamp(title, (
        f"{views.describe(filters)} · {labels.MESSAGES['data_date'].format(date=_data_date())}",
        f"{labels.MESSAGES['source_line'].format(sources=labels.EXPORT['sources_text'])} · {marks_note()}"))


def notes(title: str, definition: str, filters) -> list[tuple[str, str]]:
    """The definitions sheet of a download: what the figure is, for which filters, from which data."""
    return [
        (labels.EXPORT["chart"], title),
        (labels.EXPORT["definition"], definition),
        (labels.EXPORT["filters"], views.describe(filters)),
        (labels.EXPORT["data_date"], _data_date()),
        (labels.EXPORT["suppression"], labels.definition("small_counts") + " " + marks_note()),
        (labels.EXPORT["sources"], labels.EXPORT["sources_text"]),
    ]


def period_caption(view) -> None:
    """The period and the period it is compared with (or that it has none), under a page's title."""
    filters, comparison = view.filters, view.comparison
    parts = [labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to))]
    if comparison is None:
        parts.append(labels.MESSAGES["no_comparison"])
    else:
        parts.append(labels.MESSAGES[f"compared_{filters.comparison_mode}"].format(
            prev_from=fmt.day(comparison.date_from), prev_to=fmt.day(comparison.date_to)))
    st.caption(" · ".join(parts))


def open_view(page_key: str, view_class):
    """A page's opening: its title, then (once the filter bar has set the filters) its view for them with
    the period caption under the title. Stops the page when there are no filters yet."""
    st.title(labels.PAGES[page_key])
    filters = st.session_state.get("filters")
    if filters is None:
        st.stop()
    view = view_class(ui.source(), filters)
    period_caption(view)
    return view


def tabbed(page_key: str, renders: Sequence[Callable[[], None]]) -> None:
    """A page's sections as tabs (labels.TABS[page_key]), of which only the open one runs: its queries and
    drawing are all a filter change costs; opening another tab reruns the page, whose other results are
    cached (ui.frame). The open tab is kept in session state (labels.tab_key) across filter changes."""
    names = labels.TABS[page_key]
    assert len(names) == len(renders), (page_key, names)
    for tab, render in zip(st.tabs(list(names), key=labels.tab_key(page_key), on_change="rerun"), renders):
        if tab.open:
            with tab:
                render()


# ---- KPI cards ---------------------------------------------------------------------------------------

def _definition_of(result: Result, name: str) -> str:
    ref = result.decl.column(name).label_ref
    key = ref.partition(".")[2]
    return labels.definition(key) if ref.startswith("indicator.") and key in labels.INDICATORS else ""


def _delta(result: Result, name: str, now, before) -> str | None:
    if not isinstance(now, (int, float)) or not isinstance(before, (int, float)):
        return None
    kind = result.decl.column(name).kind
    if kind == "pct":
        return labels.KPI_DELTA["points"].format(sign="", value=fmt.signed(float(now) - float(before)))
    if float(before) == 0:
        return None
    change = 100.0 * (float(now) - float(before)) / float(before)
    return labels.KPI_DELTA["relative"].format(sign="", value=fmt.signed(change))


def text_of(result: Result, name: str, *, public: bool | None = None) -> str:
    """One cell of a one-row result as the screen shows it (its mark when public and hidden)."""
    public = ui.public_mode() if public is None else public
    column = result.decl.column(name)
    return fmt.value(result.shown(name, public=public), column.kind, column.decimals)


def card(column, now: Result, before: Result | None, name: str, *, delta_color: str = "normal",
         help: str | None = None, extra: Sequence[tuple[Result, str]] = ()) -> None:
    """One KPI card: the declared label, the value in Belgian format, the change against the comparison
    period, the definition as tooltip. In public mode a hidden cell shows its mark and no change; a change
    is shown only when both periods' cells are published. `extra` cells (result, column) join the tooltip,
    published the same way."""
    public = ui.public_mode()
    shown_now = now.shown(name, public=public)
    shown_before = before.shown(name, public=public) if before is not None and not before.is_empty else None
    tooltip = [t for t in (_definition_of(now, name), help) if t]
    tooltip += [f"{r.decl.column(n).label} : {text_of(r, n, public=public)}" for r, n in extra]
    # No change at all: the change is shown grey, without an arrow (Streamlit would draw "+0" going up).
    unchanged = all(isinstance(v, (int, float)) for v in (shown_now, shown_before)) and shown_now == shown_before
    column.metric(now.decl.column(name).label, text_of(now, name, public=public),
                  delta=_delta(now, name, shown_now, shown_before), delta_color="off" if unchanged else delta_color,
                  delta_arrow="off" if unchanged else "auto", help="\n\n".join(tooltip) or None, border=True)


def cards(now: Result, before: Result | None, names: Sequence[str], *, per_row: int | None = None,
          delta_colors: dict[str, str] | None = None, help: dict[str, str] | None = None) -> None:
    """A row (or rows) of cards for the named columns of a one-row result."""
    per_row = per_row or len(names)
    for start in range(0, len(names), per_row):
        row = names[start:start + per_row]
        for column, name in zip(st.columns(per_row), row):
            card(column, now, before, name, delta_color=(delta_colors or {}).get(name, "normal"),
                 help=(help or {}).get(name))


def figures(result: Result, names: Sequence[str]) -> None:
    """A line of single figures ("**Label** : value · …"), each published like a card."""
    st.markdown(" · ".join(f"**{result.decl.column(n).label}** : {text_of(result, n)}" for n in names))


# ---- charts and tables -----------------------------------------------------------------------------

@dataclass(frozen=True)
class ChartRecord:
    """A chart drawn in this run, as the export pack needs it: its result (published on use) and builder."""

    key: str
    title: str
    definition: str
    build: Callable[[privacy.Published], object]
    result: Result
    subset: str | tuple[str, ...] | None = None

    @property
    def published(self) -> privacy.Published:
        return self.result.published()

    @property
    def columns(self) -> list[export.Column]:
        return self.result.columns(self.subset)


def downloads(key: str, result: Result, title: str, definition: str, *, build=None, subset=None) -> None:
    """CSV and Excel of the published result; with a builder, its chart as PNG and SVG (16:9 slide and
    half an A4 page), framed with its title, filters, data date, source and small-count note."""
    if not access.current().can_download:  # the role decides (comite: no file leaves)
        return
    filters = _filters()
    published = ui.once(result.published)
    columns = result.columns(subset)
    stem = export.file_stem(title, filters.date_from, filters.date_to)
    info = ui.once(lambda: notes(title, definition, filters))

    def tracked(make, name: str):  # checked and written in the audit log when the file is asked for
        return audit.tracked(make, file_name=name, view=key, filters=filters)

    # One wrapping row of buttons sized to their labels: columns would cut them ("C…", "E…") at 1280 px.
    row = st.container(horizontal=True, gap="small", key=f"{key}_downloads")
    row.download_button(labels.DOWNLOADS["csv"], tracked(lambda: export.to_csv(published(), columns), f"{stem}.csv"),
                        f"{stem}.csv", "text/csv", key=f"{key}_csv", icon=":material/download:", on_click="ignore")
    row.download_button(labels.DOWNLOADS["xlsx"],
                        tracked(lambda: export.to_xlsx([(title, published(), columns)], info()), f"{stem}.xlsx"),
                        f"{stem}.xlsx", XLSX_MIME, key=f"{key}_xlsx", icon=":material/download:", on_click="ignore")
    if build is None:
        return
    with row.popover(labels.DOWNLOADS["image"], icon=":material/image:"):
        for kind, size, suffix in (("png", "slide", ""), ("svg", "slide", ""), ("png", "a4", "_a4"),
                                   ("svg", "a4", "_a4")):
            name = f"{stem}{suffix}.{kind}"
            st.download_button(
                labels.DOWNLOADS[f"{kind}_{size}"],
                tracked(lambda kind=kind, size=size: export.chart_file(build(published()), stamp(title, filters),
                                                                       kind, size), name),
                name, "image/png" if kind == "png" else "image/svg+xml",
                key=f"{key}_{kind}{suffix}", icon=":material/image:", on_click="ignore", width="stretch")


def chart(key: str, result: Result, build: Callable[[privacy.Published], object], *, title: str | None = None,
          definition: str | None = None, subset=None, **chart_kwargs):
    """A chart under its title, its one-line definition and its downloads. `build(table)` makes the figure
    from a published table: exact on the coordinator's screen, suppressed in public mode and in every
    image. Returns the chart's selection state when `on_select` is passed."""
    title, definition = title or result.title, definition or result.definition
    st.subheader(title)
    if result.is_empty:
        st.info(labels.MESSAGES["no_data"])
        return None
    shown = result.table(ui.public_mode())
    ui.current_charts().append(ChartRecord(key, title, definition, build, result, subset))
    figure = build(shown)
    said = reading(figure)  # its main reading: the text alternative, and a line under it
    state = st.plotly_chart(figure, key=key, config=PLOTLY_CONFIG, alt=f"{title}. {said}", **chart_kwargs)
    st.caption(f"{said}  \n{definition}")
    if hides(shown, result.columns(subset)):
        st.caption(marks_note(result.threshold))
    downloads(key, result, title, definition, build=build, subset=subset)
    return state


def chart_or_note(key: str, result: Result, build, note: str, **kwargs):
    """A chart, or its title and a note (instead of the generic "no data") when the result is empty."""
    if result.is_empty:
        st.subheader(result.title)
        st.info(note)
        return None
    return chart(key, result, build, **kwargs)


def sentence(text: str, result: Result) -> str:
    """A sentence with a one-row result's cells as the screen shows them (its mark when hidden)."""
    return text.format(**{n: text_of(result, n) for n in result.decl.names})


def hides(table: privacy.Published, columns: list[export.Column]) -> bool:
    """Whether a table hides a cell among the columns an output shows."""
    return any(table.mark(c.name, i) for c in columns for i in range(table.frame.height))


def _styled(result: Result, columns: list[export.Column], shown: privacy.Published):
    """The table for st.dataframe: a pandas Styler showing Belgian formats (`1 234`, `8,5`, `31/12/2024`)
    while cells keep their values (sorting stays numeric). A column with hidden cells holds texts, its
    values formatted and its marks: one type per column, as Arrow needs (a column mixing numbers and
    `< 5` made Streamlit retry the conversion, logging a traceback on every public render)."""
    import pandas as pd

    data, formats = {}, {}
    for c in columns:
        values, marks = shown.frame[c.name].to_list(), shown.column_marks(c.name)
        if any(m is not None for m in marks):
            data[c.header] = [m if m is not None else None if v is None else fmt.value(v, c.kind, c.decimals)
                              for v, m in zip(values, marks)]
        else:
            data[c.header] = values
            formats[c.header] = lambda v, c=c: fmt.value(v, c.kind, c.decimals) if v is not None else ""
    return pd.DataFrame(data).style.format(formats)


def table(key: str, result: Result, *, subset=None, title: str | None = None, definition: str | None = None,
          with_downloads: bool = True, height: int | str = "auto") -> None:
    """A result as a table (French headers, Belgian formats; marks in public mode), with CSV and Excel."""
    title, definition = title or result.title, definition or result.definition
    shown = result.table(ui.public_mode())
    columns = result.columns(subset)
    st.dataframe(_styled(result, columns, shown), hide_index=True, key=key, height=height, placeholder=fmt.MISSING)
    if hides(shown, columns):
        st.caption(marks_note(result.threshold))
    if with_downloads:
        downloads(key, result, title, definition, subset=subset)
