"""Small-count suppression (docs/indicators.md, Privacy): one rule for every view and export.

The rule, as applied by `suppress()` to a table (dimension columns, count columns, derived rates):

1. Primary: a count of people or sessions from 1 to threshold−1 is published as `< 5` (threshold 5 by
   default; `PSYNAM_SMALL_COUNT_THRESHOLD` or `small_count_threshold` in .streamlit/secrets.toml).
2. What an outsider is assumed to know besides the table: every margin of it — the sum of a count over
   any set of its dimensions (the same view with those filters widened to "all": row and column totals,
   subtotals, the grand total that a KPI card publishes), per group of a declared grouping attribute
   (e.g. arrondissement totals of a commune table) — published exactly unless the margin is itself a
   small count (then only "between 1 and threshold−1" is known); a count column that is the sum of
   others in the same row (declared in `Spec.totals`, or found in the data); published cells exactly;
   that a `< 5` cell lies in 1..threshold−1 and a `masqué` cell is at least the threshold.
3. Complementary: while a hidden cell can be recomputed from that knowledge — exactly (it is fixed by the
   linear equations) or by bounds (a linear programme gives it a range narrower than one person) — one
   more cell is hidden (`masqué`): the smallest published positive count that shares an equation with it.
4. A rate or percentage derived from a hidden count is hidden too (`masqué`).

The coordinator's own screen may show exact figures; everything that leaves it goes through `suppress()`.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import tomllib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

SECONDARY = "masqué"
MAX_ROUNDS = 8  # rounds of complements; what is still exposed after them cannot be fixed in the table
ENV_THRESHOLD = "PSYNAM_SMALL_COUNT_THRESHOLD"
SECRETS_KEY = "small_count_threshold"
FALLBACK_THRESHOLD = 5
_SECRETS = Path(__file__).resolve().parent.parent / ".streamlit" / "secrets.toml"


def configured_threshold() -> int:
    """The threshold in force: $PSYNAM_SMALL_COUNT_THRESHOLD, else `small_count_threshold` (top level or
    under [privacy]) in .streamlit/secrets.toml, else 5. A threshold below 2 would suppress nothing."""
    raw = os.environ.get(ENV_THRESHOLD)
    if raw is None and _SECRETS.is_file():
        secrets = tomllib.loads(_SECRETS.read_text(encoding="utf-8"))
        raw = secrets.get(SECRETS_KEY, secrets.get("privacy", {}).get(SECRETS_KEY))
    if raw is None:
        return FALLBACK_THRESHOLD
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValueError(f"small-count threshold must be an integer, got {raw!r}") from None
    if value < 2:
        raise ValueError(f"small-count threshold must be at least 2, got {value}")
    return value


DEFAULT_THRESHOLD = configured_threshold()


def threshold_or_default(threshold: int | None) -> int:
    return DEFAULT_THRESHOLD if threshold is None else threshold


def primary_mark(threshold: int | None = None) -> str:
    return f"< {threshold_or_default(threshold)}"


def is_small(value, threshold: int | None = None) -> bool:
    """A count that must not leave the coordinator's screen as such."""
    return value is not None and 0 < value < threshold_or_default(threshold)


@dataclass(frozen=True)
class Spec:
    """What a table holds: its dimension columns, the counts of people/sessions, the rates derived from
    those counts (rate column -> the count columns it is computed from), count columns that are the sum
    of other count columns of the same row (total -> parts, or a sequence of (total, parts) pairs when a
    total has several decompositions), and grouping attributes whose totals are
    published elsewhere (attribute column -> the dimension it groups, e.g. {"arrondissement": "nis"})."""

    dimensions: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    rates: dict[str, tuple[str, ...]] = field(default_factory=dict)
    totals: dict[str, tuple[str, ...]] | tuple[tuple[str, tuple[str, ...]], ...] = field(default_factory=dict)
    groupings: dict[str, str] = field(default_factory=dict)
    # Look for count columns that add up to another in every row (undeclared totals). A declaration
    # (psynam.declarations) states its totals, and a coincidence in a one-row table is no knowledge.
    infer_totals: bool = True
    # Rows that are sums of other rows (a zone above its arrondissements, the province above its zones):
    # (parent column, key column) pairs; a row's parent column holds the key of the row that sums it.
    parents: tuple[tuple[str, str], ...] = ()
    # Dimensions never summed over: the variants of a published set (all / each network) are separate
    # tables stacked into one, not a dimension whose total anyone publishes.
    fixed: tuple[str, ...] = ()
    # Counts whose margins nobody publishes, because they follow from others' (a share's rest: its total
    # is the whole's minus the part's, exactly known only when both are).
    unpublished_margins: tuple[str, ...] = ()


