"""Reading one CSV file into text columns: encoding (UTF-8, BOM, Windows-1252), separator, lines.

Polars reads the file; when a quoted field holds a line break or a row has too many fields, the
standard csv module reads it again so that every row keeps its physical line number.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import polars as pl

from psynam.ingest.report import Issue, UnreadableInput
from psynam.ingest.tables import LINE


def _is_utf8(chunks) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False


def _utf8_source(display: str, source: Path | bytes) -> Path | bytes:
    """The input as UTF-8: a file that already is one is read in place by Polars (no copy in Python);
    anything else is decoded from Windows-1252 into bytes."""
    if isinstance(source, Path):
        with open(source, "rb") as f:
            if _is_utf8(iter(lambda: f.read(1 << 24), b"")):
                return source
        source = source.read_bytes()
    elif _is_utf8(source[i:i + (1 << 24)] for i in range(0, len(source), 1 << 24)):
        return source
    try:
        return source.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError as e:
        raise UnreadableInput(f"{display}: encodage non reconnu (ni UTF-8 ni Windows-1252)") from e


def _separator(first_line: str) -> str:
    counts, quoted = {";": 0, ",": 0, "\t": 0}, False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def read_csv(display: str, source: Path | bytes) -> tuple[list[str], pl.DataFrame, list[Issue]]:
    """Header as written, a frame of text columns c0..cN plus __line, and rows rejected while reading."""
    data = _utf8_source(display, source)
    if isinstance(data, Path):
        with open(data, "rb") as f:
            head = f.read(65536)
    else:
        head = data[:65536]
    first = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace").splitlines()
    if not first or not first[0].strip():
        raise UnreadableInput(f"{display}: fichier vide ou sans ligne d'en-tête")
    sep = _separator(first[0])
    header = next(csv.reader([first[0]], delimiter=sep))
    names = [f"c{i}" for i in range(len(header))]
    try:
        frame = pl.read_csv(data if isinstance(data, Path) else io.BytesIO(data), separator=sep, has_header=True, infer_schema=False,
                            quote_char='"', raise_if_empty=False)
        if frame.width != len(header):
            raise pl.exceptions.ComputeError("header width")
        frame = frame.rename(dict(zip(frame.columns, names)))
        multiline = frame.select(pl.any_horizontal(pl.all().str.contains("\n", literal=True).any())).item()
    except pl.exceptions.PolarsError:
        multiline = True   # ragged or odd: read it again row by row, which knows the lines
    if multiline:
        return header, *_read_csv_by_row(display, data, sep, names)
    frame = frame.with_columns(pl.int_range(2, frame.height + 2, dtype=pl.Int64).alias(LINE))
    return header, frame, []


def _read_csv_by_row(display: str, data: bytes, sep: str, names: list[str]):
    """The slow path, for quoted line breaks and rows with too many fields: exact line numbers."""
    text = (data.read_bytes() if isinstance(data, Path) else data).decode("utf-8").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    next(reader)
    rows, lines, bad = [], [], []
    previous = reader.line_num
    for record in reader:
        start, previous = previous + 1, reader.line_num
        if len(record) > len(names):
            if any(v.strip() for v in record[len(names):]):
                bad.append(Issue(display, start, "", None,
                                 f"{len(record)} champs au lieu de {len(names)} (séparateur ou guillemets ?)"))
                continue
            record = record[:len(names)]
        rows.append(record + [None] * (len(names) - len(record)))
        lines.append(start)
    frame = pl.DataFrame(rows, schema={n: pl.String for n in names}, orient="row")
    return frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64)), bad
