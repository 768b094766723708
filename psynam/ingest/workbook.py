"""Reading an .xlsx workbook: one sheet per table, cells as the text a CSV export would hold.

openpyxl in read-only mode with cached formula values (data_only); date cells become ISO dates,
whole numbers lose their '.0'; the line of a row is its sheet row.
"""

from __future__ import annotations

import datetime as dt
import io

import polars as pl

from psynam.ingest.report import UnreadableInput
from psynam.ingest.tables import LINE


def read_workbook(display: str, data: bytes):
    """Yield (sheet title, header, frame of text columns c0..cN plus __line) for each non-empty sheet;
    an empty sheet gives a header of None."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds of errors for a broken file
        raise UnreadableInput(f"{display}: classeur Excel illisible ({e})") from e
    try:
        for sheet in book.worksheets:
            header, rows, lines = None, [], []
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [_cell_text(v) for v in row]
                if not any(c is not None and c.strip() for c in cells):
                    continue
                if header is None:
                    header = [c or "" for c in cells]
                    continue
                rows.append((cells + [None] * len(header))[:len(header)])
                lines.append(number)
            if header is None:
                yield sheet.title, None, None
                continue
            names = [f"c{i}" for i in range(len(header))]
            frame = pl.DataFrame(rows, schema={n: pl.String for n in names}, orient="row")
            yield sheet.title, header, frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64))
    finally:
        book.close()


def _cell_text(value) -> str | None:
    """A cell as the text a CSV export would hold: dates ISO, whole numbers without '.0'."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 10))
    return str(value)
