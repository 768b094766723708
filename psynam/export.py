"""Files that leave the app: CSV and XLSX tables (French headers, Belgian formats, suppressed) and chart
images (PNG, SVG).

Every table goes through psynam.privacy first; text cells that a spreadsheet could take for a formula
(`=`, `+`, `-`, `@`, tab, carriage return) are written as text, never as formulas.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import plotly.graph_objects as go
import polars as pl
import xlsxwriter

from psynam import privacy

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    """One exported column: its name in the frame, its French header, and its kind
    (text, int, decimal, index, pct, eur, date, month); `index` is a ratio shown with two decimals."""

    name: str
    header: str
    kind: str = "text"


def safe_text(value: str) -> str:
    """Neutralise a text a spreadsheet would run as a formula (CSV injection), keeping it readable."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv_cell(value, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if kind == "date" or isinstance(value, (date, datetime)):
        return value.strftime("%m/%Y") if kind == "month" else value.strftime("%d/%m/%Y")
    if kind == "int":
        return str(int(value))
    if isinstance(value, (float, Decimal)) or kind in ("decimal", "index", "pct", "eur"):
        places = 1 if kind in ("pct", "decimal") else 2
        return f"{float(value):.{places}f}".replace(".", ",")
    return str(value)


def to_csv(published: privacy.Published, columns: list[Column]) -> bytes:
    """`;`-separated, decimal comma, dd/mm/yyyy, UTF-8 with BOM (so Excel on Windows reads the accents)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.header for c in columns])
    for i in range(published.frame.height):
        writer.writerow([_csv_cell(published.cell(c.name, i), c.kind) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


XLSX_FORMATS = {
    "int": "# ##0",
    "decimal": "# ##0.0",
    "index": "0.00",
    "pct": '0.0" %"',
    "eur": '# ##0.00" €"',
    "date": "dd/mm/yyyy",
    "month": "mm/yyyy",
}


def to_xlsx(sheets: list[tuple[str, privacy.Published, list[Column]]], notes: list[tuple[str, str]]) -> bytes:
    """A workbook with one sheet per table and a sheet of definitions and notes (label, text)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "bg_color": "#e9ecef", "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    right = book.add_format({"align": "right"})
    formats = {kind: book.add_format({"num_format": spec}) for kind, spec in XLSX_FORMATS.items()}
    used: set[str] = set()
    for title, published, columns in sheets:
        sheet = book.add_worksheet(_sheet_name(title, used))
        for j, col in enumerate(columns):
            sheet.write_string(0, j, col.header, bold)
            sheet.set_column(j, j, max(12, min(40, len(col.header) + 2)))
        for i in range(published.frame.height):
            for j, col in enumerate(columns):
                value = published.cell(col.name, i)
                if value is None:
                    continue
                if isinstance(value, str):
                    is_mark = col.name in published.marks and published.marks[col.name][i] is not None
                    sheet.write_string(i + 1, j, value, right if is_mark else None)
                elif isinstance(value, datetime | date):
                    sheet.write_datetime(i + 1, j, datetime(value.year, value.month, value.day),
                                         formats["month" if col.kind == "month" else "date"])
                elif isinstance(value, bool):
                    sheet.write_boolean(i + 1, j, value)
                else:
                    sheet.write_number(i + 1, j, float(value), formats.get(col.kind))
        sheet.freeze_panes(1, 0)
    sheet = book.add_worksheet(_sheet_name("Définitions", used))
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, 1, 110)
    for i, (label, text) in enumerate(notes):
        sheet.write_string(i, 0, label, bold)
        sheet.write_string(i, 1, text, wrap)
    book.close()
    return buffer.getvalue()


def _sheet_name(title: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\']", " ", title)[:31].strip() or "Feuille"
    base, n = name, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def image(fig: go.Figure, fmt: str, width: int = 1400, height: int = 700) -> bytes:
    """The chart as PNG or SVG (Plotly's kaleido, which drives the system's Chromium)."""
    return fig.to_image(format=fmt, width=width, height=height, scale=2 if fmt == "png" else 1)


def file_stem(name: str, date_from: date, date_to: date) -> str:
    """A meaningful, portable file name: psynam_seances-par-mois_2025-11-01_2026-10-31."""
    slug = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")
    return f"psynam_{slug}_{date_from.isoformat()}_{date_to.isoformat()}"


def frame_for_export(frame: pl.DataFrame, columns: list[Column]) -> pl.DataFrame:
    return frame.select([c.name for c in columns])