# ---- the knowledge an outsider has: linear relations between cells ----------------------------------

@dataclass(frozen=True)
class Relation:
    """sum(coef * cell) = value over the given cells; `exact` when the value is published, else the
    outsider only knows it lies in 1..threshold−1 (a margin that is itself a small count)."""

    cells: tuple[int, ...]
    coefs: tuple[int, ...]
    value: int
    exact: bool


def _inferred_totals(frame: pl.DataFrame, counts: list[str]) -> dict[str, tuple[str, ...]]:
    """Count columns equal, in every row, to the sum of two or more other count columns (e.g. sessions =
    individual + group): a relation the outsider can use even when nobody declared it."""
    found: dict[str, tuple[str, ...]] = {}
    if frame.height == 0 or len(counts) < 3:
        return found
    data = {c: np.nan_to_num(frame[c].cast(pl.Float64).to_numpy()) for c in counts}
    for total in counts:
        others = [c for c in counts if c != total]
        for size in range(2, min(len(others), 4) + 1):
            for parts in itertools.combinations(others, size):
                if np.array_equal(data[total], sum(data[p] for p in parts)) and data[total].any():
                    found[total] = parts
                    break
            if total in found:
                break
    return found


def relations(frame: pl.DataFrame, spec: Spec, threshold: int) -> tuple[np.ndarray, list[Relation], list[str]]:
    """The cells of a table (row-major over its count columns), their values, and every relation."""
    counts = [c for c in spec.counts if c in frame.columns]
    dims = [d for d in spec.dimensions if d in frame.columns]
    n, k = frame.height, len(counts)
    values = np.zeros(n * k, dtype=np.int64)
    for j, col in enumerate(counts):
        values[j::k] = np.rint(np.nan_to_num(frame[col].cast(pl.Float64).to_numpy())).astype(np.int64)
    out: list[Relation] = []

    def margin(cells: list[int]) -> None:
        total = int(values[cells].sum())
        out.append(Relation(tuple(cells), (1,) * len(cells), total, not is_small(total, threshold)))

    keys = frame.select(dims + [g for g in spec.groupings if g in frame.columns]).with_row_index("_i")
    groupings = [(g, d) for g, d in spec.groupings.items() if g in frame.columns and d in dims]
    key_sets: list[list[str]] = []
    summable = [d for d in dims if d not in spec.fixed]
    for size in range(1, len(summable) + 1):
        for summed in itertools.combinations(summable, size):
            kept = [d for d in dims if d not in summed]
            key_sets.append(kept)
            key_sets.extend(kept + [g] for g, d in groupings if d in summed)
    if not summable and n > 1 and not spec.fixed:
        # A table without dimensions: its column totals are margins. A single row (a KPI row) has none: the
        # "margin" of one row is the row itself, published here or nowhere, not knowledge from elsewhere.
        key_sets.append([])
    seen: set[tuple[int, ...]] = set()
    for kept in key_sets:
        groups = ([keys["_i"].to_list()] if not kept else
                  [part["_i"].to_list() for _, part in keys.group_by(kept, maintain_order=True)])
        for rows in groups:
            if len(rows) == 1 and (kept != [] or spec.fixed):
                # A margin of one row is the row itself: the figure it stands for is published by a view of
                # its own (a KPI card, another network's table), which the same rule protects (psynam.views
                # publishes each result together with its other-network variants).
                continue
            for j in range(k):
                if counts[j] in spec.unpublished_margins:
                    continue
                cells = tuple(i * k + j for i in rows)
                if cells not in seen:
                    seen.add(cells)
                    margin(list(cells))
    pairs = spec.totals.items() if isinstance(spec.totals, dict) else spec.totals
    declared = [(t, tuple(p)) for t, p in pairs if t in counts and all(c in counts for c in p)]
    for parent_col, key_col in spec.parents:
        if parent_col not in frame.columns or key_col not in frame.columns:
            continue
        row_of = {key: i for i, key in enumerate(frame[key_col].to_list())}
        children: dict[int, list[int]] = {}
        for i, parent in enumerate(frame[parent_col].to_list()):
            if parent is not None and parent in row_of:
                children.setdefault(row_of[parent], []).append(i)
        for top, rows in children.items():
            for j in range(k):  # each count of a summing row is the sum of its children's
                # (distinct people seen in two children are counted once above: the relation holds its
                # true value, so an outsider assuming plain addition is only further from the truth)
                gap = int(values[top * k + j] - sum(values[i * k + j] for i in rows))
                out.append(Relation((top * k + j, *(i * k + j for i in rows)), (1, *(-1,) * len(rows)), gap, True))
    inferred = _inferred_totals(frame, counts).items() if spec.infer_totals else ()
    for total, parts in dict.fromkeys([*inferred, *declared]):
        jt, jp = counts.index(total), [counts.index(p) for p in parts]
        for i in range(n):
            out.append(Relation((i * k + jt, *(i * k + j for j in jp)), (1, *(-1,) * len(jp)), 0, True))
    return values, out, counts


