"""Typing and checking one table of an export: every rule of docs/data-contract.md, vectorised.

A check is a boolean Polars condition per row with a French reason; only the rows it flags become
Python `Issue`s. Errors reject the row, warnings do not. Beyond the contract, a coordinator gets:
- errors: a duplicated id (or year+network+category) anywhere in the import, each line naming the
  others; an end date before its start (partners.left_on, psychologists.ended_on, agreements.end_on);
  a session's participants below 1; a clairvision's or agreement's partner_id unknown when partners
  are known; an agreement's settings not all valid settings; a number with more than 2 decimals, an
  ambiguous one (`1.234`), one too large for its column; a budget year outside 2000–2100;
- warnings: a care-level code used outside its convention's validity (a 2021 code after 31/03/2024,
  a 2024 code before 01/04/2024, from care_levels.csv); a patient's age outside the public of the
  session's network (networks.csv: RSN 15+, RSK under 23); a group outside 4–15 participants; an
  individual session with participants other than 1; a session held outside the province; a
  psychologist_id unknown when psychologists are known; a clairvision or activity dated in the future
  or before 01/09/2021; an activity's partner_ids unknown; a partner joining in the future.

A table is checked a chunk of rows at a time (RawTable.chunks()): each chunk is typed and checked, and
all its rows — typed, with their file (`__src`), line and whether a check rejected them — are written
to the Stage (Parquet parts on disk, read by DuckDB), so that memory does not grow with the file. What
needs every row is then done in SQL on the stage: duplicated ids (across chunks and files), the merge.
A file with month-first dates is refused whole once it has been read through (its staged rows are
deleted). Issues are kept per rule: the first ERRORS_KEPT_PER_RULE errors and WARNINGS_KEPT_PER_RULE
warnings, the others counted (`omitted_errors`, `omitted_warnings`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import duckdb
import polars as pl

from psynam import reference
from psynam.ingest import communes, values
from psynam.ingest.csvfile import scratch_file
from psynam.ingest.read import RawTable
from psynam.ingest.report import ERROR, ERRORS_KEPT_PER_RULE, WARNING, WARNINGS_KEPT_PER_RULE, Capped, Issue, TableCounts
from psynam.ingest.tables import LINE, TABLES, Column

PROGRAMME_START = dt.date(2021, 9, 1)
LINES_NAMED = 20          # a duplicated id's message names at most this many other lines
SRC, REJECTED = "__src", "__rejected"    # stage columns: the file (index in raws), the row rejected


@dataclass
class Context:
    today: dt.date
    partners: set[str] | None = None        # known partner ids (database + this import), None if none known
    psychologists: set[str] | None = None


class Stage:
    """Every row of one table as checked — typed, with its file (`__src`), line and whether a check
    rejected it — kept on disk as Parquet parts (one per chunk) in a scratch folder, read by DuckDB.
    Parts are named like the store's temporary files (`<pid>-…`), so a killed import's are cleaned up."""

    def __init__(self, folder: Path, table: str):
        self.folder, self.table = folder, table
        self.parts: dict[int, list[Path]] = {}
        self.dups = f"_ingest_dups_{table}"      # a temporary table of `con`: the duplicated keys

    def add(self, src: int, rows: pl.DataFrame) -> None:
        path = scratch_file(self.folder, f".{self.table}.parquet")
        self.parts.setdefault(src, []).append(path)
        rows.write_parquet(path, compression="lz4", statistics=False)

    def drop(self, src: int) -> None:
        for path in self.parts.pop(src, []):
            path.unlink(missing_ok=True)

    @property
    def rows(self) -> str:
        """Every staged row, as SQL."""
        files = ", ".join("'" + str(p).replace("'", "''") + "'" for ps in self.parts.values() for p in ps)
        return f"read_parquet([{files}])"

    @property
    def valid(self) -> str:
        """The valid rows (not rejected by a check, key not duplicated), as SQL."""
        keys = ", ".join(f'"{k}"' for k in TABLES[self.table].key)
        return f"(select s.* from {self.rows} s anti join {self.dups} d using ({keys}) where not s.{REJECTED})"

    def close(self, con: duckdb.DuckDBPyConnection) -> None:
        """Delete the parts, drop the table of duplicated keys."""
        for src in list(self.parts):
            self.drop(src)
        with contextlib.suppress(duckdb.Error):
            con.execute(f"drop table if exists temp.main.{self.dups}")


@dataclass
class Checked:
    table: str
    stage: Stage                            # every row read, typed and checked
    columns: list[str]                      # the columns the export holds (others are left as they are)
    counts: TableCounts
    issues: list[Issue] = field(default_factory=list)
    omitted_warnings: int = 0
    omitted_errors: int = 0

    @property
    def valid(self) -> str:
        """The valid rows, as SQL (a subquery over the stage)."""
        return self.stage.valid

    def ids(self, con: duckdb.DuckDBPyConnection, column: str) -> set:
        assert column in TABLES[self.table].column_names
        return {r[0] for r in con.execute(f'select distinct "{column}" from {self.valid} v').fetchall()}


@dataclass
class _Kept:
    """Issues by rule, kept up to the rule's limit in the order they come, the others counted."""
    rules: dict[int, tuple[str, list[Issue]]] = field(default_factory=dict)
    omitted: dict[str, int] = field(default_factory=lambda: {ERROR: 0, WARNING: 0})

    def room(self, rule: int, severity: str) -> int:
        limit = ERRORS_KEPT_PER_RULE if severity == ERROR else WARNINGS_KEPT_PER_RULE
        return limit - len(self.rules.get(rule, (severity, []))[1])

    def add(self, rule: int, severity: str, issues: list[Issue], total: int) -> None:
        kept = issues[:max(self.room(rule, severity), 0)]
        self.rules.setdefault(rule, (severity, []))[1].extend(kept)
        self.omitted[severity] += total - len(kept)

    def merge(self, other: _Kept) -> None:
        for rule, (severity, issues) in other.rules.items():
            self.add(rule, severity, issues, len(issues))
        for severity, n in other.omitted.items():
            self.omitted[severity] += n

    def issues(self) -> list[Issue]:
        return [i for rule in sorted(self.rules) for i in self.rules[rule][1]]


