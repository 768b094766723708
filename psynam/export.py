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
    """One exported column: its name in the frame, its French header, and its kind (text, int, decimal,
    index, pct, eur, date, month, year, bool); `index` is a ratio shown with two decimals. `decimals`
    overrides the kind's places, so a file holds what the screen shows; `kind_from` names a column of
    the frame holding each row's kind (a table mixing counts and percentages, such as key figures)."""

    name: str
    header: str
    kind: str = "text"
    decimals: int | None = None
    kind_from: str | None = None

    def places(self, kind: str | None = None) -> int:
        kind = kind or self.kind
        if self.decimals is not None:
            return self.decimals
        return {"int": 0, "year": 0, "pct": 1, "decimal": 1, "index": 2, "eur": 2, "change": 1,
                "points": 1}.get(kind, 2)


def safe_text(value: str) -> str:
    """Neutralise a text a spreadsheet would run as a formula (CSV injection), keeping it readable."""
    return "'" + value if value.startswith(FORMULA_START) else value


def _kind(column: Column, published: privacy.Published, i: int) -> str:
    return published.frame[column.kind_from][i] if column.kind_from else column.kind


def _csv_cell(value, column: Column, kind: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return safe_text(value)
    if isinstance(value, bool):
        return "oui" if value else "non"
    if kind in ("date", "month") or isinstance(value, (date, datetime)):
        return value.strftime("%m/%Y") if kind == "month" else value.strftime("%d/%m/%Y")
    if kind in ("int", "year"):
        return str(int(round(float(value))))
    if kind in ("change", "points"):  # a signed change: relative (%) or in points
        return f"{float(value):+.{column.places(kind)}f}".replace(".", ",")
    if isinstance(value, (float, Decimal)) or kind in ("decimal", "index", "pct", "eur"):
        return f"{float(value):.{column.places(kind)}f}".replace(".", ",")
    return str(value)


def to_csv(published: privacy.Published, columns: list[Column]) -> bytes:
    """`;`-separated, decimal comma, dd/mm/yyyy, UTF-8 with BOM (so Excel on Windows reads the accents);
    numbers rounded to the places the screen shows; hidden cells as their mark."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow([c.header for c in columns])
    for i in range(published.frame.height):
        writer.writerow([_csv_cell(published.cell(c.name, i), c, _kind(c, published, i)) for c in columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_format(kind: str, places: int) -> str | None:
    """The real Excel number format of a kind: `#,##0` is displayed `1 234` by a Belgian Excel (the file
    holds the locale-free code; a literal space in the code would show as a space, not a separator).
    Percentages are stored as fractions (0.234) under `0.0 %` (shown `23,4 %`)."""
    decimals = "." + "0" * places if places else ""
    return {
        "int": "#,##0",
        "year": "0",
        "decimal": f"#,##0{decimals}",
        "index": f"0{decimals}",
        "pct": f"0{decimals} %",
        "eur": f'#,##0{decimals} "€"',
        "change": f"+0{decimals} %;-0{decimals} %;0{decimals} %",
        "points": f'+0{decimals} "pt";-0{decimals} "pt";0{decimals} "pt"',
        "date": "dd/mm/yyyy",
        "month": "mm/yyyy",
    }.get(kind)


def to_xlsx(sheets: list[tuple[str, privacy.Published, list[Column]]], notes: list[tuple[str, str]]) -> bytes:
    """A workbook with one sheet per table and a sheet of definitions and notes (label, text)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    bold = book.add_format({"bold": True, "bg_color": "#e9ecef", "text_wrap": True, "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    right = book.add_format({"align": "right"})
    formats: dict[str, object] = {}

    def number_format(kind: str, places: int):
        code = xlsx_format(kind, places)
        if code is None:
            return None
        if code not in formats:
            formats[code] = book.add_format({"num_format": code})
        return formats[code]

    used: set[str] = set()
    for title, published, columns in sheets:
        sheet = book.add_worksheet(_sheet_name(title, used))
        for j, col in enumerate(columns):
            sheet.write_string(0, j, col.header, bold)
            sheet.set_column(j, j, max(12, min(40, len(col.header) + 2)))
        for i in range(published.frame.height):
            for j, col in enumerate(columns):
                value = published.cell(col.name, i)
                kind = _kind(col, published, i)
                if value is None:
                    continue
                if isinstance(value, str):
                    is_mark = col.name in published.marks and published.marks[col.name][i] is not None
                    sheet.write_string(i + 1, j, value, right if is_mark else None)
                elif isinstance(value, datetime | date):
                    sheet.write_datetime(i + 1, j, datetime(value.year, value.month, value.day),
                                         number_format("month" if kind == "month" else "date", 0))
                elif isinstance(value, bool):
                    sheet.write_string(i + 1, j, "oui" if value else "non")
                else:
                    number = round(float(value), col.places(kind)) if kind != "text" else float(value)
                    if kind in ("pct", "change"):
                        number = number / 100.0  # a fraction under a percent format
                    sheet.write_number(i + 1, j, number, number_format(kind, col.places(kind)))
        sheet.freeze_panes(1, 0)
    sheet = book.add_worksheet(_sheet_name("Définitions", used))
    sheet.set_column(0, 0, 32)
    sheet.set_column(1, 1, 110)
    for i, (label, text) in enumerate(notes):
        sheet.write_string(i, 0, label, bold)
        sheet.write_string(i, 1, text, wrap)
    book.close()
    return buffer.getvalue()


SHEET_NAME_MAX = 31  # Excel's limit


def _shorten(text: str, limit: int) -> str:
    """At most `limit` characters, cut between words (never mid-word), with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    words, out = text.split(), ""
    for word in words:
        candidate = f"{out} {word}".strip()
        if len(candidate) > limit - 1:
            break
        out = candidate
    return (out.rstrip(" ,;·—-") or text[: limit - 1]) + "…"


def _sheet_name(title: str, used: set[str]) -> str:
    clean = re.sub(r"\s+", " ", re.sub(r"[\[\]:*?/\\']", " ", title)).strip() or "Feuille"
    name, n = _shorten(clean, SHEET_NAME_MAX), 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = _shorten(clean, SHEET_NAME_MAX - len(suffix)) + suffix, n + 1
    used.add(name.lower())
    return name


def image(fig: go.Figure, fmt: str, width: int = 1400, height: int = 700) -> bytes:
    """A figure as PNG or SVG (Plotly's kaleido, which drives the system's Chromium)."""
    return fig.to_image(format=fmt, width=width, height=height, scale=2 if fmt == "png" else 1)


def chart_file(fig: go.Figure, stamp, fmt: str, size: str = "slide") -> bytes:
    """A chart as a self-contained image file: framed (title, filters, data date, source, small-count
    note, legend; psynam.charts.files) at one of the offered sizes."""
    from psynam.charts.files import SIZES, framed

    width, height = SIZES[size]
    return image(framed(fig, stamp, size), fmt, width, height)


def chart_files(figures: list[go.Figure], stamps: list, fmt: str, size: str = "slide") -> list[bytes]:
    """Many charts as image files in one kaleido session (one Chromium start, not one per chart)."""
    import tempfile
    from pathlib import Path

    import plotly.io as pio

    from psynam.charts.files import SIZES, framed

    if not figures:
        return []
    width, height = SIZES[size]
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"{i}.{fmt}" for i in range(len(figures))]
        pio.write_images([framed(f, s, size) for f, s in zip(figures, stamps)], paths, format=fmt, width=width,
                         height=height, scale=2 if fmt == "png" else 1)
        return [p.read_bytes() for p in paths]


def file_stem(name: str, date_from: date, date_to: date) -> str:
    """A meaningful, portable file name: psynam_seances-par-mois_2025-11-01_2026-10-31."""
    slug = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    slug = re.sub(r"[^a-z0-9]+", "-", slug).strip("-")
    return f"psynam_{slug}_{date_from.isoformat()}_{date_to.isoformat()}"


def frame_for_export(frame: pl.DataFrame, columns: list[Column]) -> pl.DataFrame:
    return frame.select([c.name for c in columns])
