"""Reading an export — CSV files, a folder or .zip of them, an .xlsx workbook — into frames of text.

Every value stays text here (trimmed, empty = null), under its canonical column name, with the
physical line it came from (`__line`: CSV line with header = 1, or sheet row). Headers are matched to
the contract's English or French names; what cannot be matched is reported, not guessed.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import polars as pl

from psynam.ingest.csvfile import read_csv
from psynam.ingest.report import ERROR, WARNING, Issue, UnreadableInput
from psynam.ingest.tables import LINE, TABLES, header_key, header_map, table_for_name
from psynam.ingest.values import clean_text
from psynam.ingest.workbook import read_workbook


@dataclass
class RawTable:
    table: str
    file: str                                   # as shown in messages: path, or archive:member, or book:sheet
    frame: pl.DataFrame                         # canonical columns (text) + __line
    headers: dict[str, str] = field(default_factory=dict)   # canonical column -> header as written
    issues: list[Issue] = field(default_factory=list)
    refused: bool = False                       # the whole file is rejected (missing columns…)
    bad_rows: int = 0                           # rows rejected while reading (wrong number of fields)


@dataclass
class Export:
    tables: list[RawTable] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)


def read_export(paths) -> Export:
    export = Export()
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise UnreadableInput(f"{p}: fichier ou dossier introuvable")
        if path.is_dir():
            files = sorted(f for f in path.iterdir() if f.is_file() and not f.name.startswith((".", "~$")))
            for f in files:
                _read_member(export, str(f), f.name, lambda f=f: f, named=False)
                if f.suffix.lower() in (".csv", ".txt", ".tsv", ".xlsx", ".xlsm"):
                    export.sources.append({"file": str(f), "sha256": _sha256(f)})
        elif path.suffix.lower() == ".zip":
            _read_zip(export, path)
            export.sources.append({"file": str(path), "sha256": _sha256(path)})
        else:
            _read_member(export, str(path), path.name, lambda: path, named=True)
            export.sources.append({"file": str(path), "sha256": _sha256(path)})
    return export


def _read_workbook(export: Export, display: str, data: bytes) -> None:
    for title, header, frame in read_workbook(display, data):
        where = f"{display}:{title}"
        table = table_for_name(title)
        if table is None:
            export.issues.append(Issue(where, None, "", None,
                                       "feuille ignorée : son nom ne correspond à aucune table", WARNING))
        elif header is None:
            export.issues.append(Issue(where, None, "", None, "feuille vide, ignorée", WARNING))
        else:
            export.tables.append(_to_table(table, where, header, frame, []))


def _read_zip(export: Export, path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                member = PurePosixPath(info.filename)
                if info.is_dir() or "__MACOSX" in member.parts or member.name.startswith((".", "~$")):
                    continue
                _read_member(export, f"{path}:{info.filename}", member.name,
                             lambda info=info: archive.read(info), named=False)
    except zipfile.BadZipFile as e:
        raise UnreadableInput(f"{path}: archive .zip illisible ({e})") from e


def _read_member(export: Export, display: str, name: str, load, named: bool) -> None:
    """One file: a workbook (all its sheets) or a CSV named after its table."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        data = load()
        _read_workbook(export, display, data.read_bytes() if isinstance(data, Path) else data)
        return
    if suffix not in (".csv", ".txt", ".tsv"):
        if named:
            raise UnreadableInput(f"{display}: format non reconnu (attendu .csv, .xlsx ou .zip)")
        export.issues.append(Issue(display, None, "", None, "fichier ignoré : format non reconnu", WARNING))
        return
    table = table_for_name(PurePosixPath(name).stem)
    header, frame, bad = read_csv(display, load())
    if table is None and named:
        table = _table_from_headers(header)
    if table is None:
        if named:
            raise UnreadableInput(f"{display}: impossible de savoir quelle table contient ce fichier "
                                  f"(nommez-le {', '.join(t + '.csv' for t in TABLES)})")
        export.issues.append(Issue(display, None, "", None,
                                   "fichier ignoré : son nom ne correspond à aucune table", WARNING))
        return
    export.tables.append(_to_table(table, display, header, frame, bad))


# --- headers ---------------------------------------------------------------------------------------
def _table_from_headers(header: list[str]) -> str | None:
    """For a file given by name that is not a table name: the table whose key columns it holds."""
    keys = {header_key(h) for h in header}
    found = [t for t in TABLES.values()
             if all(any(header_map(t).get(k) == col for k in keys) for col in t.key)
             and sum(k in header_map(t) for k in keys) >= len(keys) / 2]
    return found[0].name if len(found) == 1 else None


def _to_table(table: str, display: str, header: list[str], frame: pl.DataFrame, bad: list[Issue]) -> RawTable:
    spec, accepted = TABLES[table], header_map(TABLES[table])
    written: dict[str, str] = {}
    issues, extra, chosen = list(bad), [], {}
    for i, text in enumerate(header):
        key = header_key(text)
        if not key:
            continue
        column = accepted.get(key)
        if column is None:
            extra.append(text.strip())
        elif column in written:
            issues.append(Issue(display, 1, text.strip(), None,
                                f"colonne en double : « {written[column]} » et « {text.strip()} » désignent {column}"))
        else:
            written[column], chosen[column] = text.strip(), f"c{i}"
    missing = [c for c in spec.columns if c.required and c.name not in written]
    if missing:
        issues.append(Issue(display, 1, ", ".join(c.name for c in missing), None,
                            "colonnes requises absentes : "
                            + ", ".join(f"{c.name} ({c.alias})" for c in missing) + " ; fichier refusé"))
    if extra:
        issues.append(Issue(display, 1, ", ".join(extra), None,
                            "colonnes inconnues, ignorées : " + ", ".join(extra), WARNING))
    frame = frame.select(
        *[clean_text(pl.col(chosen[c]) if c in chosen else pl.lit(None, pl.String)).alias(c)
          for c in spec.column_names], LINE)
    frame = frame.filter(pl.any_horizontal(pl.col(spec.column_names).is_not_null()))
    refused = any(i.severity == ERROR and i.line == 1 for i in issues)
    return RawTable(table, display, frame, written, issues, refused, bad_rows=len(bad))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