@dataclass
class Check:
    column: str
    condition: pl.Expr
    message: values.Message
    severity: str = ERROR


def v(column: str) -> pl.Expr:
    """The typed value of a column (the raw text keeps the plain column name)."""
    return pl.col(f"{column}__v")


@lru_cache(maxsize=None)
def _parse(col: Column) -> values.Parsed:
    if col.kind == "date":
        return values.parse_date(col.name)
    if col.kind == "int":
        return values.parse_int(col.name)
    if col.kind == "decimal":
        return values.parse_decimal(col.name, col.scale, col.precision)
    if col.kind == "bool":
        return values.parse_bool(col.name)
    if col.kind == "code":
        return values.parse_code(col.name, col.code, col.allowed)
    if col.kind == "commune":
        return communes.parse_commune(col.name)
    if col.kind == "tags":
        return values.parse_tags(col.name)
    if col.kind == "code_tags":
        return values.parse_code_tags(col.name, col.code)
    if col.kind == "ids":
        return values.parse_ids(col.name)
    return values.parse_text(col.name)


def bad(column: str) -> pl.Expr:
    """Whether a column's text was rejected by one of its own checks (parse, length, control characters):
    a rule about a missing value then says nothing more about that cell."""
    return pl.col(f"{column}__bad")


def _too_long(limit: int) -> values.Message:
    return lambda value: f"texte trop long ({len(value):,} caractères ; au plus {limit})".replace(",", " ")


UNREAD = "valeur illisible : ni nombre, ni date, ni code reconnu"


# Texts a column's memo keeps across the chunks of one table (what each parsed to and its problems): dates,
# numbers, codes and communes repeat from chunk to chunk, and parsing even a handful of texts costs some
# tens of milliseconds per column and chunk (the expressions' own planning), half of checking a chunk of
# sessions. A column with more distinct texts than this is parsed chunk by chunk.
MEMO_ROWS = 200_000