# ---- the audit: can a hidden cell be recomputed? ---------------------------------------------------

def _components(hidden: list[int], rels: list[Relation], status: np.ndarray) -> list[tuple[list[int], list[Relation]]]:
    """Hidden cells linked by a relation, with the relations that touch them."""
    parent = {c: c for c in hidden}

    def find(c):
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    touching: list[tuple[Relation, list[int]]] = []
    for rel in rels:
        inside = [c for c in rel.cells if status[c] in (1, 2)]
        if inside:
            touching.append((rel, inside))
            for c in inside[1:]:
                parent[find(c)] = find(inside[0])
    groups: dict[int, tuple[list[int], list[Relation]]] = {}
    for c in hidden:
        groups.setdefault(find(c), ([], []))[0].append(c)
    for rel, inside in touching:
        groups[find(inside[0])][1].append(rel)
    return list(groups.values())


def _pinned_in(cells: list[int], rels: list[Relation], values: np.ndarray, status: np.ndarray,
               threshold: int, use_bounds: bool) -> tuple[list[int], list[int] | None]:
    column = {c: j for j, c in enumerate(cells)}
    eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
    for rel in rels:
        row = np.zeros(len(cells))
        published = 0
        for cell, coef in zip(rel.cells, rel.coefs):
            if cell in column:
                row[column[cell]] += coef
            else:
                published += coef * int(values[cell])
        if rel.exact:
            eq_rows.append(row)
            eq_rhs.append(rel.value - published)
        else:  # the margin is only known to lie in 1..threshold-1
            ub_rows.extend([row, -row])
            ub_rhs.extend([threshold - 1 - published, -(1 - published)])
    found: set[int] = set()
    null = np.eye(len(cells))
    if eq_rows:
        eq = np.unique(np.column_stack([np.array(eq_rows), np.array(eq_rhs)]), axis=0)
        eq_rows, eq_rhs = list(eq[:, :-1]), list(eq[:, -1])
        # The null space of the equations, from the (small, symmetric) Gram matrix: free directions.
        gram = eq[:, :-1].T @ eq[:, :-1]
        eigenvalues, vectors = np.linalg.eigh(gram)
        null = vectors[:, eigenvalues < 1e-8 * max(1.0, float(eigenvalues.max(initial=0)))]
        found = {c for j, c in enumerate(cells) if null.shape[1] == 0 or np.abs(null[j]).max() < 1e-9}
    linear = sorted(found)
    if not use_bounds:
        return linear, None
    bounds = [(1, threshold - 1) if status[c] == 1 else (threshold, None) for c in cells]
    true = np.array([float(values[c]) for c in cells])
    lower = np.array([b[0] for b in bounds], dtype=float)
    upper = np.array([np.inf if b[1] is None else b[1] for b in bounds], dtype=float)
    ub = np.array(ub_rows) if ub_rows else np.zeros((0, len(cells)))
    slack = np.array(ub_rhs) - ub @ true if ub_rows else np.zeros(0)
    certified: set[int] = set()
    for j, c in enumerate(cells):
        # Certificate first (cheap): move along the equations' free direction that changes this cell
        # most; if the true table can move it by one either way within every bound, it is not pinned.
        if c in found or status[c] != 1:
            continue
        d = null @ null[j]
        if abs(d[j]) < 1e-9:
            continue
        d = d / d[j]  # one unit of this cell per step
        for sign in (1.0, -1.0):
            step = sign * d
            with np.errstate(divide="ignore", invalid="ignore"):
                room_up = np.where(step > 1e-12, (upper - true) / step, np.inf)
                room_down = np.where(step < -1e-12, (lower - true) / step, np.inf)
                moved = ub @ step
                room_ub = np.where(moved > 1e-12, slack / moved, np.inf)
            if min(room_up.min(initial=np.inf), room_down.min(initial=np.inf),
                   room_ub.min(initial=np.inf)) >= 1 - 1e-9:
                certified.add(c)
                break
    if all(c in found or c in certified or status[c] != 1 for c in cells):
        return linear, sorted(found)
    from scipy.optimize import linprog  # only the audit's hard cases need it

    lp = {"A_eq": np.array(eq_rows) if eq_rows else None, "b_eq": np.array(eq_rhs) if eq_rows else None,
          "A_ub": np.array(ub_rows) if ub_rows else None, "b_ub": np.array(ub_rhs) if ub_rows else None,
          "bounds": bounds, "method": "highs"}
    # One programme can certify many cells: push all the uncertified small counts down, then up; any
    # that moved by one or more in a feasible table is not pinned. The rest get their own programmes.
    rng = np.random.default_rng(len(cells))
    for attempt in range(8):
        open_ = [j for j, c in enumerate(cells) if status[c] == 1 and c not in found and c not in certified]
        if not open_:
            break
        cost = np.zeros(len(cells))
        cost[open_] = (1.0, -1.0)[attempt % 2] if attempt < 2 else rng.choice((-1.0, 1.0), len(open_))
        result = linprog(cost, **lp)
        moved = [cells[j] for j in open_ if result.status == 0 and abs(result.x[j] - true[j]) >= 1 - 1e-6]
        certified.update(moved)
        if attempt >= 2 and not moved:
            break
    for j, c in enumerate(cells):
        if c in found or c in certified or status[c] != 1:
            continue  # bounds only matter for small counts: a `masqué` cell is known to be >= threshold
        cost = np.zeros(len(cells))
        cost[j] = 1.0
        low = linprog(cost, **lp)
        if low.status == 0 and low.fun <= true[j] - 1 + 1e-6:
            continue
        high = linprog(-cost, **lp)
        if high.status == 0 and -high.fun >= true[j] + 1 - 1e-6:
            continue
        found.add(c)
    return linear, sorted(found)


