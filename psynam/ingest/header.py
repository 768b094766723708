"""Finding the header row of a table that arrives with a title, notes or a two-row header above it.

The header is the row, among the first MAX_LEADING_ROWS, that names the most known columns of the table
(English names or French aliases). A blank header cell takes the name written above it when that name is
a known column: a header cell merged over two rows (Excel keeps its text in the top cell).
"""

from __future__ import annotations

from functools import lru_cache

from psynam.ingest.tables import TABLES, header_key, header_map

MAX_LEADING_ROWS = 30


@lru_cache(maxsize=None)
def known_keys(table: str | None) -> frozenset[str]:
    tables = [TABLES[table]] if table else list(TABLES.values())
    return frozenset(k for t in tables for k in header_map(t))


def score(cells, table: str | None) -> int:
    keys = known_keys(table)
    return sum(1 for c in cells if c and header_key(c) in keys)


def find_header(rows: list[list[str | None]], table: str | None) -> tuple[int, list[str]]:
    """(index of the header row in `rows`, the header with merged cells filled). Falls back to the first
    row that holds anything when no row names a known column (the missing columns are reported later)."""
    best, best_score = None, 0
    for i, cells in enumerate(rows[:MAX_LEADING_ROWS]):
        s = score(cells, table)
        if s > best_score:
            best, best_score = i, s
    if best is None:
        best = next((i for i, cells in enumerate(rows) if any(c and c.strip() for c in cells)), 0)
    header = [c or "" for c in rows[best]] if rows else []
    if best > 0 and best_score:
        keys = known_keys(table)
        above = rows[best - 1]
        for j, cell in enumerate(header):
            if not cell.strip() and j < len(above) and above[j] and header_key(above[j]) in keys:
                header[j] = above[j]
    return best, header
