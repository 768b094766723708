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
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from psynam import reference
from psynam.ingest import communes, values
from psynam.ingest.read import RawTable
from psynam.ingest.report import ERROR, WARNING, Issue, TableCounts
from psynam.ingest.tables import LINE, TABLES, Column

PROGRAMME_START = dt.date(2021, 9, 1)
WARNINGS_KEPT_PER_RULE = 50
SRC = "__src"


@dataclass
class Context:
    today: dt.date
    partners: set[str] | None = None        # known partner ids (database + this import), None if none known
    psychologists: set[str] | None = None


@dataclass
class Checked:
    table: str
    frame: pl.DataFrame                     # the valid rows, typed, canonical column names
    columns: list[str]                      # the columns the export holds (others are left as they are)
    counts: TableCounts
    issues: list[Issue] = field(default_factory=list)
    omitted_warnings: int = 0


@dataclass
class Check:
    column: str
    condition: pl.Expr
    message: values.Message
    severity: str = ERROR


def v(column: str) -> pl.Expr:
    """The typed value of a column (the raw text keeps the plain column name)."""
    return pl.col(f"{column}__v")


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


def _typed(frame: pl.DataFrame, col: Column) -> tuple[pl.DataFrame, list[Check]]:
    """Add the column's typed value (`<name>__v`) and its parse problems, computed once per distinct text."""
    parsed = _parse(col)
    if col.kind == "text":
        return frame.with_columns(parsed.value.alias(f"{col.name}__v")), []
    flags = [cond.alias(f"{col.name}__p{j}") for j, (cond, _) in enumerate(parsed.problems)]
    distinct = frame.select(col.name).unique().with_columns(parsed.value.alias(f"{col.name}__v"), *flags)
    frame = frame.join(distinct, on=col.name, how="left", nulls_equal=True, maintain_order="left")
    return frame, [Check(col.name, pl.col(f"{col.name}__p{j}"), message)
                   for j, (_, message) in enumerate(parsed.problems)]


_SLASHED = r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T].*)?$"


def month_first(raw: RawTable, spec) -> Issue | None:
    """A file whose dates are written month first (US order, `03/31/2024`) cannot be trusted for any of
    its dates, `03/04/2024` included: it is refused as a whole rather than guessed. The issue names the
    first date that shows the order (its second part above 12)."""
    for col in spec.columns:
        if col.kind != "date" or col.name not in raw.headers:
            continue
        found = raw.frame.lazy().select(LINE, col.name).filter(
            pl.col(col.name).str.extract(_SLASHED, 2).cast(pl.Int32, strict=False) > 12,
            pl.col(col.name).str.extract(_SLASHED, 1).cast(pl.Int32, strict=False) <= 12).head(1).collect()
        if found.height:
            line, value = found.row(0)
            return Issue(raw.file, line, raw.headers[col.name], value,
                         "date écrite mois avant jour (format américain) : l'ordre jour/mois de tout le fichier "
                         "est ambigu, fichier refusé ; exportez les dates en JJ/MM/AAAA ou AAAA-MM-JJ")
    return None