def _typed(frame: pl.DataFrame, columns, memo: dict | None = None) -> tuple[pl.DataFrame, list[Check]]:
    """Add each column's typed value (`<name>__v`), its problems and whether any was found (`<name>__bad`),
    computed once per distinct text and put beside the text columns (which are not copied). `memo` (one
    per table checked: check_table) keeps the distinct texts already parsed, so that a chunk parses only
    the texts no earlier chunk held.

    Every value parses to what it says or is rejected: besides its own parse problems, a column's text
    is rejected when it holds a control character or is longer than its limit, and — the last guard —
    when it is not empty and its typed value is (whatever the reason, no value is ever dropped silently).
    A required column is then checked on its typed value, after parsing."""
    checks = []
    for col in columns:
        raw = pl.col(col.name)
        parsed = _parse(col)
        problems = [(raw.str.contains(values.CONTROL), values.control_reason),
                    (raw.str.len_chars() > col.limit, _too_long(col.limit)), *parsed.problems]
        names = [f"{col.name}__p{j}" for j in range(len(problems))]
        flags = [cond.alias(name) for (cond, _), name in zip(problems, names)]
        if col.kind == "text":
            frame = frame.with_columns(parsed.value.alias(f"{col.name}__v"), *flags)
        else:
            texts = frame.select(col.name).unique()
            known = memo.get(col.name) if memo is not None else None
            if known is not None:
                texts = texts.join(known.select(col.name), on=col.name, how="anti", nulls_equal=True)
            guarded = col.kind not in ("tags", "ids")     # an empty list of tags is no value, and says so
            guard = f"{col.name}__p{len(problems)}"

            def parse(texts: pl.DataFrame) -> pl.DataFrame:
                out = texts.with_columns(parsed.value.alias(f"{col.name}__v"), *flags)
                if guarded:
                    out = out.with_columns((raw.is_not_null() & pl.col(f"{col.name}__v").is_null()
                                            & ~pl.any_horizontal(pl.col(names).fill_null(False))).alias(guard))
                return out

            if known is None:
                distinct = parse(texts)
            elif texts.height:
                # The parsed columns' types follow from the expressions, not from the texts: the parts stack.
                distinct = pl.concat([known, parse(texts)])
            else:
                distinct = known                    # every text of the chunk parsed before: nothing to plan
            if memo is not None:
                if distinct.height <= MEMO_ROWS:
                    memo[col.name] = distinct
                else:
                    memo.pop(col.name, None)
            if guarded:
                names.append(guard)
                problems.append((None, UNREAD))
            typed = frame.select(col.name).join(distinct, on=col.name, how="left", nulls_equal=True,
                                                maintain_order="left")
            frame = frame.hstack(typed.drop(col.name).get_columns())
        frame = frame.with_columns(pl.any_horizontal(pl.col(names).fill_null(False)).alias(f"{col.name}__bad"))
        checks += [Check(col.name, pl.col(name), message) for name, (_, message) in zip(names, problems)]
        if col.required:
            checks.append(Check(col.name, v(col.name).is_null() & ~bad(col.name), "valeur requise"))
    return frame, checks


_SLASHED = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T].*)?$"


def month_first(frame: pl.DataFrame, spec, headers: dict[str, str]) -> dict[str, tuple[int, str]]:
    """For each date column of a chunk, its first date written month first (US order, `03/31/2024`:
    the second part above 12), as (line, text). A file showing one cannot be trusted for any of its
    dates, `03/04/2024` included: it is refused as a whole rather than guessed."""
    columns = [c.name for c in spec.columns if c.kind == "date" and c.name in headers]
    found = pl.collect_all([frame.lazy().select(LINE, c).filter(
        pl.col(c).str.extract(_SLASHED, 2).cast(pl.Int32, strict=False) > 12,
        pl.col(c).str.extract(_SLASHED, 1).cast(pl.Int32, strict=False) <= 12).head(1) for c in columns])
    return {c: first.row(0) for c, first in zip(columns, found) if first.height}


def _month_first_by_file(frame: pl.DataFrame, spec) -> dict[int, dict[str, tuple[int, str]]]:
    """month_first() for a batch of files at once: for each file (SRC) showing a month-first date, its
    first such date per date column."""
    columns = [c.name for c in spec.columns if c.kind == "date"]
    found = pl.collect_all([frame.lazy().filter(
        pl.col(c).str.extract(_SLASHED, 2).cast(pl.Int32, strict=False) > 12,
        pl.col(c).str.extract(_SLASHED, 1).cast(pl.Int32, strict=False) <= 12)
        .group_by(SRC, maintain_order=True).agg(pl.col(LINE).first(), pl.col(c).first()) for c in columns])
    out: dict[int, dict[str, tuple[int, str]]] = {}
    for c, rows in zip(columns, found):
        for src, line, value in rows.iter_rows():
            out.setdefault(src, {})[c] = (line, value)
    return out


