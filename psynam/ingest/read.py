"""Reading an export — CSV files, a folder or .zip of them, an .xlsx workbook — into tables of text rows.

read_export() opens every file and matches its header; the rows are read later, chunk by chunk
(RawTable.chunks(): a CSV in pieces of csvfile.CHUNK_BYTES, a sheet at once), so that no CSV file is ever
whole in memory. Every value stays text here (trimmed, empty = null), under its canonical column name,
with the physical line it came from (`__line`: CSV line, or sheet row). Headers are matched to the
contract's English or French names; what cannot be matched is reported, not guessed. A file that must
be converted (not UTF-8, or inside a .zip) is written to a temporary file in the `scratch` folder,
deleted by Export.close(). Beyond that:
- a file over MAX_FILE_MB, a .zip or workbook whose members expand beyond MAX_EXPANDED_MB (or more than
  MAX_RATIO times their compressed size), a .zip of more than max_zip_members() files, an import reading
  more than max_import_bytes() in all, a table of more than MAX_COLUMNS columns, is refused before its
  rows are read;
- a CSV file up to 1 MB (a zip member, a file of a folder) is read in memory by the csv module
  (RawTable.small_rows()), so that thousands of small files cost milliseconds each;
- a last row that is a total (a cell starting with "Total", "Totaux", "Somme" and no id) is left out,
  with a warning; blank rows are skipped (lines keep their numbers);
- a file or sheet with a header and no data row is refused ("aucune ligne de données");
- hidden sheets are not imported (what the coordinator cannot see is not taken), with a warning.
Limits can be set with $PSYNAM_MAX_FILE_MB, $PSYNAM_MAX_EXPANDED_MB, $PSYNAM_MAX_ZIP_MEMBERS and
$PSYNAM_MAX_IMPORT_MB (docs/importing.md, Limits).
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polars as pl

from psynam.ingest.csvfile import open_csv, scratch_file, small_enough
from psynam.ingest.report import ERROR, WARNING, Capped, Issue, UnreadableInput, shown
from psynam.ingest.tables import LINE, TABLES, header_key, header_map, table_for_name
from psynam.ingest.values import clean_text
from psynam.ingest.workbook import read_workbook

MAX_RATIO = 200
_TOTAL = re.compile(r"^(sous[- ]?)?(total|totaux|somme|sum)\b", re.IGNORECASE)


def max_file_bytes() -> int:
    return int(float(os.environ.get("PSYNAM_MAX_FILE_MB", "500")) * 1024 * 1024)


def max_expanded_bytes() -> int:
    return int(float(os.environ.get("PSYNAM_MAX_EXPANDED_MB", "1024")) * 1024 * 1024)


def max_import_bytes() -> int:
    """The most one import reads, all its files together, archives and workbooks counted expanded
    ($PSYNAM_MAX_IMPORT_MB; by default twice the limit of one archive, 2 GB)."""
    default = 2 * max_expanded_bytes() / 1024 / 1024
    return int(float(os.environ.get("PSYNAM_MAX_IMPORT_MB", default)) * 1024 * 1024)


def max_zip_members() -> int:
    return int(os.environ.get("PSYNAM_MAX_ZIP_MEMBERS", "10000"))


MAX_COLUMNS = 200       # a header wider than this is not an export of the contract's tables


def _megabytes(n: int) -> str:
    if n < 1024 * 1024:
        return f"{n / 1024:,.0f} Ko".replace(",", " ")
    return f"{n / 1024 / 1024:,.1f} Mo".replace(",", " ").replace(".", ",")


Pieces = Callable[[], Iterator[tuple[pl.DataFrame, list[Issue]]]]   # frames c0..cN + __line, read issues
Records = Callable[[], tuple[list[list[str | None]], list[int], list[Issue]]]   # a small file's rows, lines, issues
# What str.strip() must remove to agree with Polars' strip_chars() (Unicode White_Space, not \x1c-\x1f).
WHITESPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" \
             "\u200a\u2028\u2029\u202f\u205f\u3000"


@dataclass
class RawTable:
    """One file (or sheet) of one table: its header matched, its rows read by chunks()."""
    table: str
    file: str                                   # as shown in messages: path, or archive:member, or book:sheet
    pieces: Pieces                              # the rows as read, before canonical columns
    chosen: dict[str, int]                      # canonical column -> its position in the file's header
    headers: dict[str, str] = field(default_factory=dict)   # canonical column -> header as written
    issues: list[Issue] = field(default_factory=list)
    refused: bool = False                       # the whole file is rejected (missing columns…)
    bad_rows: int = 0                           # rows rejected while reading (wrong number of fields)
    rows: int = 0                               # data rows read (blank ones left out), once chunks() is done
    records: Records | None = None              # a small CSV file: its rows without Polars (small_rows())
    capped: Capped | None = None                # the issues found while reading rows, kept per rule

    @property
    def omitted(self) -> dict[str, int]:
        return self.capped.omitted if self.capped else {ERROR: 0, WARNING: 0}

    @property
    def small(self) -> bool:
        return self.records is not None

    @property
    def select(self) -> list[pl.Expr]:
        """Raw columns c0..cN -> canonical columns (trimmed text, empty = null) + __line."""
        return [clean_text(pl.col(f"c{self.chosen[c]}") if c in self.chosen else pl.lit(None, pl.String)).alias(c)
                for c in TABLES[self.table].column_names] + [pl.col(LINE)]

    def _read_issues(self, found: list[Issue]) -> None:
        """Rows rejected while reading (counted), their issues kept up to their rule's limit (a file of a
        million ragged rows does not hold a million messages)."""
        self.bad_rows += sum(i.severity == ERROR for i in found)
        if self.capped is None:
            self.capped = Capped()
            self.capped.extend(self.issues)
        self.capped.extend(found)
        self.issues = self.capped.kept

    def small_rows(self) -> tuple[list[list[str | None]], list[int]]:
        """A small file's rows in canonical column order (text as written, None for an absent column) and
        their lines — what chunks() gives, without Polars: blank rows and a last total row left out, a file
        without any data row refused."""
        names = TABLES[self.table].column_names
        positions = [self.chosen.get(c) for c in names]
        found, lines, read_issues = self.records()
        self._read_issues(read_issues)
        rows, kept_lines = [], []
        for record, line in zip(found, lines):
            row = [None if p is None or p >= len(record) else record[p] for p in positions]
            if any(v is not None and v.strip(WHITESPACE) for v in row):
                rows.append(row)
                kept_lines.append(line)
        if rows and not self.refused:
            last = {c: (v.strip(WHITESPACE) or None) if v is not None else None for c, v in zip(names, rows[-1])}
            if _is_total(last, TABLES[self.table]):
                self.issues.append(Issue(self.file, kept_lines[-1], "", next(t for t in last.values() if t),
                                         "ligne de total ignorée", WARNING))
                rows, kept_lines = rows[:-1], kept_lines[:-1]
        self.rows += len(rows)
        if not self.refused and self.rows == 0 and self.bad_rows == 0:
            self.issues.append(Issue(self.file, None, "", None, "aucune ligne de données sous l'en-tête : "
                                     "fichier refusé"))
            self.refused = True
        return rows, kept_lines

    def chunks(self) -> Iterator[pl.DataFrame]:
        """The rows, canonical text columns + __line, a chunk at a time. Reading them adds their issues to
        `issues` (rows rejected while reading, a truncated last line), leaves out a last row that is a
        total, and refuses a file without any data row; `rows` and `bad_rows` count them."""
        spec = TABLES[self.table]
        pending = None
        for frame, read_issues in self.pieces():
            self._read_issues(read_issues)
            frame = frame.select(self.select)
            frame = frame.filter(pl.any_horizontal(pl.col(spec.column_names).is_not_null()))
            if frame.height == 0:
                continue
            if pending is not None:
                self.rows += pending.height
                yield pending
            pending = frame
        if pending is not None and not self.refused:
            pending = _drop_total_row(pending, spec, self.file, self.headers, self.issues)
        if pending is not None and pending.height:
            self.rows += pending.height
            yield pending
        if not self.refused and self.rows == 0 and self.bad_rows == 0:
            self.issues.append(Issue(self.file, None, "", None, "aucune ligne de données sous l'en-tête : "
                                     "fichier refusé"))
            self.refused = True


@dataclass
class Export:
    tables: list[RawTable] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    temporary: list[Path] = field(default_factory=list)      # converted copies, deleted by close()
    expanded: int = 0                                        # bytes read so far, archives expanded

    def count(self, display, size: int) -> None:
        """Add `size` bytes to what the import reads; past max_import_bytes() the import is refused."""
        self.expanded += size
        limit = max_import_bytes()
        if self.expanded > limit:
            raise UnreadableInput(f"{display}: l'import dépasse {_megabytes(limit)} de données au total (archives "
                                  "décompressées) : importez les fichiers en plusieurs fois")

    def close(self) -> None:
        for path in self.temporary:
            path.unlink(missing_ok=True)
        self.temporary.clear()


def read_export(paths, scratch: Path | None = None) -> Export:
    """Open every file of the export (the rows are read later, by RawTable.chunks()); the caller calls
    close() when done. Temporary files go to `scratch` (default: the system's temporary folder)."""
    export = Export()
    scratch = Path(scratch or tempfile.gettempdir())
    try:
        for p in paths:
            path = Path(p)
            if not path.exists():
                raise UnreadableInput(f"{p}: fichier ou dossier introuvable")
            if path.is_dir():
                files = sorted(f for f in path.iterdir() if f.is_file() and not f.name.startswith((".", "~$")))
                for f in files:
                    _check_size(f)
                    export.count(f, f.stat().st_size)
                    _read_member(export, str(f), f.name, f, named=False, scratch=scratch)
                    if f.suffix.lower() in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm"):
                        export.sources.append(_source(f))
            elif path.suffix.lower() == ".zip":
                _check_size(path)
                _read_zip(export, path, scratch)
                export.sources.append(_source(path))
            else:
                _check_size(path)
                export.count(path, path.stat().st_size)
                _read_member(export, str(path), path.name, path, named=True, scratch=scratch)
                export.sources.append(_source(path))
    except BaseException:
        export.close()
        raise
    return export


def _check_size(path: Path) -> None:
    size, limit = path.stat().st_size, max_file_bytes()
    if size > limit:
        raise UnreadableInput(f"{path}: fichier trop volumineux ({_megabytes(size)} ; limite {_megabytes(limit)})")


def _source(path: Path) -> dict:
    return {"file": str(path), "name": path.name, "sha256": _sha256(path), "bytes": path.stat().st_size}


def _check_workbook(display: str, data: bytes) -> None:
    """A workbook is an archive too: refused when its parts would expand beyond the archives' limits."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            expanded = sum(i.file_size for i in book.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError):
        return                      # read_workbook says it is unreadable
    limit = max_expanded_bytes()
    if expanded > limit or expanded > MAX_RATIO * max(len(data), 1) + (1 << 20):
        raise UnreadableInput(f"{display}: le classeur se décompresse en {_megabytes(expanded)} "
                              f"(limite {_megabytes(limit)}, ou {MAX_RATIO} fois sa taille) : refusé")


def _read_workbook(export: Export, display: str, data: bytes) -> None:
    _check_workbook(display, data)
    for sheet in read_workbook(display, data, table_for_name):
        title, header, frame = sheet.title, sheet.header, sheet.frame
        where = f"{display}:{title}"
        table = table_for_name(title)
        if sheet.hidden:
            export.issues.append(Issue(where, None, "", None, "feuille masquée, ignorée"
                                       + (f" (elle porte le nom de la table {table})" if table else ""), WARNING))
        elif table is None:
            export.issues.append(Issue(where, None, "", None,
                                       "feuille ignorée : son nom ne correspond à aucune table", WARNING))
        elif len(header) > MAX_COLUMNS:
            raise UnreadableInput(f"{where}: {len(header)} colonnes (au plus {MAX_COLUMNS}) : ce n'est pas une "
                                  "table d'export PSYNAM, feuille refusée")
        elif header is None:
            export.issues.append(Issue(where, None, "", None, "feuille vide, ignorée", WARNING))
        else:
            export.tables.append(_to_table(table, where, header, lambda frame=frame: iter([(frame, [])]),
                                           sheet.issues, sheet.rejected, sheet.header_row))


def _read_zip(export: Export, path: Path, scratch: Path) -> None:
    """Every member of a .zip: a small one read in memory, a larger one extracted into `scratch` (never
    beyond its declared size). Refused before anything is read: more than max_zip_members() files, or
    members expanding beyond max_expanded_bytes() or MAX_RATIO times the archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = [i for i in archive.infolist() if not i.is_dir()]
            if len(members) > max_zip_members():
                raise UnreadableInput(f"{path}: l'archive contient {len(members):,} fichiers (au plus "
                                      f"{max_zip_members():,}) : refusée ; regroupez les exports par table"
                                      .replace(",", " "))
            expanded, limit = sum(i.file_size for i in members), max_expanded_bytes()
            packed = sum(i.compress_size for i in members)
            if expanded > limit or expanded > MAX_RATIO * max(packed, 1) + (1 << 20):
                raise UnreadableInput(f"{path}: l'archive se décompresse en {_megabytes(expanded)} "
                                      f"(limite {_megabytes(limit)}, ou {MAX_RATIO} fois sa taille) : refusée")
            export.count(path, expanded)
            for info in members:
                member = PurePosixPath(info.filename)
                if "__MACOSX" in member.parts or member.name.startswith((".", "~$")):
                    continue
                display = f"{path}:{info.filename}"
                if member.suffix.lower() not in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm"):
                    _read_member(export, display, member.name, None, False, scratch)
                    continue
                if small_enough(info.file_size):
                    _read_member(export, display, member.name, _read_capped(archive, info), False, scratch)
                    continue
                copy = scratch_file(scratch, member.suffix.lower())
                export.temporary.append(copy)
                _extract_capped(archive, info, copy)
                _read_member(export, display, member.name, copy, named=False, scratch=scratch)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error) as e:
        raise UnreadableInput(f"{path}: archive .zip illisible ou abîmée : refusée") from e


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A small member's bytes, never more than its declared size (an archive may lie about it)."""
    with archive.open(info) as f:
        data = f.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise UnreadableInput(f"{info.filename}: taille réelle supérieure à la taille annoncée : archive refusée")
    return data