def check_table(table: str, raws: list[RawTable], context: Context) -> Checked:
    spec = TABLES[table]
    counts, issues = TableCounts(), []
    for r in raws:
        problem = None if r.refused else month_first(r, spec)
        if problem:
            r.issues.append(problem)
            r.refused = True
    usable = [r for r in raws if not r.refused]
    for r in raws:
        issues += r.issues
        counts.read += r.frame.height + r.bad_rows
        counts.rejected += r.bad_rows + (r.frame.height if r.refused else 0)
    frame = pl.concat([r.frame.with_columns(pl.lit(i, pl.Int32).alias(SRC)) for i, r in enumerate(usable)]) \
        if usable else pl.DataFrame(schema={**{c: pl.String for c in spec.column_names}, LINE: pl.Int64, SRC: pl.Int32})
    checks = []
    for c in spec.columns:
        if c.required:
            checks.append(Check(c.name, pl.col(c.name).is_null(), "valeur requise"))
        frame, problems = _typed(frame, c)
        checks += problems
    checks += RULES[table](context)

    masks = frame.lazy().select(ck.condition.fill_null(False).alias(f"k{i}")
                                for i, ck in enumerate(checks)).collect() if checks else pl.DataFrame()
    rejected = pl.Series("rejected", [False] * frame.height, dtype=pl.Boolean)
    omitted = 0
    for i, ck in enumerate(checks):
        mask = masks[f"k{i}"]
        if not mask.any():
            continue
        if ck.severity == ERROR:
            rejected = rejected | mask
        flagged = frame.filter(mask).select(SRC, LINE, ck.column)
        if ck.severity == WARNING and flagged.height > WARNINGS_KEPT_PER_RULE:
            omitted += flagged.height - WARNINGS_KEPT_PER_RULE
            flagged = flagged.head(WARNINGS_KEPT_PER_RULE)
        for src, line, value in flagged.iter_rows():
            reason = ck.message(value) if callable(ck.message) else ck.message
            issues.append(Issue(usable[src].file, line, usable[src].headers.get(ck.column, ck.column),
                                value, reason, ck.severity))
    duplicated, dup_issues = _duplicates(spec.key, frame, usable)
    issues += dup_issues
    rejected = rejected | duplicated
    counts.rejected += int(rejected.sum())

    valid = frame.filter(~rejected).select(v(c).alias(c) for c in spec.column_names)
    present = {c for r in usable for c in r.headers} | set(spec.key)
    columns = [c for c in spec.column_names if c in present]
    issues.sort(key=lambda i: (i.severity != ERROR, i.file, i.line or 0))
    return Checked(table, valid, columns, counts, issues, omitted)


def _duplicates(key: tuple[str, ...], frame: pl.DataFrame, usable: list[RawTable]):
    """Rows whose key appears more than once in the import, each reported with the others' lines."""
    keyed = frame.select(pl.all_horizontal(v(k).is_not_null() for k in key)
                         & pl.struct([v(k) for k in key]).is_duplicated()).to_series()
    issues = []
    if keyed.any():
        rows = frame.with_row_index("__row").filter(keyed).select("__row", SRC, LINE, *[v(k) for k in key], *key)
        groups: dict[tuple, list[tuple[int, int]]] = {}
        for row in rows.iter_rows():
            groups.setdefault(row[3:3 + len(key)], []).append((row[1], row[2]))
        for row in rows.iter_rows():
            src, line = row[1], row[2]
            others = [(s, l) for s, l in groups[row[3:3 + len(key)]] if (s, l) != (src, line)]
            where = ", ".join(f"ligne {l}" if s == src else f"{usable[s].file}:{l}" for s, l in others)
            column = ", ".join(usable[src].headers.get(k, k) for k in key)
            value = " / ".join(str(x) for x in row[3 + len(key):])
            issues.append(Issue(usable[src].file, line, column, value, f"identifiant en double (aussi {where})"))
    return keyed, issues


# --- rules per table -------------------------------------------------------------------------------
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
        Check("patient_id", individual & v("patient_id").is_null(), "requis pour une séance individuelle"),
        Check("patient_age", individual & pl.col("patient_age").is_null(), "requis pour une séance individuelle"),
        Check("patient_id", group & v("patient_id").is_not_null(), "doit être vide pour une séance de groupe"),
        Check("patient_age", group & pl.col("patient_age").is_not_null(), "doit être vide pour une séance de groupe"),
        Check("patient_age", (v("patient_age") < 0) | (v("patient_age") > 110), "âge hors limites (0 à 110 ans)"),
        Check("session_commune", pl.col("session_commune").is_null() & v("setting").is_not_null()
              & (v("setting") != "video"), "requise sauf pour une séance en vidéo"),
        Check("partner_id", (v("setting") == "partenaire") & v("partner_id").is_null(),
              "requis quand le lieu est « partenaire » (outreaching)"),
        Check("participants", group & pl.col("participants").is_null(), "requis pour une séance de groupe"),
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