def _month_first_issue(raw: RawTable, spec, found: dict[str, tuple[int, str]]) -> Issue:
    """The issue naming the first such date of the first date column (in the contract's order)."""
    column = next(c.name for c in spec.columns if c.name in found)
    line, value = found[column]
    return Issue(raw.file, line, raw.headers[column], value,
                 "date écrite mois avant jour (format américain) : l'ordre jour/mois de tout le fichier "
                 "est ambigu, fichier refusé ; exportez les dates en JJ/MM/AAAA ou AAAA-MM-JJ")


def _check(table: str, frame: pl.DataFrame, rules: list[Check],
           memo: dict | None = None) -> tuple[pl.DataFrame, list[Check], pl.DataFrame]:
    """A chunk typed (`<column>__v` beside each text column; `memo`: see _typed), the checks (parse
    problems, then the table's `rules`), and one mask per check."""
    frame, checks = _typed(frame, TABLES[table].columns, memo)
    checks += rules
    masks = frame.lazy().select(ck.condition.fill_null(False).alias(f"k{i}")
                                for i, ck in enumerate(checks)).collect()
    return frame, checks, masks


def _stage_rows(spec, frame: pl.DataFrame, src: int | pl.Expr, rejected: pl.Series) -> pl.DataFrame:
    """What the stage keeps of a typed chunk: the typed columns, the key as written (for messages), the
    file (`src`: one file's index, or the batch's SRC column), the line, and whether the row is rejected."""
    source = src if isinstance(src, pl.Expr) else pl.lit(src, pl.Int32)
    return frame.select(*[v(c).alias(c) for c in spec.column_names],
                        *[pl.col(k).alias(f"__raw_{k}") for k in spec.key],
                        pl.col(LINE), source.cast(pl.Int32).alias(SRC), rejected.alias(REJECTED))


def _flag(table: str, frame: pl.DataFrame, rules: list[Check], kept: _Kept, where,
          memo: dict | None = None) -> tuple[pl.DataFrame, pl.Series]:
    """Type and check one chunk (one file's, or a batch of small files'); add its issues to `kept` —
    `where(row)` gives (file, header) of a flagged row, given as (line, value, src) — and return the typed
    chunk with the mask of rejected rows."""
    typed, checks, masks = _check(table, frame, rules, memo)
    rejected = pl.Series(REJECTED, [False] * typed.height, dtype=pl.Boolean)
    batch = SRC in typed.columns
    for i, ck in enumerate(checks):
        mask = masks[f"k{i}"]
        total = int(mask.sum())
        if not total:
            continue
        if ck.severity == ERROR:
            rejected = rejected | mask
        shown = [LINE, ck.column] + ([SRC] if batch else [])
        flagged = typed.filter(mask).select(shown).head(max(kept.room(i, ck.severity), 0))
        issues = []
        for line, value, *src in flagged.iter_rows():
            file, header = where(src[0] if src else None, ck.column)
            issues.append(Issue(file, line, header, value, ck.message(value) if callable(ck.message) else ck.message,
                                ck.severity, ck.column))
        kept.add(i, ck.severity, issues, total)
    return typed, rejected


BATCH_ROWS = 50_000   # small files of one table (one chunk each) are typed and checked together, up to this


