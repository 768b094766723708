"""Reading one CSV file into text columns: encoding, separator, header row, lines.

Encodings: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text", with or without BOM), else
Windows-1252. Binary content (NUL bytes, control characters, a workbook or archive renamed .csv) is
refused. The header is the line that names the most known columns among the first lines (title and
note lines above it are skipped, and said so); the separator is the one that splits it best.

Polars reads the file; when a quoted field holds a line break, a row has too many fields or a quote is
left open, the standard csv module reads it again so that every row keeps its physical line number and
an unterminated quote refuses the file at the line where it opens. A last line without a line break
that has fewer fields than the header is rejected as truncated (one with all its fields is kept, with
a warning asking to check it).
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import polars as pl

from psynam.ingest.header import find_header, score
from psynam.ingest.report import WARNING, Issue, UnreadableInput
from psynam.ingest.tables import LINE

SEPARATORS = (";", ",", "\t")
HEAD_BYTES = 65536
_MAGIC = {
    b"PK\x03\x04": "c'est un classeur Excel (.xlsx) ou une archive .zip renommé : donnez-lui son extension",
    b"\xd0\xcf\x11\xe0": "c'est un ancien classeur Excel (.xls) : enregistrez-le en .xlsx ou en CSV",
    b"%PDF": "c'est un document PDF, pas un export CSV",
}


def _is_utf8(chunks) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    try:
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False


def _utf16(head: bytes) -> str | None:
    """The UTF-16 codec of a file that is one (Excel's "Unicode text"), else None."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    sample = head[:4096]
    if len(sample) >= 4 and sample.count(0) * 3 > len(sample):
        if sample[1::2].count(0) > 0.9 * len(sample[1::2]):
            return "utf-16-le"
        if sample[0::2].count(0) > 0.9 * len(sample[0::2]):
            return "utf-16-be"
    return None


def _refuse_binary(display: str, head: bytes) -> None:
    for magic, reason in _MAGIC.items():
        if head.startswith(magic):
            raise UnreadableInput(f"{display}: {reason}")
    if b"\x00" in head:
        raise UnreadableInput(f"{display}: contenu binaire, pas un fichier texte CSV")


def _refuse_control_characters(display: str, text: str) -> None:
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n")
    if controls > max(2, len(text) // 200):
        raise UnreadableInput(f"{display}: contenu binaire, pas un fichier texte CSV")


def _utf8_source(display: str, source: Path | bytes) -> Path | bytes:
    """The input as UTF-8: a file that already is one is read in place by Polars (no copy in Python);
    anything else is decoded (UTF-16, else Windows-1252) into bytes."""
    if isinstance(source, Path):
        with open(source, "rb") as f:
            head = f.read(HEAD_BYTES)
    else:
        head = source[:HEAD_BYTES]
    codec = _utf16(head)
    if codec:
        data = source.read_bytes() if isinstance(source, Path) else source
        try:
            return data.decode(codec).removeprefix("\ufeff").encode("utf-8")
        except UnicodeDecodeError as e:
            raise UnreadableInput(f"{display}: texte UTF-16 illisible (fichier tronqué ?)") from e
    _refuse_binary(display, head)
    if isinstance(source, Path):
        with open(source, "rb") as f:
            if _is_utf8(iter(lambda: f.read(1 << 24), b"")):
                _refuse_control_characters(display, head.decode("utf-8", errors="ignore"))
                return source
        source = source.read_bytes()
    elif _is_utf8(source[i:i + (1 << 24)] for i in range(0, len(source), 1 << 24)):
        _refuse_control_characters(display, head.decode("utf-8", errors="ignore"))
        return source
    try:
        text = source.decode("cp1252")
    except UnicodeDecodeError as e:
        raise UnreadableInput(f"{display}: encodage non reconnu (ni UTF-8, ni UTF-16, ni Windows-1252)") from e
    _refuse_control_characters(display, text[:HEAD_BYTES])
    return text.encode("utf-8")


def _split(line: str, sep: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=sep), [])
    except csv.Error:
        return line.split(sep)


def _header(lines: list[str], table: str | None) -> tuple[int, str, list[str]]:
    """(index of the header line, separator, header cells)."""
    best = None
    for sep in SEPARATORS:
        rows = [_split(line, sep) for line in lines]
        index, header = find_header(rows, table)
        s = score(header, table)
        if best is None or s > best[0]:
            best = (s, index, sep, header)
    if best and best[0] > 0:
        return best[1], best[2], best[3]
    index = next((i for i, line in enumerate(lines) if line.strip()), 0)
    counts = {sep: _split(lines[index], sep) for sep in SEPARATORS}
    sep = max(SEPARATORS, key=lambda s: len(counts[s]))
    return index, sep, counts[sep]


def read_csv(display: str, source: Path | bytes, table: str | None = None
             ) -> tuple[list[str], pl.DataFrame, list[Issue], int, int]:
    """Header as written, a frame of text columns c0..cN plus __line, the issues found while reading
    (rows rejected: errors; lines skipped: warnings), the number of rows rejected while reading, and
    the header's line."""
    data = _utf8_source(display, source)
    if isinstance(data, Path):
        with open(data, "rb") as f:
            head = f.read(HEAD_BYTES)
    else:
        head = data[:HEAD_BYTES]
    head = head.removeprefix(codecs.BOM_UTF8)
    raw_lines = head.split(b"\n")
    if len(head) == HEAD_BYTES and len(raw_lines) > 1:
        raw_lines = raw_lines[:-1]           # the last one may be cut in the middle of a character
    lines = [line.rstrip(b"\r").decode("utf-8", errors="replace") for line in raw_lines]
    if not any(line.strip() for line in lines):
        raise UnreadableInput(f"{display}: fichier vide ou sans ligne d'en-tête")
    skip, sep, header = _header(lines, table)
    issues: list[Issue] = []
    if skip:
        issues.append(Issue(display, 1, "", None,
                            f"ligne(s) 1 à {skip} ignorée(s) : titre ou notes au-dessus de l'en-tête "
                            f"(ligne {skip + 1})", WARNING))
    if skip:
        whole = data.read_bytes() if isinstance(data, Path) else data
        whole = whole.removeprefix(codecs.BOM_UTF8)
        offset = sum(len(line) + 1 for line in raw_lines[:skip])
        data = whole[offset:]
    names = [f"c{i}" for i in range(len(header))]
    try:
        frame = pl.read_csv(data if isinstance(data, Path) else io.BytesIO(data), separator=sep, has_header=True,
                            infer_schema=False, quote_char='"', raise_if_empty=False)
        if frame.width != len(header):
            raise pl.exceptions.ComputeError("header width")
        frame = frame.rename(dict(zip(frame.columns, names)))
        multiline = frame.select(pl.any_horizontal(pl.all().str.contains("\n", literal=True).any())).item()
    except pl.exceptions.PolarsError:
        multiline = True   # ragged or odd: read it again row by row, which knows the lines
    if multiline:
        frame, bad, last_fields = _read_csv_by_row(display, data, sep, names, skip)
    else:
        frame, bad = frame.with_columns(
            pl.int_range(skip + 2, frame.height + skip + 2, dtype=pl.Int64).alias(LINE)), []
        last_fields = None
    end = _unterminated_end(data, sep, last_fields)
    if end is not None and frame.height:
        line = frame[LINE][-1]
        if end < len(names):
            frame = frame.head(frame.height - 1)
            bad.append(Issue(display, line, "", None, f"dernière ligne incomplète ({end} champs au lieu de "
                             f"{len(names)}) : fichier tronqué ? Ligne rejetée"))
        else:
            issues.append(Issue(display, line, "", None, "le fichier ne se termine pas par un saut de ligne : "
                                "vérifiez que cette dernière ligne est complète", WARNING))
    return header, frame, issues + bad, len(bad), skip + 1


def _unterminated_end(data: Path | bytes, sep: str, last_fields: int | None) -> int | None:
    """The number of fields of the last line when the file does not end with a line break (a file cut
    short), else None."""
    if isinstance(data, Path):
        with open(data, "rb") as f:
            f.seek(max(0, data.stat().st_size - 65536))
            tail = f.read()
    else:
        tail = data[-65536:]
    if not tail.strip() or tail.endswith(b"\n"):
        return None
    if last_fields is not None:
        return last_fields
    last = tail.rsplit(b"\n", 1)[-1].rstrip(b"\r").decode("utf-8", errors="replace")
    return len(_split(last, sep))


def _read_csv_by_row(display: str, data: Path | bytes, sep: str, names: list[str], skip: int):
    """The slow path, for quoted line breaks, rows with too many fields and open quotes: exact lines."""
    text = (data.read_bytes() if isinstance(data, Path) else data).decode("utf-8").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep, strict=True)
    rows, lines, bad = [], [], []
    previous, fields = 0, None
    try:
        next(reader)
        previous = reader.line_num
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if len(record) > len(names):
                if any(v.strip() for v in record[len(names):]):
                    bad.append(Issue(display, start + skip, "", None,
                                     f"{len(record)} champs au lieu de {len(names)} (séparateur ou guillemets ?)"))
                    continue
                record = record[:len(names)]
            fields = len(record)
            rows.append(record + [None] * (len(names) - len(record)))
            lines.append(start + skip)
    except csv.Error as e:
        raise UnreadableInput(f"{display}: guillemet non fermé à partir de la ligne {previous + skip + 1} "
                              f"({e}) : fichier refusé") from e
    frame = pl.DataFrame(rows, schema={n: pl.String for n in names}, orient="row")
    return frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64)), bad, fields
