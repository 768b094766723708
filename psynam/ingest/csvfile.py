"""Reading one CSV file into text columns: encoding, separator, header row, lines.

Encodings: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text", with or without BOM), else
Windows-1252. Binary content (NUL bytes, control characters, a workbook or archive renamed .csv) is
refused. The header is the line that names the most known columns among the first lines (title and
note lines above it are skipped, and said so); the separator is the one that splits it best.

The file is never read whole: a file that is not UTF-8 is decoded block by block into a temporary
UTF-8 copy, and the rows are read in pieces of CHUNK_BYTES cut at a line break outside quotes (an even
number of `"` before it), each piece given to Polars with the header line. When a quoted field of a
piece holds a line break, a row has too many fields or a quote is left open, the standard csv module
reads that piece again, so that every row keeps its physical line number and an unterminated quote
refuses the file at the line where it opens. A last line without a line break that has fewer fields
than the header is rejected as truncated (one with all its fields is kept, with a warning asking to
check it).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from psynam.ingest.header import find_header, score
from psynam.ingest.report import WARNING, Issue, UnreadableInput
from psynam.ingest.tables import LINE

SEPARATORS = (";", ",", "\t")
# The csv module refuses fields over 128 KB ("field larger than field limit"): a long quoted field is read
# whole (a piece is bounded anyway) and then rejected by its column's length limit, with a clear message.
csv.field_size_limit(1 << 30)
HEAD_BYTES = 65536
BLOCK_BYTES = 1 << 24         # what is read at once to check or convert the encoding
CHUNK_BYTES = 8 << 20         # a piece of a CSV read, typed, checked and staged at once (~80,000 rows)
MAX_PIECE_CHUNKS = 4          # a quoted field open longer than this is an unterminated quote
_TEXT_BYTES = bytes(b for b in range(256) if b >= 0x20 or b in (0x09, 0x0A, 0x0D))   # all but control bytes
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
    # Many control bytes make a binary file; a stray NUL or escape is one bad value, rejected with its line
    # (validate).
    if len(head.translate(None, _TEXT_BYTES)) > max(2, len(head) // 200):
        raise UnreadableInput(f"{display}: contenu binaire, pas un fichier texte CSV")


# A UTF-8 multi-byte sequence: in a line that is not valid UTF-8, it means two encodings in one line.
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_ASCII = bytes(range(128))
LINES_NAMED = 20


def _holds_utf8_sequence(part: bytes) -> bool:
    """Whether `part` holds a UTF-8 multi-byte sequence (_UTF8_SEQUENCE). The search runs first over the
    part's non-ASCII bytes alone (a few thousand in a 16 MB block of a Windows-1252 export): a sequence is
    non-ASCII bytes in a row, so it survives the deletion of the ASCII ones, and a part where even those
    hold none holds none. Only when they do is the part itself searched (the deletion can join bytes that
    were apart). The regular expression over a whole block cost 20 of the 32 s of reading a 10-million-
    session export."""
    rest = part.translate(None, _ASCII)
    return bool(rest) and _UTF8_SEQUENCE.search(rest) is not None and _UTF8_SEQUENCE.search(part) is not None


class _Transcoder:
    """Decides the encoding of a file that is not valid UTF-8, with evidence, line by line: a line valid
    in UTF-8 is UTF-8, any other is Windows-1252. A file whose lines are all of one kind is that encoding
    (no message); a file holding both (one Latin-1 line pasted into a UTF-8 export) is read line by line,
    each in its own encoding, with a warning naming the lines of the rarer kind — never garbled. A line
    valid in neither (a byte Windows-1252 does not define, or both encodings within one line) refuses
    the file, naming that line."""

    def __init__(self, display: str):
        self.display = display
        self.lines = {"utf-8": [0, []], "cp1252": [0, []]}    # encoding -> [lines with accents, first lines]

    def _seen(self, encoding: str, line: int) -> None:
        found = self.lines[encoding]
        found[0] += 1
        if len(found[1]) < LINES_NAMED:
            found[1].append(line)

    def _refuse(self, line: int, reason: str):
        raise UnreadableInput(f"{self.display}: ligne {line} : {reason} : fichier refusé ; enregistrez-le en "
                              "UTF-8 (ou en Windows-1252) d'un seul tenant et réessayez")

    def _cp1252(self, raw: bytes, line: int) -> bytes:
        try:
            return raw.decode("cp1252").encode("utf-8")
        except UnicodeDecodeError as e:
            self._refuse(line + raw.count(b"\n", 0, e.start),
                         f"octet 0x{raw[e.start]:02X} illisible en UTF-8 comme en Windows-1252")

    def convert(self, part: bytes, first_line: int) -> bytes:
        """`part` (whole lines, starting at physical line `first_line`) as UTF-8."""
        try:
            part.decode("utf-8")
            utf8 = True
        except UnicodeDecodeError:
            utf8 = False
        if utf8 or not _holds_utf8_sequence(part):     # the whole part is of one kind
            encoding = "utf-8" if utf8 else "cp1252"
            if not part.isascii():
                for i, raw in enumerate(part.split(b"\n")):
                    if not raw.isascii():
                        self._seen(encoding, first_line + i)
            return part if utf8 else self._cp1252(part, first_line)
        out = []
        for i, raw in enumerate(part.split(b"\n")):
            line = first_line + i
            if raw.isascii():
                out.append(raw)
                continue
            try:
                raw.decode("utf-8")
                self._seen("utf-8", line)
                out.append(raw)
            except UnicodeDecodeError:
                if _UTF8_SEQUENCE.search(raw):
                    self._refuse(line, "UTF-8 et Windows-1252 mêlés dans une même ligne")
                self._seen("cp1252", line)
                out.append(self._cp1252(raw, line))
        return b"\n".join(out)

    def issues(self) -> list[Issue]:
        (n8, lines8), (n1252, lines1252) = self.lines["utf-8"], self.lines["cp1252"]
        if not (n8 and n1252):
            return []
        if n1252 <= n8:
            count, lines, these, file_kind = n1252, lines1252, "Windows-1252 (Latin-1)", "UTF-8"
        else:
            count, lines, these, file_kind = n8, lines8, "UTF-8", "Windows-1252"
        listed = ", ".join(str(n) for n in lines) + (f", … ({count} en tout)" if count > len(lines) else "")
        return [Issue(self.display, lines[0], "", None,
                      f"encodages mêlés : {count} ligne(s) en {these} dans un fichier {file_kind} (lignes {listed}) ; "
                      f"chacune est lue dans son encodage, vérifiez leurs accents", WARNING, rule="encodages mêlés")]


def _utf8_source(display: str, source: Path, scratch: Path) -> tuple[Path, list[Issue]]:
    """The input as a UTF-8 file, and what converting it found: a file that already is one is read in
    place; UTF-16 is decoded, anything else is read line by line (_Transcoder), and a file with classic Mac
    line endings (CR only) gets line feeds — each into a temporary file in `scratch`, block by block (never
    whole in memory). The caller deletes the temporary file (it is not `source`)."""
    with open(source, "rb") as f:
        head = f.read(HEAD_BYTES)
    codec = _utf16(head)
    if codec is None:
        _refuse_binary(display, head)
    cr_only = codec is None and b"\r" in head and b"\n" not in head
    if codec is None and not cr_only:
        with open(source, "rb") as f:
            if _is_utf8(iter(lambda: f.read(BLOCK_BYTES), b"")):
                return source, []
    target = scratch_file(scratch, ".utf8.csv")
    try:
        with open(source, "rb") as f, open(target, "wb") as out:
            if codec is not None:
                _decode_utf16(display, codec, f, out)
                return target, []
            transcoder = _Transcoder(display)
            line, carry = 1, b""
            for block in iter(lambda: f.read(BLOCK_BYTES), b""):
                data = carry + (block.replace(b"\r", b"\n") if cr_only else block)
                cut = data.rfind(b"\n") + 1 or (len(data) if len(data) >= 4 * BLOCK_BYTES else 0)
                part, carry = data[:cut], data[cut:]
                if part:
                    out.write(transcoder.convert(part, line))
                    line += part.count(b"\n")
            if carry:
                out.write(transcoder.convert(carry, line))
        return target, transcoder.issues()
    except BaseException:
        target.unlink(missing_ok=True)
        raise


def _utf8_bytes(display: str, data: bytes) -> tuple[bytes, list[Issue]]:
    """A small file's bytes as UTF-8, decided as _utf8_source decides a large one's."""
    head = data[:HEAD_BYTES]
    codec = _utf16(head)
    if codec is not None:
        try:
            return data.decode(codec).removeprefix("\ufeff").encode("utf-8"), []
        except UnicodeDecodeError as e:
            raise UnreadableInput(f"{display}: texte UTF-16 illisible (fichier tronqué ?)") from e
    _refuse_binary(display, head)
    if b"\r" in head and b"\n" not in head:
        data = data.replace(b"\r", b"\n")
    try:
        data.decode("utf-8")
        return data, []
    except UnicodeDecodeError:
        transcoder = _Transcoder(display)
        return transcoder.convert(data, 1), transcoder.issues()


def _decode_utf16(display: str, codec: str, f, out) -> None:
    decoder = codecs.getincrementaldecoder(codec)("strict")
    first = True
    try:
        for block in iter(lambda: f.read(BLOCK_BYTES), b""):
            text = decoder.decode(block)
            if first and text:
                text, first = text.removeprefix("\ufeff"), False
            out.write(text.encode("utf-8"))
        out.write(decoder.decode(b"", final=True).encode("utf-8"))
    except UnicodeDecodeError as e:
        raise UnreadableInput(f"{display}: texte UTF-16 illisible (fichier tronqué ?)") from e


def scratch_file(folder: Path, suffix: str) -> Path:
    """A new temporary file's path in `folder`, named `<pid>-<random><suffix>` so that the store's
    clean-up of its work folder deletes it if this process dies (psynam/store.py)."""
    return folder / f"{os.getpid()}-{uuid.uuid4().hex}{suffix}"


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


@dataclass
class CsvFile:
    """One CSV file opened for reading: its header found, its rows still on disk (`pieces()` reads them)."""
    display: str
    path: Path | None               # UTF-8 (the input itself, or its decoded copy); None: held in `data`
    header: list[str]               # as written
    sep: str
    header_line: int                # physical line of the header (1 + lines skipped above it)
    header_bytes: bytes             # the header line, given to Polars with each piece
    data_start: int                 # byte offset of the first line under the header
    issues: list[Issue] = field(default_factory=list)   # lines skipped above the header (a warning)
    data: bytes | None = None       # a small file, whole, as UTF-8 (then `path` is None)

    @property
    def names(self) -> list[str]:
        return [f"c{i}" for i in range(len(self.header))]

    def records(self) -> tuple[list[list[str | None]], list[int], list[Issue]]:
        """A small file's rows as lists of text (one cell per header cell), their physical lines, and the
        rows rejected while reading them — by the csv module, without Polars: a zip of thousands of
        one-row files is read in milliseconds per file, not tens of them."""
        piece = self.data[self.data_start:]
        rows, lines, bad, last_fields = _read_rows(self.display, piece, self.sep, len(self.header),
                                                   self.header_line + 1)
        end = _unterminated_end(piece, self.sep, last_fields)
        if end is not None and rows:
            issue, complete = _last_line_issue(self.display, lines[-1], end, len(self.header))
            bad.append(issue)
            if not complete:
                rows, lines = rows[:-1], lines[:-1]
        return rows, lines, bad

    def pieces(self) -> Iterator[tuple[pl.DataFrame, list[Issue]]]:
        """The rows under the header, CHUNK_BYTES at a time: for each piece, a frame of text columns
        c0..cN plus __line, and the rows rejected while reading it (errors). The last piece also says
        whether the file ends without a line break (a truncated last line is rejected)."""
        line = self.header_line + 1
        previous = None
        source = _pieces(self.path, self.data_start) if self.data is None else iter([self.data[self.data_start:]])
        for piece in source:
            if previous is not None:
                yield self._parse(*previous)
            previous = (piece, line)
            line += piece.count(b"\n")
        if previous is not None:
            yield self._parse(*previous, last=True)

    def _parse(self, piece: bytes, first_line: int, last: bool = False) -> tuple[pl.DataFrame, list[Issue]]:
        names = self.names
        try:
            frame = pl.read_csv(io.BytesIO(self.header_bytes + piece), separator=self.sep, has_header=True,
                                infer_schema=False, quote_char='"', raise_if_empty=False)
            if frame.width != len(names):
                raise pl.exceptions.ComputeError("header width")
            frame = frame.rename(dict(zip(frame.columns, names)))
            multiline = frame.select(pl.any_horizontal(pl.all().str.contains("\n", literal=True).any())).item()
        except pl.exceptions.PolarsError:
            multiline = True   # ragged or odd: read it again row by row, which knows the lines
        if multiline:
            frame, bad, last_fields = _read_by_row(self.display, piece, self.sep, names, first_line)
        else:
            frame, bad = frame.with_columns(
                pl.int_range(first_line, first_line + frame.height, dtype=pl.Int64).alias(LINE)), []
            last_fields = None
        end = _unterminated_end(piece, self.sep, last_fields) if last else None
        if end is not None and frame.height:
            issue, complete = _last_line_issue(self.display, frame[LINE][-1], end, len(names))
            bad.append(issue)
            if not complete:
                frame = frame.head(frame.height - 1)
        return frame, bad


def _last_line_issue(display: str, line: int, fields: int, width: int) -> tuple[Issue, bool]:
    """What to say of a last line without a line break (fewer fields: cut short, rejected), and
    whether it is complete."""
    if fields < width:
        return Issue(display, line, "", None, f"dernière ligne incomplète ({fields} champs au lieu de {width}) : "
                     "fichier tronqué ? Ligne rejetée"), False
    return Issue(display, line, "", None, "le fichier ne se termine pas par un saut de ligne : vérifiez que "
                 "cette dernière ligne est complète", WARNING), True


SMALL_FILE_BYTES = 1 << 20    # a file up to this size (and up to CHUNK_BYTES) is read whole, in memory


def small_enough(size: int) -> bool:
    """Whether a file of `size` bytes is read whole in memory (one piece) rather than in pieces."""
    return size <= min(SMALL_FILE_BYTES, CHUNK_BYTES)


def open_csv(display: str, source: Path | bytes, table: str | None, scratch: Path) -> CsvFile:
    """Find the encoding, the header line and the separator of a CSV file (reading only its first
    HEAD_BYTES once it is UTF-8). A small file (or bytes, a zip member) is read and decoded in memory;
    a larger one that is not UTF-8 is decoded into `scratch` first: the returned CsvFile's path is then a
    temporary file, which the caller deletes."""
    small = isinstance(source, bytes) or small_enough(source.stat().st_size)
    if small:
        data, converted = _utf8_bytes(display, source if isinstance(source, bytes) else source.read_bytes())
        path = None
    else:
        data, (path, converted) = None, _utf8_source(display, source, scratch)
    try:
        if data is None:
            with open(path, "rb") as f:
                head = f.read(HEAD_BYTES)
        else:
            head = data[:HEAD_BYTES]
        bom = len(codecs.BOM_UTF8) if head.startswith(codecs.BOM_UTF8) else 0
        head = head[bom:]
        raw_lines = head.split(b"\n")
        if len(head) == HEAD_BYTES - bom and len(raw_lines) > 1:
            raw_lines = raw_lines[:-1]           # the last one may be cut in the middle of a character
        lines = [line.rstrip(b"\r").decode("utf-8", errors="replace") for line in raw_lines]
        if not any(line.strip() for line in lines):
            raise UnreadableInput(f"{display}: fichier vide ou sans ligne d'en-tête")
        skip, sep, header = _header(lines, table)
    except BaseException:
        if path is not None and path != source:
            path.unlink(missing_ok=True)
        raise
    issues = list(converted)
    if skip:
        issues.append(Issue(display, 1, "", None,
                            f"ligne(s) 1 à {skip} ignorée(s) : titre ou notes au-dessus de l'en-tête "
                            f"(ligne {skip + 1})", WARNING))
    start = bom + sum(len(line) + 1 for line in raw_lines[:skip])
    header_bytes = raw_lines[skip] + b"\n" if skip < len(raw_lines) else b""
    return CsvFile(display, path, header, sep, skip + 1, header_bytes, start + len(header_bytes), issues, data)


def _pieces(path: Path, start: int) -> Iterator[bytes]:
    """The file from byte `start` in pieces of about CHUNK_BYTES, each ending with a line break that is
    not inside a quoted field (an even number of quotes before it), the last one at the end of the file
    (with any blank tail after the last line break, as the last line). A quote never closed makes one
    piece of at most MAX_PIECE_CHUNKS chunks, which the row-by-row reader refuses at the line where the
    quote opens."""
    with open(path, "rb") as f:
        f.seek(start)
        held, carry = None, b""
        while True:
            block = f.read(CHUNK_BYTES)
            if not block:
                if held is not None and carry and not carry.strip():
                    held, carry = held + carry, b""
                if held is not None:
                    yield held
                if carry:
                    yield carry
                return
            data = carry + block
            cut = _cut(data)
            if cut is None and len(data) >= MAX_PIECE_CHUNKS * CHUNK_BYTES:
                cut = data.rfind(b"\n") + 1 or None
            if cut is None:
                carry = data
                continue
            if held is not None:
                yield held
            held, carry = data[:cut], data[cut:]


def _cut(data: bytes) -> int | None:
    """The end of the last line of `data` after which no quote is open, or None."""
    end = data.rfind(b"\n")
    quotes = data.count(b'"', 0, end + 1)        # the quotes before the line break at `end`
    while end >= 0:
        if quotes % 2 == 0:
            return end + 1
        previous = data.rfind(b"\n", 0, end)
        quotes -= data.count(b'"', previous + 1, end + 1)
        end = previous
    return None


def _unterminated_end(piece: bytes, sep: str, last_fields: int | None) -> int | None:
    """The number of fields of the last line when the file does not end with a line break (a file cut
    short), else None."""
    tail = piece[-65536:]
    if not tail.strip() or tail.endswith(b"\n"):
        return None
    if last_fields is not None:
        return last_fields
    last = tail.rsplit(b"\n", 1)[-1].rstrip(b"\r").decode("utf-8", errors="replace")
    return len(_split(last, sep))


def _read_by_row(display: str, piece: bytes, sep: str, names: list[str], first_line: int):
    """The slow path, for quoted line breaks, rows with too many fields and open quotes: exact lines."""
    rows, lines, bad, fields = _read_rows(display, piece, sep, len(names), first_line)
    frame = pl.DataFrame(rows, schema={n: pl.String for n in names}, orient="row")
    return frame.with_columns(pl.Series(LINE, lines, dtype=pl.Int64)), bad, fields


def _read_rows(display: str, piece: bytes, sep: str, width: int, first_line: int):
    """Rows of `width` cells read by the csv module, with their physical lines, the rows rejected (too
    many fields) and the number of fields of the last row."""
    reader = csv.reader(io.StringIO(piece.decode("utf-8"), newline=""), delimiter=sep, strict=True)
    rows, lines, bad = [], [], []
    previous, fields, offset = 0, None, first_line - 1
    try:
        for record in reader:
            start, previous = previous + 1, reader.line_num
            if len(record) > width:
                if any(v.strip() for v in record[width:]):
                    bad.append(Issue(display, start + offset, "", None,
                                     f"{len(record)} champs au lieu de {width} (séparateur ou guillemets ?)",
                                     rule="champs en trop"))
                    continue
                record = record[:width]
            fields = len(record)
            rows.append(record + [None] * (width - len(record)))
            lines.append(start + offset)
    except csv.Error as e:
        line = previous + offset + 1
        if "end of data" in str(e):
            reason = f"guillemet non fermé à partir de la ligne {line}"
        else:
            reason = f"guillemets mal formés à la ligne {line} (un guillemet dans un champ s'écrit \"\")"
        raise UnreadableInput(f"{display}: {reason} : fichier refusé") from e
    return rows, lines, bad, fields
