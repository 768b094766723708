"""The view layer: headless, between the named queries and every output.

A view takes a filter set and a source of query frames, runs its area's named queries — binding exactly the
parameters each SQL file declares — derives the few figures SQL does not, and returns **results**: a frame
together with its declaration (psynam.declarations: columns, French labels, formats, privacy roles, written
once beside the SQL). Pages, public mode, the report, the slides, the export pack, the downloads and the
command line all read results from views, and all publish them through the same rule (`Result.published`),
so the same cell is hidden everywhere it leaves the coordinator's screen.

    source = views.Source(run)                      # run(name, **params) -> Polars (db.run or the app's cache)
    view = views.overview.Overview(source, filters)
    view.kpis.value("sessions"); view.kpis.published().frame; view.sessions_by_month.table(public=True)

Views are plain classes with lazily computed results (a page pays only for what it shows).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Callable

import polars as pl

from psynam import db, declarations, formatting as fmt, labels, privacy, reference
from psynam.declarations import Declaration
from psynam.export import Column
from psynam.filters import Filters
from psynam.privacy import Published

Run = Callable[..., pl.DataFrame]


class Source:
    """Runs named queries for views: `frame(name, filters, **extra)` binds, from the filter set and the
    extra values, exactly the `$parameters` the query file declares — no caller lists them."""

    def __init__(self, run: Run):
        self.run = run

    def frame(self, name: str, filters: Filters | None = None, **extra) -> pl.DataFrame:
        wanted = db.query_parameters(name)
        given = {**(filters.params() if filters is not None else {}), **extra}
        unknown = set(extra) - wanted
        if unknown:
            raise db.QueryParameterError(f"query {name}: unexpected {sorted(unknown)}")
        return self.run(name, **{k: given[k] for k in wanted if k in given})

    def result(self, name: str, filters: Filters | None = None, *, threshold: int | None = None,
               **extra) -> "Result":
        return Result.of(name, self.frame(name, filters, **extra), threshold=threshold)


def publish(decl: Declaration, frame: pl.DataFrame, threshold: int | None = None) -> Published:
    """The one privacy rule (psynam.privacy.suppress) applied to a whole result as its declaration
    describes it; a share's rest is protected as a count of its own, then dropped."""
    rests = [declarations.REST.format(s.name) for s in decl.shares]
    return privacy.suppress(decl.with_rests(frame), decl.spec(), threshold).without(rests)


@dataclass(frozen=True, eq=False)
class Result:
    """A result of a view: its declaration, its exact frame (the whole result), and the rows shown (a
    selection, an order, a top-n). Published cells come from publishing the whole frame, then taking the
    rows: a part shown in one place hides what the whole hides everywhere else."""

    decl: Declaration
    whole: pl.DataFrame
    rows: tuple[int, ...] | None = None
    threshold: int | None = None
    title_text: str | None = None
    definition_text: str | None = None

    @classmethod
    def of(cls, name: str, frame: pl.DataFrame, *, threshold: int | None = None) -> "Result":
        decl = declarations.load(name)
        decl.check_frame(frame)
        return cls(decl, frame, threshold=threshold)

    # ---- what it is -----------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.decl.name

    @property
    def title(self) -> str:
        return self.title_text or (labels.indicator(self.decl.title) if self.decl.title else self.name)

    @property
    def definition(self) -> str:
        return self.definition_text or (labels.definition(self.decl.title) if self.decl.title else "")

    def titled(self, title: str | None = None, definition: str | None = None) -> "Result":
        return replace(self, title_text=title or self.title_text, definition_text=definition or self.definition_text)

    def columns(self, subset: str | tuple[str, ...] | None = None) -> list[Column]:
        return self.decl.export_columns(subset)

    # ---- the exact figures ------------------------------------------------------------------------
    @property
    def frame(self) -> pl.DataFrame:
        """The rows shown, exact (the coordinator's screen)."""
        return self.whole if self.rows is None else (self.whole[list(self.rows)] if self.rows else self.whole.clear())

    @property
    def is_empty(self) -> bool:
        return self.frame.is_empty()

    def value(self, column: str, i: int = 0):
        frame = self.frame
        return frame[column][i] if frame.height > i else None

    def row(self, i: int = 0) -> dict:
        return self.frame.row(i, named=True)

    # ---- the published figures ---------------------------------------------------------------------
    def published(self) -> Published:
        """The rows shown as they may leave the coordinator's screen."""
        return publish(self.decl, self.whole, self.threshold).take(self.rows)

    def exact(self) -> Published:
        return Published(self.frame, {})

    def table(self, public: bool) -> Published:
        return self.published() if public else self.exact()

    def shown(self, column: str, i: int = 0, *, public: bool):
        """A cell as it is shown: its value, or its mark when public and hidden."""
        table = self.table(public)
        return table.cell(column, i) if table.frame.height > i else None

    # ---- parts of it -------------------------------------------------------------------------------
    def _indices(self) -> pl.DataFrame:
        idx = self.whole.with_row_index("__row")
        return idx[list(self.rows)] if self.rows is not None else idx

    def where(self, predicate: pl.Expr) -> "Result":
        return replace(self, rows=tuple(self._indices().filter(predicate)["__row"].to_list()))

    def sort(self, *by, **kwargs) -> "Result":
        return replace(self, rows=tuple(self._indices().sort(*by, **kwargs)["__row"].to_list()))

    def head(self, n: int) -> "Result":
        return replace(self, rows=tuple(self._indices().head(n)["__row"].to_list()))


@dataclass
class View:
    """A view of one area for a filter set. Subclasses declare results as cached properties."""

    source: Source
    filters: Filters
    threshold: int | None = None
    comparison: Filters | None = field(default=None)

    def __post_init__(self):
        if self.comparison is None:
            self.comparison = self.filters.previous()

    def result(self, name: str, filters: Filters | None = None, **extra) -> Result:
        return self.source.result(name, self.filters if filters is None else filters, threshold=self.threshold,
                                  **extra)

    def derived(self, name: str, frame: pl.DataFrame) -> Result:
        return Result.of(name, frame, threshold=self.threshold)

    @cached_property
    def before(self) -> "View":
        """The same view over the comparison period."""
        return type(self)(self.source, self.comparison, self.threshold, self.comparison.previous())

    @cached_property
    def data_bounds(self) -> dict:
        return self.source.frame("filters/data_bounds").row(0, named=True)


def describe(filters: Filters) -> str:
    """The filters in words, as every file that leaves carries them: the period, then each filter set with
    the French names of its values (commune names, care-level labels), or "sans autre filtre"."""
    communes = dict(zip(*reference.communes().select("nis", "name_fr").to_dict(as_series=False).values()))
    names = {
        "networks": labels.NETWORKS,
        "communes": communes,
        "care_levels": _labels("ref_care_levels", "code"),
        "formats": _labels("ref_formats", "format"),
        "settings": _labels("ref_settings", "setting"),
    }
    parts = [labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to))]
    for name in ("networks", "arrondissements", "communes", "care_levels", "formats", "settings"):
        values = [names.get(name, {}).get(v, v) for v in getattr(filters, name)]
        if values:
            parts.append(f"{labels.FILTERS[name]} : {', '.join(values)}")
    if len(parts) == 1:
        parts.append(labels.FILTERS["none"])
    return " · ".join(parts)


def _labels(table: str, code: str) -> dict[str, str]:
    frame = reference.frame(table)
    return dict(zip(frame[code].to_list(), frame["label_fr"].to_list()))