def recomputable(values: np.ndarray, status: np.ndarray, rels: list[Relation], threshold: int,
                 *, use_bounds: bool = True, cache: dict | None = None) -> list[int]:
    """Hidden cells (status 1 = primary, 2 = complementary) that an outsider can pin to one value from
    the published cells and relations: any hidden cell fixed by the equations, and (use_bounds) a small
    count whose range, under the equations, the small-margin intervals and what each mark says about its
    cell (`< 5`: 1..threshold−1; `masqué`: at least the threshold), is narrower than one (linear programme)."""
    hidden = [int(c) for c in np.flatnonzero((status == 1) | (status == 2))]
    cache = {} if cache is None else cache
    out: list[int] = []
    for cells, touching in _components(hidden, rels, status):
        key = (frozenset(cells), frozenset(c for c in cells if status[c] == 1))
        linear, bounded = cache.get(key, (None, None))
        if linear is None or (use_bounds and bounded is None):
            linear, bounded = _pinned_in(cells, touching, values, status, threshold, use_bounds)
            cache[key] = (linear, bounded)
        out.extend(bounded if use_bounds else linear)
    return sorted(out)


def _protect(values: np.ndarray, rels: list[Relation], threshold: int,
             forced: dict[int, int] | None = None) -> np.ndarray:
    """0 = published, 1 = primary (< threshold), 2 = complementary. `forced` cells (figures hidden
    elsewhere, psynam.privacy.Anchor) keep their status: this table must not give them back."""
    status = np.where((values > 0) & (values < threshold), 1, 0)
    for cell, forced_status in (forced or {}).items():
        status[cell] = forced_status
    if not status.any():
        return status
    members: dict[int, list[Relation]] = {}
    for rel in rels:
        for cell in rel.cells:
            members.setdefault(cell, []).append(rel)
    # A cell alone in a published margin is known whatever we do: hiding it protects nothing (status 3).
    # Zeros are always published, so a margin whose other cells are zeros pins its cell; and a cell pinned
    # by cells known that way is known too (e.g. "all" = RSN + RSK where RSN's cell is alone in its sector
    # and RSK's is zero): to a fixed point, so that no such cell is chosen as a complement that hides nothing.
    changed = True
    while changed:
        changed = False
        for rel in rels:
            unknown = [c for c in rel.cells if values[c] != 0 and status[c] != 3]
            if rel.exact and len(unknown) == 1 and not status[unknown[0]]:
                status[unknown[0]] = 3
                changed = True
    cache: dict = {}
    bound_rounds = rounds = 0
    tightest_first = sorted(rels, key=lambda r: len(r.cells))  # a complement in the narrowest relation
    while True:
        # Cheap pass first: an exact relation with a single hidden cell gives it back.
        changed = True
        while changed:
            changed = False
            for rel in tightest_first:
                if rel.exact and sum(1 for c in rel.cells if status[c] in (1, 2)) == 1:
                    changed |= _hide_one(values, status, rel.cells, threshold)
        rounds += 1
        exposed = recomputable(values, status, rels, threshold, cache=cache, use_bounds=bound_rounds < 2)
        if not exposed or rounds > MAX_ROUNDS:
            break
        linear = recomputable(values, status, rels, threshold, cache=cache, use_bounds=False)
        if not linear:
            # Pinned by bounds only (e.g. two `< 5` that a published margin of 8 makes 4 and 4): try a
            # couple of rounds of complements; a margin like that must be suppressed where it is shown.
            bound_rounds += 1
        # Hide, for each exposed cell, the smallest published count of its tightest relation (the
        # shortest line through it that still has one), once per relation and round.
        progress, used = False, set()
        for cell in exposed:
            for rel in sorted(members.get(cell, []), key=lambda r: (not r.exact, len(r.cells))):
                if id(rel) in used:
                    break
                if _hide_one(values, status, rel.cells, threshold):
                    used.add(id(rel))
                    progress = True
                    break
        if not progress:
            break  # nothing left to hide that could help (the property tests show this does not happen)
    return np.where(status == 3, 0, status)