def _extract_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> None:
    """Copy a member into `target`, never more than its declared size (an archive may lie about it)."""
    with archive.open(info) as f, open(target, "wb") as out:
        left = info.file_size + 1
        while left > 0 and (block := f.read(min(1 << 20, left))):
            out.write(block)
            left -= len(block)
        if out.tell() > info.file_size:
            raise UnreadableInput(f"{info.filename}: taille réelle supérieure à la taille annoncée : archive refusée")


def _read_member(export: Export, display: str, name: str, path: Path | bytes | None, named: bool,
                 scratch: Path) -> None:
    """One file (or a zip member's bytes): a workbook (all its sheets) or a CSV named after its table."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        _read_workbook(export, display, path if isinstance(path, bytes) else path.read_bytes())
        return
    if suffix not in (".csv", ".txt", ".tsv"):
        if named:
            raise UnreadableInput(f"{display}: format non reconnu (attendu .csv, .xlsx ou .zip)")
        export.issues.append(Issue(display, None, "", None, "fichier ignoré : format non reconnu", WARNING))
        return
    table = table_for_name(PurePosixPath(name).stem)
    csv = open_csv(display, path, table, scratch)
    if csv.path is not None and csv.path != path:
        export.temporary.append(csv.path)
    if table is None and named:
        table = _table_from_headers(csv.header)
    if table is None:
        if named:
            raise UnreadableInput(f"{display}: impossible de savoir quelle table contient ce fichier "
                                  f"(nommez-le {', '.join(t + '.csv' for t in TABLES)})")
        export.issues.append(Issue(display, None, "", None,
                                   "fichier ignoré : son nom ne correspond à aucune table", WARNING))
        return
    if len(csv.header) > MAX_COLUMNS:
        raise UnreadableInput(f"{display}: {len(csv.header)} colonnes (au plus {MAX_COLUMNS}) : ce n'est pas une "
                              "table d'export PSYNAM, fichier refusé")
    export.tables.append(_to_table(table, display, csv.header, csv.pieces, csv.issues, 0, csv.header_line,
                                   csv.records if csv.data is not None else None))


# --- headers ---------------------------------------------------------------------------------------
def _table_from_headers(header: list[str]) -> str | None:
    """For a file given by name that is not a table name: the table whose key columns it holds."""
    keys = {header_key(h) for h in header}
    found = [t for t in TABLES.values()
             if all(any(header_map(t).get(k) == col for k in keys) for col in t.key)
             and sum(k in header_map(t) for k in keys) >= len(keys) / 2]
    return found[0].name if len(found) == 1 else None


def _to_table(table: str, display: str, header: list[str], pieces: Pieces, read_issues: list[Issue],
              rejected: int, header_line: int = 1, records: Records | None = None) -> RawTable:
    spec, accepted = TABLES[table], header_map(TABLES[table])
    written: dict[str, str] = {}
    issues, extra, chosen = [], [], {}
    for i, text in enumerate(header):
        key = header_key(text)
        if not key:
            continue
        column = accepted.get(key)
        if column is None:
            extra.append(text.strip())
        elif column in written:
            issues.append(Issue(display, header_line, text.strip(), None,
                                f"colonne en double : « {written[column]} » et « {text.strip()} » désignent {column}"))
        else:
            written[column], chosen[column] = text.strip(), i
    missing = [c for c in spec.columns if c.required and c.name not in written]
    if missing:
        issues.append(Issue(display, header_line, ", ".join(c.name for c in missing), None,
                            "colonnes requises absentes : "
                            + ", ".join(f"{c.name} ({c.alias})" for c in missing) + " ; fichier refusé"))
    if extra:
        issues.append(Issue(display, header_line, shown(", ".join(extra)), None,
                            "colonnes inconnues, ignorées : " + shown(", ".join(extra)), WARNING,
                            rule="colonnes inconnues"))
    refused = any(i.severity == ERROR for i in issues)   # the header's own issues
    return RawTable(table, display, pieces, chosen, written, list(read_issues) + issues, refused,
                    bad_rows=rejected, records=records)


def _is_total(last: dict, spec) -> bool:
    """Whether a last row (canonical column -> trimmed text) totals the ones above: a cell starting with
    "Total" and an empty (or "Total") id."""
    texts = [v for c, v in last.items() if c != LINE and v is not None]
    return bool(texts) and any(_TOTAL.match(t) for t in texts) and all(
        last[k] is None or _TOTAL.match(last[k]) for k in spec.key)


def _drop_total_row(frame: pl.DataFrame, spec, display: str, written: dict[str, str],
                    issues: list[Issue]) -> pl.DataFrame:
    """Leave out a last row that totals the ones above (spreadsheets add them)."""
    if frame.height == 0:
        return frame
    last = frame.row(frame.height - 1, named=True)
    if _is_total(last, spec):
        texts = [v for c, v in last.items() if c != LINE and v is not None]
        issues.append(Issue(display, last[LINE], "", texts[0], "ligne de total ignorée", WARNING))
        return frame.head(frame.height - 1)
    return frame


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