def check_table(con: duckdb.DuckDBPyConnection, table: str, raws: list[RawTable], context: Context,
                stage: Stage, progress: Callable[[int], None] = lambda rows: None) -> Checked:
    """Read, type and check every file of one table, chunk by chunk, into `stage`; then find duplicated
    keys and count, in SQL. `progress` is told the number of rows read after each chunk.

    Typing a chunk costs some tens of milliseconds whatever its size, so files that fit in one chunk (a
    zip of 5,000 one-row monthly files) are gathered and checked as one batch (up to BATCH_ROWS rows),
    each row keeping its file; a file spanning several chunks is checked chunk by chunk."""
    spec = TABLES[table]
    counts, kept = TableCounts(), _Kept()
    rules = RULES[table](context)
    memo: dict[str, pl.DataFrame] = {}                   # the distinct texts parsed so far, per column (_typed)
    empty = pl.DataFrame(schema={**{c: pl.String for c in spec.column_names}, LINE: pl.Int64})
    typed, _, _ = _check(table, empty, rules)
    stage.add(-1, _stage_rows(spec, typed, -1, pl.Series(REJECTED, [], pl.Boolean)))   # the columns, no row
    read = 0
    batch: list[tuple[int, pl.DataFrame]] = []                     # files of one chunk, as frames
    small: list[tuple[int, list[list[str | None]], list[int]]] = []  # small CSV files, as rows (RawTable.small)

    def where(src, column):
        return raws[src].file, raws[src].headers.get(column, column)

    batched = 0                                                       # rows in batch and small

    def flush():
        nonlocal batch, small, batched
        if not batch and not small:
            return
        frames = [f.with_columns(pl.lit(src, pl.Int32).alias(SRC)) for src, f in batch]
        if small:
            names = spec.column_names
            rows = pl.DataFrame([r for _, found, _ in small for r in found], schema={n: pl.String for n in names},
                                orient="row")
            frames.append(rows.with_columns(
                *[values.clean_text(pl.col(n)).alias(n) for n in names],
                pl.Series(LINE, [n for _, _, lines in small for n in lines], dtype=pl.Int64),
                pl.Series(SRC, [src for src, found, _ in small for _ in found], dtype=pl.Int32)))
        frame = pl.concat(frames, how="vertical")
        batch, small, batched = [], [], 0
        for src, found in _month_first_by_file(frame, spec).items():     # such a file is refused whole
            raw = raws[src]
            raw.issues.append(_month_first_issue(raw, spec, found))
            raw.refused = True
            counts.rejected += raw.rows
            frame = frame.filter(pl.col(SRC) != src)
        if frame.height:
            typed, rejected = _flag(table, frame, rules, kept, where, memo)
            stage.add(-2, _stage_rows(spec, typed, pl.col(SRC), rejected))
            counts.rejected += int(rejected.sum())
        progress(read)

    for src, raw in enumerate(raws):
        if raw.small:
            found, lines = raw.small_rows()
            read += len(found)
            if found and not raw.refused:
                small.append((src, found, lines))
                batched += len(found)
            counts.read += raw.rows + raw.bad_rows
            counts.rejected += raw.bad_rows + (raw.rows if raw.refused else 0)
            if batched >= BATCH_ROWS:
                flush()
            continue
        chunks = raw.chunks()
        first = next(chunks, None)
        second = next(chunks, None) if first is not None else None
        if second is None:          # the whole file in one chunk (or none): into the batch
            if first is not None:
                read += first.height
                if not raw.refused:
                    batch.append((src, first))
                    batched += first.height
            counts.read += raw.rows + raw.bad_rows
            counts.rejected += raw.bad_rows + (raw.rows if raw.refused else 0)
            if batched >= BATCH_ROWS:
                flush()
            continue
        flush()
        # A large file: its issues and rows rejected by a check (counted unless the file is refused), and
        # its first dates written month first.
        mine, rejections, dates = _Kept(), 0, {}
        # chain, not (first, second, *chunks): unpacking held every chunk of the file at once (3.2 GB at 10 M)
        for chunk in itertools.chain((first, second), chunks):
            read += chunk.height
            if raw.refused:
                continue                # a header refused: the rows are only counted
            for column, found in month_first(chunk, spec, raw.headers).items():
                dates.setdefault(column, found)
            if dates:
                continue                # the file will be refused: its rows need no more checking
            typed, rejected = _flag(table, chunk, rules, mine, lambda _, column, raw=raw: (
                raw.file, raw.headers.get(column, column)), memo)
            stage.add(src, _stage_rows(spec, typed, src, rejected))
            rejections += int(rejected.sum())
            progress(read)
        if dates:
            raw.issues.append(_month_first_issue(raw, spec, dates))
            raw.refused = True
            stage.drop(src)
        else:
            kept.merge(mine)
            counts.rejected += rejections
        counts.read += raw.rows + raw.bad_rows
        counts.rejected += raw.bad_rows + (raw.rows if raw.refused else 0)
    flush()

    counts.rejected += _duplicates(con, stage, spec, raws, kept)
    read_issues = Capped()           # the files' own issues (header, ragged rows…), per rule across files
    for r in raws:
        read_issues.extend(r.issues)
        for severity, n in r.omitted.items():
            read_issues.omitted[severity] += n
    issues = read_issues.kept + kept.issues()
    issues.sort(key=lambda i: (i.severity != ERROR, i.file, i.line or 0))
    present = {c for r in raws if not r.refused for c in r.headers} | set(spec.key)
    columns = [c for c in spec.column_names if c in present]
    return Checked(table, stage, columns, counts, issues, kept.omitted[WARNING] + read_issues.omitted[WARNING],
                   kept.omitted[ERROR] + read_issues.omitted[ERROR])