def _hide_one(values: np.ndarray, status: np.ndarray, cells, threshold: int) -> bool:
    """Hide the smallest published positive count among `cells`, preferring one above the threshold: a
    complement of exactly the threshold next to a `< 5` of 1 would pin both by their bounds."""
    candidates = [c for c in cells if not status[c] and values[c] > 0]
    if not candidates:
        return False
    status[min(candidates, key=lambda c: (values[c] <= threshold, values[c], c))] = 2
    return True


@dataclass(frozen=True)
class Anchor:
    """A figure published by another result that is the sum of some cells of this table (a KPI card over
    a monthly series, a commune's total over its months), as it was published there: `status` 0 published
    (a known margin), 1 `< 5`, 2 `masqué` (a hidden cell this table must not give back)."""

    cells: tuple[tuple[int, str], ...]   # (row, count column)
    value: int
    status: int


@dataclass(frozen=True)
class Published:
    """A table fit to leave the coordinator's screen: `frame` keeps the dtypes, with every hidden cell set
    to null; `marks[col][i]` is the text shown instead (`< 5`, `masqué`) or None for a published cell."""

    frame: pl.DataFrame
    marks: dict[str, list[str | None]]
    exposed: tuple[tuple[str, int], ...] = ()  # small counts the margins give back whatever the table hides
    refused: bool = False  # a part of the table not published: its small counts could not be protected otherwise

    def cell(self, col: str, i: int):
        mark = self.marks.get(col)
        return mark[i] if mark and mark[i] is not None else self.frame[col][i]

    def hidden(self, col: str, i: int) -> bool:
        mark = self.marks.get(col)
        return bool(mark and mark[i] is not None)

    def rows(self) -> list[dict]:
        return [{c: self.cell(c, i) for c in self.frame.columns} for i in range(self.frame.height)]

    def mark(self, col: str, i: int) -> str | None:
        """The mark shown instead of a hidden cell (`< 5`, `masqué`), None for a published one."""
        mark = self.marks.get(col)
        return mark[i] if mark else None

    def column_marks(self, col: str) -> list[str | None]:
        return list(self.marks.get(col) or [None] * self.frame.height)

    @property
    def any_hidden(self) -> bool:
        return any(m is not None for marks in self.marks.values() for m in marks)

    def take(self, rows: list[int] | tuple[int, ...] | None) -> "Published":
        """The given rows (in that order) of a published table, keeping each cell's mark: a part of a
        table is sliced from the whole table's publication, so every output hides the same cells."""
        if rows is None:
            return self
        index = list(rows)
        exposed = tuple((c, index.index(i)) for c, i in self.exposed if i in index)
        return Published(self.frame[index] if index else self.frame.clear(),
                         {c: [m[i] for i in index] for c, m in self.marks.items()}, exposed, self.refused)

    def without(self, columns) -> "Published":
        """The table without some (virtual) columns."""
        drop = [c for c in columns if c in self.frame.columns]
        if not drop:
            return self
        return Published(self.frame.drop(drop), {c: m for c, m in self.marks.items() if c not in drop},
                         tuple(e for e in self.exposed if e[0] not in drop), self.refused)


