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
AUTO = "auto"  # a view's comparison period worked out from its filters (Filters.comparison)
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


def _qualified(column: str) -> str:
    return f"{column}__in_variant"


def _stack(decl: Declaration, frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The variants one under the other: each row keyed by its dimensions and variant, a single network's
    row pointing to its "all" row, and the declaration's own parent links kept inside their variant."""
    dims = [c.name for c in decl.columns if c.role == "dimension"]
    links = [(c.name, c.groups) for c in decl.columns if c.role == "parent"]
    parts = []
    for variant, frame in frames.items():
        inside = [pl.concat_str([pl.col(col).cast(pl.String), pl.lit(variant)], separator="|").alias(_qualified(col))
                  for col in {c for link in links for c in link}]
        parts.append(decl.with_rests(frame).with_columns(
            pl.lit(variant).alias(VARIANT), _keys(frame, dims, variant).alias(KEY),
            (pl.lit(None, dtype=pl.String) if variant == ALL else _keys(frame, dims, ALL)).alias(PARENT),
            *inside))
    return pl.concat(parts, how="diagonal_relaxed")


@dataclass(frozen=True)
class Family:
    """A result published together with its other-network variants: an outsider holds every network filter
    value and "all" for the same period, so the variants are one table — stacked, each row of a single
    network the child of its "all" row — and one rule hides a network's cell whenever "all" minus the other
    network would give it back. A result split by network needs only its "all" variant (its rows are the
    networks' rows)."""

    decl: Declaration
    stack: pl.DataFrame
    published: Published
    by_network: bool

    def rows(self, variant: str) -> list[int]:
        return [i for i, v in enumerate(self.stack[VARIANT].to_list()) if v == variant]

    def locate(self, frame: pl.DataFrame, variant: str) -> list[int] | None:
        """The stack rows of a frame of that variant, by their dimensions (None if they cannot be found)."""
        dims = [c.name for c in self.decl.columns if c.role == "dimension"]
        index = {k: i for i, k in enumerate(self.stack[KEY].to_list())}
        wanted = frame.select(_keys(frame, dims, variant).alias(KEY))[KEY].to_list()
        return None if any(k not in index for k in wanted) else [index[k] for k in wanted]

    def cell(self, variant: str, column: str) -> tuple[int, int]:
        """(exact value, status: 0 published, 1 `< 5`, 2 `masqué`) of a one-row result's cell."""
        rows = self.rows(variant)
        if not rows:
            return 0, 0
        value = self.stack[column][rows[0]]
        mark = self.published.mark(column, rows[0])
        status = 0 if mark is None else (1 if privacy.is_small(value) and mark != privacy.SECONDARY else 2)
        return int(value or 0), status

    def view(self, rows: list[int]) -> Published:
        rests = [declarations.REST.format(s.name) for s in self.decl.shares]
        inside = [c for c in self.stack.columns if c.endswith("__in_variant")]
        return self.published.take(rows).without([*rests, *inside, VARIANT, KEY, PARENT])


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
    # Another result of the same view by its name (for the margins a declaration shares with it).
    sibling_result: Callable[[str], "Result"] | None = None

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

    def rests_on_few(self, names: tuple[str, ...] | list[str] | None = None) -> bool:
        """Whether a figure of the rows shown (among `names`, all columns by default) rests on fewer people
        or sessions than the threshold: a count from 1 to threshold−1, or a rate, share or amount read from
        one. Those are the cells every published table hides first; read from the exact frame, so the
        coordinator's screen does not publish the result (and its other-network variants) to say it."""
        spec = self.decl.spec()
        wanted = set(self.decl.names if names is None else names)
        counts = {c for c in spec.counts if c in wanted}
        counts |= {c for rate, sources in spec.rates.items() if rate in wanted for c in sources}
        frame = self.decl.with_rests(self.frame)  # a share's rest (20 − 17 = 3) is a count of its own
        return any(privacy.is_small(v, self.threshold) for c in counts if c in frame.columns for v in frame[c].to_list())

    # ---- the published figures ---------------------------------------------------------------------
    def published(self) -> Published:
        """The rows shown as they may leave the coordinator's screen."""
        return self._published_whole().take(self.rows)

    def _published_whole(self) -> Published:
        family = self.published_family
        if family is not None:
            located = family.locate(self.whole, ALL if family.by_network else variant_of(self.networks))
            if located is not None:
                return family.view(located)
        return publish(self.decl, self.whole, self.threshold)

    @cached_property
    def published_family(self) -> Family | None:
        """This result and its other-network variants published as one table, the margins it shares with
        other results of its view (`[margins]` in its declaration) anchored to how they were published."""
        if self.family is None or not any(c.counted for c in self.decl.columns) or self.whole.is_empty():
            return None
        requested = variant_of(self.networks)
        by_network = any(c.name == "network" and c.role == "dimension" for c in self.decl.columns)
        variants = (ALL,) if by_network else (ALL, *NETWORKS)
        frames = {v: self.whole if v == requested else self.family(() if v == ALL else (v,)) for v in variants}
        if by_network and requested != ALL:
            frames[ALL] = self.family(())
        stack = _stack(self.decl, frames)
        if stack[KEY].n_unique() != stack.height:
            return None
        base = self.decl.spec()
        spec = privacy.Spec(dimensions=(*base.dimensions, VARIANT), counts=base.counts, rates=base.rates,
                            totals=base.totals, groupings=base.groupings, infer_totals=False,
                            parents=(*((_qualified(p), _qualified(k)) for p, k in base.parents), (PARENT, KEY)),
                            fixed=(*base.fixed, VARIANT),
                            unpublished_margins=base.unpublished_margins)
        anchors = self._anchors(stack, variants, by_network)
        return Family(self.decl, stack, privacy.suppress(stack, spec, self.threshold, anchors), by_network)

    def _anchors(self, stack: pl.DataFrame, variants, by_network: bool) -> tuple[privacy.Anchor, ...]:
        out = []
        if not self.decl.margins or self.sibling_result is None:
            return ()
        for column, (name, anchor_column) in self.decl.margins.items():
            anchor = self.sibling_result(name).published_family
            if anchor is None:
                continue
            groups = [(v, [i for i, x in enumerate(stack[VARIANT].to_list()) if x == v], v) for v in variants]
            if by_network:
                networks = stack["network"].to_list()
                groups += [(n, [i for i, x in enumerate(networks) if x == n], n) for n in NETWORKS]
            for _, rows, variant in groups:
                if rows:
                    value, status = anchor.cell(variant, anchor_column)
                    out.append(privacy.Anchor(tuple((r, column) for r in rows), value, status))
        return tuple(out)

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
        if not isinstance(found, Result):
            return found
        found = replace(found, sibling_result=self.result_named)
        if not self.family_root:
            return found
        return replace(found, family=lambda networks: getattr(self.sibling(networks), name).whole,
                       networks=self.filters.networks)
    get.is_result = True
    return cached_property(get)


@dataclass
class View:
    """A view of one area for a filter set. Subclasses declare results with `@result`."""

    source: Source
    filters: Filters
    threshold: int | None = None
    # The comparison period (Filters.comparison: previous year, quarter, month or range, or the same period
    # a year before); None when it would reach before the programme's start.
    comparison: Filters | None | str = AUTO
    family_root: bool = True  # False for the sibling views that compute other-network variants

    def __post_init__(self):
        if self.comparison == AUTO:
            self.comparison = self.filters.comparison()

    @classmethod
    def result_attributes(cls) -> list[str]:
        """The names of the view's `@result` properties, its own first, then its bases'."""
        names: list[str] = []
        for klass in cls.__mro__:
            for attr, member in vars(klass).items():
                if isinstance(member, cached_property) and getattr(member.func, "is_result", False) \
                        and attr not in names:
                    names.append(attr)
        return names

    def result_named(self, name: str) -> Result:
        """The view's result of that declaration (its `@result` properties are computed in order until
        found: they are cached, and a page computes most of them anyway)."""
        for attr in self.result_attributes():
            found = getattr(self, attr)
            if isinstance(found, Result) and found.name == name:
                return found
        raise KeyError(f"{type(self).__name__} has no result {name!r}")

    def sibling(self, networks: tuple[str, ...]) -> "View":
        """The same view under another network filter (cached), for publishing a result's variants."""
        key = tuple(sorted(networks))
        cache = self.__dict__.setdefault("_siblings", {})
        if key not in cache:  # replace(): a subclass's own fields (a year shown) carry over
            comparison = replace(self.comparison, networks=key) if self.comparison else None
            cache[key] = replace(self, filters=replace(self.filters, networks=key), comparison=comparison,
                                 family_root=False)
        return cache[key]

    def result(self, name: str, filters: Filters | None = None, **extra) -> Result:
        return self.source.result(name, self.filters if filters is None else filters, threshold=self.threshold,
                                  **extra)

    def derived(self, name: str, frame: pl.DataFrame) -> Result:
        return Result.of(name, frame, threshold=self.threshold)

    @cached_property
    def before(self) -> "View | None":
        """The same view over the comparison period (None when there is none)."""
        if self.comparison is None:
            return None
        return replace(self, filters=self.comparison, comparison=self.comparison.comparison())

    def earlier(self, name: str) -> Result | None:
        """A result of the comparison period's view, None when there is no comparison period."""
        return getattr(self.before, name) if self.before is not None else None

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