def _duplicates(con: duckdb.DuckDBPyConnection, stage: Stage, spec, raws: list[RawTable], kept: _Kept) -> int:
    """Find the keys that appear more than once in the import (stage.dups), report each such row with
    the others' lines (the first ERRORS_KEPT_PER_RULE of them, in file and line order), and return the
    number of such rows not already rejected by a check."""
    keys = ", ".join(f'"{k}"' for k in spec.key)
    keyed = " and ".join(f'"{k}" is not null' for k in spec.key)
    con.execute(f"create or replace temp table {stage.dups} as "
                f"select {keys} from {stage.rows} where {keyed} group by all having count(*) > 1")
    if not con.execute(f"select count(*) from {stage.dups}").fetchall()[0][0]:
        return 0
    total, valid = con.execute(f"select count(*), count(*) filter (where not {REJECTED}) from {stage.rows} "
                               f"semi join {stage.dups} d using ({keys})").fetchall()[0]
    on = f"{stage.rows} s semi join {stage.dups} d using ({keys})"
    lists = (f"(select {keys}, list_slice(list({{'src': {SRC}, 'line': {LINE}}} order by {SRC}, {LINE}), 1, "
             f"{LINES_NAMED + 1}) as rows, count(*) as copies from {on} group by all)")
    raw_keys = ", ".join(f's."__raw_{k}"' for k in spec.key)
    first = con.execute(f"select s.{SRC}, s.{LINE}, {raw_keys}, d.rows, d.copies from {stage.rows} s "
                        f"join {lists} d using ({keys}) order by s.{SRC}, s.{LINE} "
                        f"limit {ERRORS_KEPT_PER_RULE}").fetchall()
    issues = []
    for row in first:
        src, line, rows, copies = row[0], row[1], row[-2], row[-1]
        others = [(o["src"], o["line"]) for o in rows if (o["src"], o["line"]) != (src, line)][:LINES_NAMED]
        where = ", ".join(f"ligne {l}" if s == src else f"{raws[s].file}:{l}" for s, l in others)
        if copies - 1 > len(others):
            where += f", … {copies} fois en tout"
        column = ", ".join(raws[src].headers.get(k, k) for k in spec.key)
        value = " / ".join(str(x) for x in row[2:-2])
        issues.append(Issue(raws[src].file, line, column, value, f"identifiant en double (aussi {where})",
                            field=spec.key[0]))
    kept.add(1 << 30, ERROR, issues, total)      # after every check of the table, as the last rule
    return valid


# --- rules per table -------------------------------------------------------------------------------
def missing(column: str) -> pl.Expr:
    """No value, and not because the text was rejected (that has its own message)."""
    return v(column).is_null() & ~bad(column)


def _known(column: str, ids: set[str] | None, message: str, severity: str = ERROR) -> list[Check]:
    if not ids:
        return []
    return [Check(column, v(column).is_not_null() & ~v(column).is_in(sorted(ids)), message, severity)]


def _dated(column: str, context: Context, severity: str) -> list[Check]:
    return [
        Check(column, v(column) > context.today, "date dans le futur", severity),
        Check(column, v(column) < PROGRAMME_START, "date antérieure au début du programme (01/09/2021)", severity),
    ]


def _not_before(column: str, start: str, message: str) -> Check:
    return Check(column, v(column) < v(start), message)