_MEMO: OrderedDict[tuple, Published] = OrderedDict()


def _memo_key(frame: pl.DataFrame, spec: Spec, threshold: int) -> tuple:
    digest = hashlib.sha1(frame.serialize()).hexdigest()
    return (digest, repr(spec), threshold)


def _linked(cells: list[int], rels: list[Relation], size: int) -> set[int]:
    """Every cell joined to one of `cells` by a chain of relations."""
    parent = list(range(size))

    def find(c: int) -> int:
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c

    for rel in rels:
        first = find(rel.cells[0])
        for c in rel.cells[1:]:
            parent[find(c)] = first
    roots = {find(c) for c in cells}
    return {c for c in range(size) if find(c) in roots}


def _anchored(values: np.ndarray, rels: list[Relation], counts: list[str], anchors, threshold: int):
    """Add each anchor: a published one as a known margin, a hidden one as a virtual hidden cell (after the
    table's cells) tied to the cells it sums. Returns the values, relations and forced statuses."""
    k, forced = len(counts), {}
    extra = []
    # An anchor says how the sum of its cells is published: the table's own assumption about that margin
    # (known exactly) gives way to it.
    anchored = {frozenset(row * k + counts.index(col) for row, col in a.cells if col in counts) for a in anchors}
    rels = [r for r in rels if not (set(r.coefs) == {1} and frozenset(r.cells) in anchored)]
    for anchor in anchors:
        cells = tuple(row * k + counts.index(col) for row, col in anchor.cells if col in counts)
        if not cells:
            continue
        if anchor.status == 0:
            rels.append(Relation(cells, (1,) * len(cells), int(anchor.value), not is_small(anchor.value, threshold)))
        elif anchor.value:
            index = len(values) + len(extra)
            extra.append(int(anchor.value))
            forced[index] = 1 if is_small(anchor.value, threshold) else 2
            rels.append(Relation((index, *cells), (1, *(-1,) * len(cells)), 0, True))
    if extra:
        values = np.concatenate([values, np.array(extra, dtype=np.int64)])
    return values, rels, forced


