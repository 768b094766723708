"""The attack test: an outsider holds every public output for one period — every page's results and every
figure they print, for each network filter value and "all" — and tries to recover each hidden cell by
linear algebra on what is published: the totals a table declares, its rows that sum other rows, shares
beside their whole, "all" = RSN + RSK, the margins a series shares with its card (sums over rows), and
money divided by public tariffs. The test is the specification: when it finds a hole, widen the rule,
never the test.

Runs on the committed sample for random small filter sets (a day, a week, a month, a quarter); more
examples on demand with PSYNAM_ATTACK_EXAMPLES=200.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from psynam import db, privacy, views
from psynam.filters import Filters
from psynam.views.catalogue import PAGE_VIEWS

EXAMPLES = int(os.environ.get("PSYNAM_ATTACK_EXAMPLES", "12"))
VARIANTS = ((), ("RSN",), ("RSK",))


@dataclass
class Cell:
    key: tuple            # (variant, result, row key, column)
    value: float          # the exact value
    mark: str | None      # how it was published (None: published)


def gather(source, filters: Filters):
    """Every public result of every page view for each network variant, keyed (variant, view, result name):
    a result shown in parts (a selection, a top) is one result — its parts are its rows."""
    out = {}
    for networks in VARIANTS:
        f = replace(filters, networks=networks)
        for view_class in PAGE_VIEWS:
            view = view_class(source, f)
            for attr in view_class.result_attributes():
                result = getattr(view, attr)
                if isinstance(result, views.Result):
                    key = (views.variant_of(networks), view_class.__name__, result.name)
                    if key not in out or (result.rows is None and out[key].rows is not None):
                        out[key] = result
    return out


def row_key(result: views.Result, i: int) -> tuple:
    """Row i of the rows a result shows, by its dimensions."""
    dims = [c.name for c in result.decl.columns if c.role == "dimension"]
    return tuple(str(result.frame[d][i]) for d in dims)


class System:
    """Unknowns (hidden cells) and linear equations over them, published cells substituted."""

    def __init__(self):
        self.cells: dict[tuple, Cell] = {}
        self.equations: list[tuple[dict[tuple, float], float]] = []

    def add(self, cell: Cell) -> None:
        self.cells[cell.key] = cell

    def equation(self, terms: dict[tuple, float], rhs: float = 0.0) -> None:
        """sum(coef * cell) = rhs over cells that must all be known to the system."""
        if any(k not in self.cells for k in terms):
            return
        coefs: dict[tuple, float] = {}
        for k, c in terms.items():
            cell = self.cells[k]
            if cell.mark is None:
                rhs -= c * cell.value
            else:
                coefs[k] = coefs.get(k, 0.0) + c
        if coefs:
            self.equations.append((coefs, rhs))

    def recovered(self) -> list[tuple[tuple, float, float]]:
        """Hidden cells the equations fix to their true value: (key, recovered, true)."""
        unknowns = sorted({k for coefs, _ in self.equations for k in coefs})
        if not unknowns:
            return []
        index = {k: i for i, k in enumerate(unknowns)}
        a = np.zeros((len(self.equations), len(unknowns)))
        b = np.zeros(len(self.equations))
        for r, (coefs, rhs) in enumerate(self.equations):
            for k, c in coefs.items():
                a[r, index[k]] += c
            b[r] = rhs
        solution, *_ = np.linalg.lstsq(a, b, rcond=None)
        _, sv, vt = np.linalg.svd(a, full_matrices=True)
        rank = int((sv > 1e-9 * max(1.0, sv.max(initial=0))).sum())
        null = vt[rank:].T  # free directions of the hidden cells
        found = []
        for k, i in index.items():
            free = null.shape[1] and np.abs(null[i]).max() > 1e-7
            true = self.cells[k].value
            if not free and abs(solution[i] - true) < 0.01 and true != 0:
                found.append((k, float(solution[i]), true))
        return found


def build_system(results) -> System:
    system = System()
    for (variant, view, attr), result in results.items():
        published = result.published()
        for col in result.decl.columns:
            if not (col.counted or col.role in ("rate", "share", "amount")):
                continue
            for i in range(result.frame.height):  # a column no file shows (`export = false`) is unknown
                mark = published.mark(col.name, i) if col.exported else "non publié"
                system.add(Cell((variant, view, attr, row_key(result, i), col.name),
                                float(result.frame[col.name][i] or 0), mark))
    for (variant, view, attr), result in results.items():
        decl = result.decl
        keys = [row_key(result, i) for i in range(result.frame.height)]
        cell = lambda k, c: (variant, view, attr, k, c)  # noqa: E731
        for col in decl.columns:
            for k in keys:
                if col.role == "total":   # a declared total: total = sum of its parts
                    system.equation({cell(k, col.name): 1.0, **{cell(k, p): -1.0 for p in col.of}})
                if col.role == "share":   # a published share beside its whole gives the part
                    part, whole = col.of
                    share = system.cells.get(cell(k, col.name))
                    if share is not None and share.mark is None:
                        system.equation({cell(k, part): 1.0, cell(k, whole): -share.value / 100.0})
        parents = [c for c in decl.columns if c.role == "parent"]
        for p in parents:   # rows that sum other rows
            by_key = {str(result.frame[p.groups][i]): keys[i] for i in range(result.frame.height)}
            children: dict[tuple, list] = {}
            for i in range(result.frame.height):
                top = result.frame[p.name][i]
                if top is not None and str(top) in by_key:
                    children.setdefault(by_key[str(top)], []).append(keys[i])
            for top, rows in children.items():
                for col in decl.columns:
                    if col.counted:
                        system.equation({cell(top, col.name): 1.0, **{cell(r, col.name): -1.0 for r in rows}})
        for column, (name, anchor_column) in decl.margins.items():  # a series adds up to its card
            if result.rows is not None:
                continue  # a part of the result: its rows do not add up to the card
            for (v2, view2, name2), other in results.items():
                if v2 == variant and view2 == view and name2 == name:
                    system.equation({cell(k, column): 1.0 for k in keys}
                                    | {(v2, view2, name2, (), anchor_column): -1.0})
    # "all" = RSN + RSK for every count of every row (people seen by both networks make it approximate:
    # a value recovered wrongly is no recovery, see System.recovered)
    for (variant, view, attr), result in results.items():
        if variant != views.ALL:
            continue
        by_network = any(c.name == "network" and c.role == "dimension" for c in result.decl.columns)
        for i in range(result.frame.height):
            k = row_key(result, i)
            for col in result.decl.columns:
                if not col.counted:
                    continue
                if by_network:  # the row of one network is the same figure in that network's view
                    network = str(result.frame["network"][i])
                    system.equation({(views.ALL, view, attr, k, col.name): 1.0,
                                     (network, view, attr, k, col.name): -1.0})
                else:
                    system.equation({(views.ALL, view, attr, k, col.name): 1.0,
                                     **{(n, view, attr, k, col.name): -1.0 for n in views.NETWORKS}})
    return system


def structural_leaks(results) -> list[str]:
    """A rate, a share or an amount published beside a hidden count it is made of gives the count back."""
    out = []
    for (variant, view, attr), result in results.items():
        published = result.published()
        for col in result.decl.columns:
            if col.role in ("rate", "amount", "value", "share") and col.of:
                for i in range(published.frame.height):
                    if published.mark(col.name, i) is None and any(published.mark(s, i) for s in col.of
                                                                   if s in published.frame.columns):
                        out.append(f"{variant}/{result.name}[{i}].{col.name}")
    return out


def money_leaks(results) -> list[str]:
    """Euros ÷ a public tariff (83 € a session, 60 € a yearly fee) give a count back: a published amount
    whose acts (the counts it names in `of`) are few is a small count published."""
    out = []
    for (variant, view, attr), result in results.items():
        published = result.published()
        for col in result.decl.columns:
            if col.role != "amount":
                continue
            assert col.of, f"{result.name}.{col.name}: an amount names the counts it pays"
            for i in range(published.frame.height):
                if published.mark(col.name, i) is None and published.frame[col.name][i] not in (None, 0) and \
                        any(privacy.is_small(result.frame[c][i]) for c in col.of):
                    out.append(f"{variant}/{result.name}[{i}].{col.name} = {published.frame[col.name][i]}")
    return out


@st.composite
def small_filters(draw):
    start = draw(st.dates(date(2021, 9, 1), date(2026, 10, 1)))
    length = draw(st.sampled_from([1, 2, 7, 31, 92]))
    return Filters(start, min(start + timedelta(days=length - 1), date(2026, 10, 31)))


@pytest.fixture(scope="module")
def sample_source(tmp_path_factory):
    from psynam.build import build
    con = db.connect(build(tmp_path_factory.mktemp("attack") / "sample.duckdb"), read_only=True)
    yield views.Source(partial(db.run, con))
    con.close()


TRIED = {"filter_sets": 0, "hidden": 0}


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
@given(filters=small_filters())
def test_no_hidden_cell_is_recovered_from_the_public_outputs(sample_source, filters):
    results = gather(sample_source, filters)
    system = build_system(results)
    TRIED["filter_sets"] += 1
    TRIED["hidden"] += sum(1 for c in system.cells.values() if c.mark is not None)
    leaks = structural_leaks(results)
    assert not leaks, f"{filters}: published beside a hidden count: {leaks[:10]}"
    money = money_leaks(results)
    assert not money, f"{filters}: amounts of few acts published: {money[:10]}"
    found = [(k, v, t) for k, v, t in system.recovered() if privacy.is_small(t) or system.cells[k].mark]
    assert not found, f"{filters}: recovered {len(found)} hidden cells, e.g. {found[:5]}"


def test_the_attack_finds_a_planted_hole():
    """The attacker itself: a table publishing a total beside one part gives the other part back."""
    system = System()
    system.add(Cell(("all", "v", "r", (), "sessions"), 10, None))
    system.add(Cell(("all", "v", "r", (), "individual"), 7, None))
    system.add(Cell(("all", "v", "r", (), "group"), 3, "< 5"))
    system.equation({("all", "v", "r", (), "sessions"): 1, ("all", "v", "r", (), "individual"): -1,
                     ("all", "v", "r", (), "group"): -1})
    assert [k[-1] for k, _, _ in system.recovered()] == ["group"]


def test_report_how_much_was_tried():
    print(f"attack: {TRIED['filter_sets']} filter sets, {TRIED['hidden']} hidden cells tried")
