"""Small-count suppression (docs/indicators.md, Privacy), one rule for every view and export.

Counts of people or sessions from 1 to threshold−1 are published as `< 5`; where a line of a table (a
row or column along one dimension) then holds exactly one hidden cell, a second, complementary cell is
hidden (`masqué`) so that the line's total, published elsewhere, cannot give the first back; a rate or
percentage derived from a hidden count is hidden too. The coordinator's own screen may show exact
figures; everything that leaves it goes through `suppress()`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

DEFAULT_THRESHOLD = 5
SECONDARY = "masqué"


def primary_mark(threshold: int = DEFAULT_THRESHOLD) -> str:
    return f"< {threshold}"


@dataclass(frozen=True)
class Spec:
    """What a table holds: its dimension columns, the counts of people/sessions, and the rates derived
    from those counts (rate column -> the count columns it is computed from)."""

    dimensions: tuple[str, ...] = ()
    counts: tuple[str, ...] = ()
    rates: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _hidden_masks(frame: pl.DataFrame, spec: Spec, threshold: int) -> dict[str, list[int]]:
    """For each count column, 0 = published, 1 = primary (< threshold), 2 = complementary."""
    masks: dict[str, list[int]] = {}
    dims = [d for d in spec.dimensions if d in frame.columns]
    for col in spec.counts:
        values = [v if v is not None else 0 for v in frame[col].to_list()]
        mask = [1 if 0 < v < threshold else 0 for v in values]
        # Lines: along each dimension, the cells that share every other dimension's value.
        lines: list[list[int]] = []
        if not dims:
            lines.append(list(range(frame.height)))
        for d in dims:
            others = [o for o in dims if o != d]
            keyed = frame.with_row_index("_i").with_columns(pl.lit(0).alias("_k"))
            group_cols = others or ["_k"]
            for _, part in keyed.group_by(group_cols, maintain_order=True):
                lines.append(part["_i"].to_list())
        changed = True
        while changed:
            changed = False
            for line in lines:
                if len(line) < 2:
                    continue
                hidden = [i for i in line if mask[i]]
                if len(hidden) != 1:
                    continue
                candidates = [i for i in line if not mask[i] and values[i] > 0]
                if not candidates:
                    continue  # every other cell is zero or hidden: nothing left that could give it away
                smallest = min(candidates, key=lambda i: (values[i], i))
                mask[smallest] = 2
                changed = True
        masks[col] = mask
    return masks


@dataclass(frozen=True)
class Published:
    """A table fit to leave the coordinator's screen: `frame` keeps the dtypes, with every hidden cell set
    to null; `marks[col][i]` is the text shown instead (`< 5`, `masqué`) or None for a published cell."""

    frame: pl.DataFrame
    marks: dict[str, list[str | None]]

    def cell(self, col: str, i: int):
        mark = self.marks.get(col)
        return mark[i] if mark and mark[i] is not None else self.frame[col][i]

    def rows(self) -> list[dict]:
        return [{c: self.cell(c, i) for c in self.frame.columns} for i in range(self.frame.height)]


def suppress(frame: pl.DataFrame, spec: Spec, threshold: int = DEFAULT_THRESHOLD) -> Published:
    """Apply the rule: primary cells, complementary cells, and rates derived from either."""
    if frame.is_empty() or not spec.counts:
        return Published(frame, {})
    masks = _hidden_masks(frame, spec, threshold)
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
    return Published(nulled, marks)


def is_safe(published: Published, spec: Spec, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """True when no published count cell holds a value in 1..threshold−1."""
    for col in spec.counts:
        if col not in published.frame.columns:
            continue
        for i in range(published.frame.height):
            v = published.cell(col, i)
            if isinstance(v, (int, float)) and 0 < v < threshold:
                return False
    return True
