"""Reading an .xlsx workbook: one sheet per table, cells as the text a CSV export would hold.

openpyxl in read-only mode with the values Excel computed for formulas (data_only): a formula's value is
taken, never its text. A formula without a stored value (a file written by a program that does not
compute them) or whose value is an error (`#N/A`, `#DIV/0!`…) rejects its row, naming the cell — an
empty or error value is never taken silently. Date cells become ISO dates, whole numbers lose their
'.0'; the line of a row is its sheet row. The header is found as in CSV files (header.py): title rows
and a two-row header with merged cells are handled. Hidden sheets are flagged for the caller to skip.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field

import polars as pl

from psynam.ingest.header import find_header
from psynam.ingest.report import Issue, UnreadableInput
from psynam.ingest.tables import LINE

EXCEL_ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!")


@dataclass
class Sheet:
    title: str
    header: list[str] | None                  # None: an empty sheet
    frame: pl.DataFrame | None                # text columns c0..cN plus __line
    header_row: int = 1
    hidden: bool = False
    issues: list[Issue] = field(default_factory=list)
    rejected: int = 0


def _has_formulas(data: bytes) -> bool:
    """Whether any sheet holds a formula (then a second pass reads the formulas themselves)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            return any(re.search(rb"<(?:\w+:)?f[ >/]", z.read(n)) for n in z.namelist()
                       if n.startswith("xl/worksheets/") and n.endswith(".xml"))
    except (zipfile.BadZipFile, KeyError):
        return False


def read_workbook(display: str, data: bytes, table_for_name=lambda title: None):
    """Yield a Sheet for each sheet of the workbook."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False) \
            if _has_formulas(data) else None
    except Exception as e:  # openpyxl raises many kinds of errors for a broken file
        raise UnreadableInput(f"{display}: classeur Excel illisible ({type(e).__name__})") from e
    try:
        for sheet in book.worksheets:
            hidden = sheet.sheet_state != "visible"
            rows, numbers = [], []
            source = sheet.iter_rows(values_only=True)
            texts = formulas[sheet.title].iter_rows(values_only=True) if formulas is not None else None
            raw_rows = []
            for number, row in enumerate(source, start=1):
                written = next(texts, ()) if texts is not None else ()
                cells = [_cell_text(v) for v in row]
                if not any(c is not None and c.strip() for c in cells) and not any(
                        isinstance(w, str) and w.startswith("=") for w in written):
                    continue
                rows.append(cells)
                raw_rows.append((row, written))
                numbers.append(number)
            if not rows:
                yield Sheet(sheet.title, None, None, hidden=hidden)
                continue
            index, header = find_header(rows, table_for_name(sheet.title))
            where = f"{display}:{sheet.title}"
            issues, kept, lines = [], [], []
            for i in range(index + 1, len(rows)):
                problem = _formula_problem(raw_rows[i], header)
                if problem:
                    column, value, reason = problem
                    issues.append(Issue(where, numbers[i], column, value, reason))
                    continue
                kept.append((rows[i] + [None] * len(header))[:len(header)])
                lines.append(numbers[i])
            names = [f"c{i}" for i in range(len(header))]
            frame = pl.DataFrame(kept, schema={n: pl.String for n in names}, orient="row")
            frame = frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64))
            if index:
                issues.insert(0, Issue(where, numbers[index], "", None,
                                       f"ligne(s) au-dessus de l'en-tête (ligne {numbers[index]}) ignorées : "
                                       "titre ou notes", "warning"))
            yield Sheet(sheet.title, header, frame, numbers[index], hidden, issues, len(issues) - bool(index))
    finally:
        book.close()
        if formulas is not None:
            formulas.close()


def _formula_problem(row, header: list[str]) -> tuple[str, str | None, str] | None:
    values, written = row
    for j, value in enumerate(values):
        formula = written[j] if j < len(written) else None
        name = header[j] if j < len(header) and header[j] else f"colonne {j + 1}"
        if isinstance(value, str) and value in EXCEL_ERRORS:
            return name, value, "la formule de cette cellule donne une erreur"
        if value is None and isinstance(formula, str) and formula.startswith("="):
            return name, formula, ("formule sans valeur calculée : ouvrez le fichier dans Excel et "
                                   "enregistrez-le, ou collez les valeurs")
    return None


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
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(round(value, 10))
    return str(value)
