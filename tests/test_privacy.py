"""Small-count suppression (psynam/privacy.py): property tests over random tables, and the rule's cases.

The properties, checked by an independent exact-arithmetic solver (fractions, not the module's numpy):
no published count lies in 1..threshold−1; no hidden cell can be recomputed from the published cells
and every margin of the table (each total over any set of its dimensions that sums two rows or more,
published exactly unless it is itself a small count; a "margin" of one row is that row, published by its
own view under the same rule); a rate derived from a hidden count is hidden.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from psynam import privacy
from psynam.privacy import Spec

COUNT = st.one_of(st.integers(0, 6), st.integers(0, 60))


@st.composite
def tables(draw):
    """A random table: 1 to 3 dimensions of 1 to 4 levels, a random subset of the grid's rows, one or two
    count columns biased towards small values, a rate derived from the first count."""
    n_dims = draw(st.integers(1, 3))
    levels = [draw(st.integers(1, 4 if n_dims < 3 else 3)) for _ in range(n_dims)]
    grid = list(itertools.product(*[range(n) for n in levels]))
    rows = draw(st.lists(st.sampled_from(grid), min_size=1, max_size=len(grid), unique=True))
    n_counts = draw(st.integers(1, 2))
    data = {f"d{k}": [f"v{r[k]}" for r in rows] for k in range(n_dims)}
    for j in range(n_counts):
        data[f"c{j}"] = draw(st.lists(COUNT, min_size=len(rows), max_size=len(rows)))
    data["rate"] = [v / 7 for v in data["c0"]]
    spec = Spec(dimensions=tuple(f"d{k}" for k in range(n_dims)), counts=tuple(f"c{j}" for j in range(n_counts)),
                rates={"rate": ("c0",)})
    return pl.DataFrame(data), spec, draw(st.sampled_from([3, 5]))


def determined(unknowns: list, equations: list[tuple[dict, Fraction]]) -> set:
    """Unknowns fixed by a linear system (exact Gauss-Jordan elimination over the rationals)."""
    index = {u: i for i, u in enumerate(unknowns)}
    rows = []
    for coefs, rhs in equations:
        row = [Fraction(0)] * len(unknowns) + [Fraction(rhs)]
        for u, c in coefs.items():
            row[index[u]] += c
        rows.append(row)
    pivots, r = [], 0
    for col in range(len(unknowns)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][col] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [x / rows[r][col] for x in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][col] != 0:
                factor = rows[i][col]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r])]
        pivots.append(col)
        r += 1
    fixed = set()
    for i, col in enumerate(pivots):
        if all(rows[i][k] == 0 for k in range(len(unknowns)) if k != col):
            fixed.add(unknowns[col])
    return fixed


def outsider_equations(frame: pl.DataFrame, spec: Spec, published: privacy.Published, threshold: int):
    """What an outsider knows: published cells, and every margin that is not itself a small count."""
    dims = list(spec.dimensions)
    hidden = [(c, i) for c in spec.counts for i in range(frame.height) if published.hidden(c, i)]
    equations = []
    for c in spec.counts:
        for size in range(1, len(dims) + 1):
            for summed in itertools.combinations(dims, size):
                kept = [d for d in dims if d not in summed]
                groups: dict[tuple, list[int]] = {}
                for i, row in enumerate(frame.iter_rows(named=True)):
                    groups.setdefault(tuple(row[d] for d in kept), []).append(i)
                for members in groups.values():
                    if len(members) == 1:
                        continue  # the row itself: published by its own view, under the same rule
                    total = sum(frame[c][i] for i in members)
                    if 0 < total < threshold:
                        continue  # shown as `< 5` wherever it is published
                    known = sum(frame[c][i] for i in members if not published.hidden(c, i))
                    coefs = {(c, i): 1 for i in members if published.hidden(c, i)}
                    if coefs:
                        equations.append((coefs, total - known))
    return hidden, equations


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_published_cell_is_a_small_count(case):
    frame, spec, threshold = case
    published = privacy.suppress(frame, spec, threshold)
    assert privacy.is_safe(published, spec, threshold)
    if published.refused:
        # exposed means hidden: the part of a table whose small counts the margins would still give back
        # is not published (zeros included, so no mark says which cells are small)
        assert published.exposed
        for c, i in published.exposed:
            assert published.cell(c, i) == privacy.SECONDARY
        for c in spec.counts:
            for i, value in enumerate(frame[c]):
                assert not published.hidden(c, i) or published.cell(c, i) in (privacy.SECONDARY, f"< {threshold}")
                if not published.hidden(c, i):
                    assert published.cell(c, i) == value and not 0 < value < threshold
        return
    for c in spec.counts:
        for i, value in enumerate(frame[c]):
            if 0 < value < threshold:
                assert published.cell(c, i) == f"< {threshold}"
            elif not published.hidden(c, i):
                assert published.cell(c, i) == value  # what is published is exact
            else:
                assert published.cell(c, i) == privacy.SECONDARY and value >= threshold


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_no_hidden_cell_can_be_recomputed_beyond_what_the_margins_alone_give(case):
    """Whatever the published margins give on their own (e.g. a total of 4 over two cells and a total of
    3 over one of them: the other is 1, whatever the table shows) is flagged, not fixable in the table;
    the table must add nothing to it."""
    frame, spec, threshold = case
    published = privacy.suppress(frame, spec, threshold)
    hidden, equations = outsider_equations(frame, spec, published, threshold)
    everything = privacy.Published(frame, {c: ["x" if v else None for v in frame[c]] for c in spec.counts})
    all_cells, margins_only = outsider_equations(frame, spec, everything, threshold)
    by_margins = determined(all_cells, margins_only)
    # a zero is no small count: a refused table hides its zeros too, and zero margins may give them back
    assert {(c, i) for c, i in determined(hidden, equations) if frame[c][i]} <= by_margins
    small_by_margins = {(c, i) for c, i in by_margins if 0 < frame[c][i] < threshold}
    assert small_by_margins <= set(published.exposed)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_rates_of_hidden_counts_are_hidden(case):
    frame, spec, threshold = case
    published = privacy.suppress(frame, spec, threshold)
    for i in range(frame.height):
        assert published.hidden("rate", i) == published.hidden("c0", i)
        if published.hidden("rate", i):
            assert published.frame["rate"][i] is None


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 30), st.integers(0, 6)), min_size=1, max_size=8), st.sampled_from([3, 5]))
def test_a_total_column_does_not_give_a_part_back(parts, threshold):
    """sessions = individual + group in each row: hiding `group` alone would let sessions − individual
    give it back, whether or not the relation is declared."""
    frame = pl.DataFrame({"month": [f"m{i}" for i in range(len(parts))],
                          "individual": [p[0] for p in parts], "group": [p[1] for p in parts],
                          "sessions": [p[0] + p[1] for p in parts]})
    for spec in (Spec(("month",), ("sessions", "individual", "group")),
                 Spec(("month",), ("sessions", "individual", "group"), totals={"sessions": ("individual", "group")})):
        published = privacy.suppress(frame, spec, threshold)
        assert privacy.is_safe(published, spec, threshold)
        everything = privacy.Published(frame, {c: ["x" if v else None for v in frame[c]] for c in spec.counts})
        known = {}
        for name, view in (("table", published), ("margins", everything)):
            hidden, equations = outsider_equations(frame, spec, view, threshold)
            equations += row_equations(frame, set(hidden))
            known[name] = {(c, i) for c, i in determined(hidden, equations) if 0 < frame[c][i] < threshold}
        assert known["table"] <= known["margins"] <= set(published.exposed)


def row_equations(frame: pl.DataFrame, hidden: set) -> list:
    """sessions − individual − group = 0 in each row, with the published cells moved to the right."""
    out = []
    for i in range(frame.height):
        terms = {("sessions", i): 1, ("individual", i): -1, ("group", i): -1}
        coefs = {k: v for k, v in terms.items() if k in hidden}
        if coefs:
            out.append((coefs, -sum(v * frame[k[0]][i] for k, v in terms.items() if k not in hidden)))
    return out


def test_a_line_with_one_small_count_hides_the_smallest_other():
    frame = pl.DataFrame({"commune": ["a", "b", "c", "d"], "patients": [120, 3, 40, 0]})
    published = privacy.suppress(frame, Spec(("commune",), ("patients",)))
    assert [published.cell("patients", i) for i in range(4)] == [120, "< 5", "masqué", 0]


def test_two_small_counts_pinned_by_their_bounds_get_a_complement():
    """1 + 1 with a published total of 52: both `< 5` cells sum to 2, so each is 1 — hide a third."""
    frame = pl.DataFrame({"commune": ["a", "b", "c"], "patients": [1, 1, 50]})
    published = privacy.suppress(frame, Spec(("commune",), ("patients",)))
    assert [published.cell("patients", i) for i in range(3)] == ["< 5", "< 5", "masqué"]


def test_complement_avoids_a_cell_of_exactly_the_threshold():
    """1 beside a masked 5 with a total of 6 would give 1 and 5 back by the bounds alone."""
    frame = pl.DataFrame({"commune": ["a", "b", "c"], "patients": [1, 5, 30]})
    published = privacy.suppress(frame, Spec(("commune",), ("patients",)))
    assert [published.cell("patients", i) for i in range(3)] == ["< 5", 5, "masqué"]


def test_grouping_totals_are_protected_too():
    """Commune table whose arrondissement totals are published elsewhere: the complement of a small
    count is taken in the same arrondissement."""
    frame = pl.DataFrame({"nis": ["1", "2", "3", "4"], "arrondissement": ["N", "N", "D", "D"],
                          "patients": [3, 40, 20, 9]})
    published = privacy.suppress(frame, Spec(("nis",), ("patients",), groupings={"arrondissement": "nis"}))
    assert [published.cell("patients", i) for i in range(4)] == ["< 5", "masqué", 20, "masqué"] or \
        published.hidden("patients", 1)


def test_threshold_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv(privacy.ENV_THRESHOLD, "10")
    assert privacy.configured_threshold() == 10
    monkeypatch.setenv(privacy.ENV_THRESHOLD, "1")
    with pytest.raises(ValueError):
        privacy.configured_threshold()
    monkeypatch.setenv(privacy.ENV_THRESHOLD, "cinq")
    with pytest.raises(ValueError):
        privacy.configured_threshold()
    monkeypatch.delenv(privacy.ENV_THRESHOLD)
    assert privacy.configured_threshold() == 5


def test_threshold_changes_the_mark():
    frame = pl.DataFrame({"commune": ["a", "b", "c"], "patients": [7, 30, 40]})
    published = privacy.suppress(frame, Spec(("commune",), ("patients",)), threshold=10)
    assert published.cell("patients", 0) == "< 10"


def test_a_change_between_two_counts_is_hidden_when_either_is_small():
    assert privacy.change_hidden(3, 100) and privacy.change_hidden(100, 2)
    assert not privacy.change_hidden(100, 0) and not privacy.change_hidden(5, 6)