def suppress(frame: pl.DataFrame, spec: Spec, threshold: int | None = None,
             anchors: tuple[Anchor, ...] = ()) -> Published:
    """Apply the rule: primary cells, complementary cells, and rates derived from either; `anchors` are
    figures of other results that sums of this table's cells equal, as those results published them."""
    threshold = threshold_or_default(threshold)
    if frame.is_empty() or not any(c in frame.columns for c in spec.counts):
        return Published(frame, {})
    key = (*_memo_key(frame, spec, threshold), repr(anchors))
    if key in _MEMO:
        _MEMO.move_to_end(key)
        return _MEMO[key]
    values, rels, counts = relations(frame, spec, threshold)
    n_cells = len(values)
    values, rels, forced = _anchored(values, rels, counts, anchors, threshold)
    status = _protect(values, rels, threshold, forced)
    k = len(counts)
    # Exposed means hidden: while a small count can still be given back, hide every published count that
    # shares a relation with it; if that is not enough, nothing of the table is published.
    def still_exposed() -> list[int]:  # a small count, or a figure hidden elsewhere, given back
        return [c for c in recomputable(values, status, rels, threshold) if status[c] == 1 or c in forced]

    exposed_cells = still_exposed()
    for _ in range(3):
        if not exposed_cells:
            break
        for rel in rels:
            if any(c in rel.cells for c in exposed_cells):
                for c in rel.cells:
                    if status[c] == 0 and values[c] >= threshold:
                        status[c] = 2
        exposed_cells = still_exposed()
    exposed = tuple((counts[c % k], c // k) for c in exposed_cells if c < n_cells)  # what could not be protected
    refused = bool(exposed_cells)
    if refused:
        # Not published: every cell linked to what is still exposed (its part of the table through the
        # relations), zeros included, so that no mark says which of them are small.
        for c in _linked(exposed_cells, rels, len(values)):
            status[c] = 2
    status = status[:n_cells]
    masks = {col: status[j::k].tolist() for j, col in enumerate(counts)}
    if refused:  # an empty cell (no such figure: patients of a group session) stays empty
        masks = {col: [0 if v is None else m for v, m in zip(frame[col].to_list(), mask)] for col, mask in masks.items()}
        refused = any(m for mask in masks.values() for m in mask)
    marks: dict[str, list[str | None]] = {}
    for col, mask in masks.items():
        if any(mask):
            marks[col] = [primary_mark(threshold) if m == 1 else SECONDARY if m == 2 else None for m in mask]
    for rate, sources in spec.rates.items():
        if rate not in frame.columns:
            continue
        hidden = [any(masks[c][i] for c in sources if c in masks) for i in range(frame.height)]
        if any(hidden):
            marks[rate] = [SECONDARY if h else None for h in hidden]
    nulled = frame.with_columns([
        pl.Series(col, [None if m is not None else v for v, m in zip(frame[col].to_list(), mark)],
                  dtype=frame.schema[col])
        for col, mark in marks.items()
    ]) if marks else frame
    published = Published(nulled, marks, exposed, refused)
    _MEMO[key] = published
    if len(_MEMO) > 512:
        _MEMO.popitem(last=False)
    return published


def is_safe(published: Published, spec: Spec, threshold: int | None = None) -> bool:
    """True when no published count cell holds a value in 1..threshold−1."""
    for col in spec.counts:
        if col not in published.frame.columns:
            continue
        for i in range(published.frame.height):
            if is_small(_numeric(published.cell(col, i)), threshold):
                return False
    return True


def _numeric(value):
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


# ---- single figures (KPI cards, report sentences, slides) --------------------------------------------

def figure(value, threshold: int | None = None) -> str | None:
    """A lone count as it may be published: None when it can be shown, else the `< 5` mark."""
    return primary_mark(threshold) if is_small(value, threshold) else None


def change_hidden(now, before, threshold: int | None = None) -> bool:
    """A change between two counts gives either back when the other is known: hide it when either is small."""
    return is_small(now, threshold) or is_small(before, threshold)


def share_hidden(part, whole, threshold: int | None = None) -> bool:
    """A share published beside its whole gives the part, and the rest (whole − part), back: hide it when
    any of the three is small (or unknown)."""
    if part is None or whole is None:
        return True
    return any(is_small(v, threshold) for v in (part, whole, whole - part))
