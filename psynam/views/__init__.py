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

Views are plain classes with lazily computed results (a page pays only for what it shows). A result
declared with `@result` is published together with its variants under the other network filters: an
outsider holds every network filter value and "all" for the same period, so they are one table to protect.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property, wraps
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


NETWORKS = tuple(sorted(labels.NETWORKS))
ALL = "all"
VARIANT, KEY, PARENT = "__variant", "__key", "__parent"


def publish(decl: Declaration, frame: pl.DataFrame, threshold: int | None = None) -> Published:
    """The one privacy rule (psynam.privacy.suppress) applied to a whole result as its declaration
    describes it; a share's rest is protected as a count of its own, then dropped."""
    rests = [declarations.REST.format(s.name) for s in decl.shares]
    return privacy.suppress(decl.with_rests(frame), decl.spec(), threshold).without(rests)


def variant_of(networks) -> str:
    """The network variant a filter names: one network, or all (no filter, or every network)."""
    chosen = tuple(sorted(networks or ()))
    return chosen[0] if len(chosen) == 1 else ALL


def _keys(frame: pl.DataFrame, dims: list[str], variant: str) -> pl.Expr:
    parts = [pl.col(d).cast(pl.String).fill_null("∅") for d in dims] + [pl.lit(variant)]
    return pl.concat_str(parts, separator="|")


def publish_family(decl: Declaration, frames: dict[str, pl.DataFrame], requested: str, rows: pl.DataFrame,
                   threshold: int | None = None) -> Published | None:
    """Publish a result together with its other-network variants: an outsider holds every network filter
    value and "all" for the same period, so the variants are one table — stacked, each row of a single
    network the child of its "all" row — and one rule hides a network's cell whenever "all" minus the other
    network would give it back. `rows` (the requested result) are located in the stack by their
    dimensions. None when the rows cannot be located (dimensions that do not identify a row)."""
    dims = [c.name for c in decl.columns if c.role == "dimension"]
    parts = []
    for variant, frame in frames.items():
        parts.append(decl.with_rests(frame).with_columns(
            pl.lit(variant).alias(VARIANT), _keys(frame, dims, variant).alias(KEY),
            (pl.lit(None, dtype=pl.String) if variant == ALL else _keys(frame, dims, ALL)).alias(PARENT)))
    stack = pl.concat(parts, how="diagonal_relaxed")
    if stack[KEY].n_unique() != stack.height:
        return None
    base = decl.spec()
    spec = privacy.Spec(dimensions=(*base.dimensions, VARIANT), counts=base.counts, rates=base.rates,
                        totals=base.totals, groupings=base.groupings, infer_totals=False,
                        parents=(*base.parents, (PARENT, KEY)), fixed=(VARIANT,))
    published = privacy.suppress(stack, spec, threshold)
    index = {k: i for i, k in enumerate(stack[KEY].to_list())}
    wanted = rows.select(_keys(rows, dims, requested).alias(KEY))[KEY].to_list()
    if any(k not in index for k in wanted):
        return None
    rests = [declarations.REST.format(s.name) for s in decl.shares]
    return published.take([index[k] for k in wanted]).without([*rests, VARIANT, KEY, PARENT])


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
    # The same result for other network filters (network tuple -> its whole frame) and the network filter
    # of this one: set by views (`@result`), so that it is published with its variants.
    family: Callable[[tuple[str, ...]], pl.DataFrame] | None = None
    networks: tuple[str, ...] = ()

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
        return self._published_whole().take(self.rows)

    def _published_whole(self) -> Published:
        if self.family is not None and any(c.counted for c in self.decl.columns) and not self.whole.is_empty():
            requested = variant_of(self.networks)
            by_network = any(c.name == "network" and c.role == "dimension" for c in self.decl.columns)
            if by_network:  # the rows of each network are in the "all" result: publish it, take ours
                frames = {ALL: self.whole if requested == ALL else self.family(())}
                requested = ALL
            else:
                frames = {ALL: self.whole if requested == ALL else self.family(())}
                for network in NETWORKS:
                    frames[network] = self.whole if requested == network else self.family((network,))
            done = publish_family(self.decl, frames, requested, self.whole, self.threshold)
            if done is not None:
                return done
        return publish(self.decl, self.whole, self.threshold)

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


def result(method):
    """Declare a view's result (a cached property): published together with the same result under the
    other network filters (psynam.views.publish_family), computed by sibling views on first publication."""
    name = method.__name__

    @wraps(method)
    def get(self):
        found = method(self)
        if not self.family_root or not isinstance(found, Result):
            return found
        return replace(found, family=lambda networks: getattr(self.sibling(networks), name).whole,
                       networks=self.filters.networks)
    return cached_property(get)


@dataclass
class View:
    """A view of one area for a filter set. Subclasses declare results with `@result`."""

    source: Source
    filters: Filters
    threshold: int | None = None
    comparison: Filters | None = field(default=None)
    family_root: bool = True  # False for the sibling views that compute other-network variants

    def __post_init__(self):
        if self.comparison is None:
            self.comparison = self.filters.previous()

    def sibling(self, networks: tuple[str, ...]) -> "View":
        """The same view under another network filter (cached), for publishing a result's variants."""
        key = tuple(sorted(networks))
        cache = self.__dict__.setdefault("_siblings", {})
        if key not in cache:
            cache[key] = type(self)(self.source, replace(self.filters, networks=key), self.threshold,
                                    replace(self.comparison, networks=key), family_root=False)
        return cache[key]

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