def _sessions(context: Context) -> list[Check]:
    individual, group = v("format") == "individuel", v("format") == "groupe"
    checks = _dated("session_date", context, ERROR) + [
        Check("patient_id", individual & missing("patient_id"), "requis pour une séance individuelle"),
        Check("patient_age", individual & missing("patient_age"), "requis pour une séance individuelle"),
        Check("patient_id", group & v("patient_id").is_not_null(), "doit être vide pour une séance de groupe"),
        Check("patient_age", group & pl.col("patient_age").is_not_null(), "doit être vide pour une séance de groupe"),
        Check("patient_age", (v("patient_age") < 0) | (v("patient_age") > 110), "âge hors limites (0 à 110 ans)"),
        Check("session_commune", missing("session_commune") & v("setting").is_not_null()
              & (v("setting") != "video"), "requise sauf pour une séance en vidéo"),
        Check("partner_id", (v("setting") == "partenaire") & missing("partner_id"),
              "requis quand le lieu est « partenaire » (outreaching)"),
        Check("participants", group & missing("participants"), "requis pour une séance de groupe"),
        Check("participants", v("participants") < 1, "doit valoir au moins 1"),
        Check("participants", group & (v("participants") >= 1) & ((v("participants") < 4) | (v("participants") > 15)),
              "hors de la fourchette attendue pour un groupe (4 à 15)", WARNING),
        Check("participants", individual & (v("participants") != 1),
              "une séance individuelle compte 1 participant", WARNING),
        Check("fee_inami_eur", v("fee_inami_eur") < 0, "montant négatif"),
        Check("fee_patient_eur", v("fee_patient_eur") < 0, "montant négatif"),
        Check("session_commune", v("session_commune").is_not_null()
              & ~v("session_commune").is_in(sorted(communes.index().province)), "commune hors province", WARNING),
    ]
    for level in reference.frame("ref_care_levels").iter_rows(named=True):
        outside = v("session_date") < level["valid_from"]
        if level["valid_to"] is not None:
            outside = outside | (v("session_date") > level["valid_to"])
        checks.append(Check("care_level", (v("care_level") == level["code"]) & outside,
                            f"code « {level['code']} » utilisé hors de la période de la convention "
                            f"{level['convention']}", WARNING))
    for net in reference.frame("ref_networks").iter_rows(named=True):
        low, high = net["min_age"], net["max_age"]
        outside = (v("patient_age") < (low if low is not None else 0)) | (
            (v("patient_age") > high) if high is not None else pl.lit(False))
        checks.append(Check("patient_age", (v("network") == net["network"]) & outside,
                            f"âge hors du public du réseau {net['network']} ({net['public_fr']})", WARNING))
    checks += _known("partner_id", context.partners, "partenaire inconnu (absent de la table partners)")
    checks += _known("psychologist_id", context.psychologists, "psychologue inconnu (absent de psychologists)", WARNING)
    return checks


def _clairvisions(context: Context) -> list[Check]:
    return _dated("clairvision_date", context, WARNING) + [
        Check("participants", v("participants") < 1, "doit valoir au moins 1"),
        Check("duration_hours", v("duration_hours") <= 0, "doit être supérieure à 0"),
        Check("fee_inami_eur", v("fee_inami_eur") < 0, "montant négatif"),
    ] + _known("partner_id", context.partners, "partenaire inconnu (absent de la table partners)") \
      + _known("psychologist_id", context.psychologists, "psychologue inconnu (absent de psychologists)", WARNING)


def _partners(context: Context) -> list[Check]:
    return [_not_before("left_on", "joined_on", "date de sortie antérieure à la date d'adhésion"),
            Check("joined_on", v("joined_on") > context.today, "date dans le futur", WARNING)]


def _psychologists(context: Context) -> list[Check]:
    return [_not_before("ended_on", "conventioned_on", "date de fin antérieure au conventionnement")]


def _agreements(context: Context) -> list[Check]:
    return [_not_before("end_on", "start_on", "date de fin antérieure à la date de début"),
            Check("hours_per_month", v("hours_per_month") <= 0, "doit être supérieur à 0")] \
        + _known("partner_id", context.partners, "partenaire inconnu (absent de la table partners)") \
        + _known("psychologist_id", context.psychologists, "psychologue inconnu (absent de psychologists)", WARNING)


def _budget(context: Context) -> list[Check]:
    return [Check("year", (v("year") < 2000) | (v("year") > 2100), "année invalide"),
            Check("envelope_eur", v("envelope_eur") < 0, "montant négatif")]


def _activities(context: Context) -> list[Check]:
    checks = _dated("activity_date", context, WARNING) + [
        Check("participants", v("participants") < 0, "ne peut pas être négatif")]
    if context.partners:
        known = sorted(context.partners)
        checks.append(Check("partner_ids", ~v("partner_ids").str.split("|").list.eval(
            pl.element().is_in(known)).list.all(), "partenaire(s) inconnu(s) dans la liste", WARNING))
    return checks


RULES = {"sessions": _sessions, "clairvisions": _clairvisions, "partners": _partners,
         "psychologists": _psychologists, "agreements": _agreements, "budget": _budget,
         "activities": _activities}
