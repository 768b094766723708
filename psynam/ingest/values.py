"""Normalising one column of text into its typed value, as vectorised Polars expressions.

Each `parse_*` returns a `Parsed`: the typed value (null when the text is empty or unusable) and the
problems found, each a boolean condition with a French reason. Coded values go through
data/reference/value_aliases.csv plus the codes and French labels of the reference tables.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable

import polars as pl

from psynam import REFERENCE_DIR
from psynam.ingest.report import CONTROL_RE

Message = str | Callable[[str], str]


@dataclass
class Parsed:
    value: pl.Expr
    problems: list[tuple[pl.Expr, Message]] = field(default_factory=list)


def value_key(text: str) -> str:
    """A coded value reduced for matching: lower case, no accents, letters, digits and '+' only."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^a-z0-9+]", "", text)


def key_expr(expr: pl.Expr) -> pl.Expr:
    """value_key() as a Polars expression."""
    return (expr.str.to_lowercase().str.normalize("NFKD")
            .str.replace_all(r"\p{M}", "").str.replace_all(r"[^a-z0-9+]", ""))


# kind -> (reference file, code column): every code and its French label are accepted spellings.
_REFERENCE_CODES = {
    "care_level": ("care_levels.csv", "code"),
    "sector": ("sectors.csv", "sector"),
    "setting": ("settings.csv", "setting"),
    "format": ("formats.csv", "format"),
    "network": ("networks.csv", "network"),
    "budget_category": ("budget_categories.csv", "category"),
}


@lru_cache(maxsize=None)
def aliases() -> dict[str, dict[str, str]]:
    """kind -> {value_key(spelling): code}. Two spellings of one kind meeting on one key is an error."""
    table: dict[str, dict[str, str]] = {}

    def add(kind: str, spelling: str, code: str, origin: str) -> None:
        key = value_key(spelling)
        known = table.setdefault(kind, {})
        if known.get(key, code) != code:
            raise ValueError(f"{origin}: '{spelling}' means both {known[key]} and {code} for {kind}")
        known[key] = code

    for kind, (file, column) in _REFERENCE_CODES.items():
        with open(REFERENCE_DIR / file, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                add(kind, row[column], row[column], file)
                add(kind, row["label_fr"], row[column], file)
    with open(REFERENCE_DIR / "value_aliases.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            add(row["kind"], row["alias"], row["code"], "value_aliases.csv")
    return table


def codes(kind: str) -> list[str]:
    return sorted(set(aliases()[kind].values()))


def clean_text(expr: pl.Expr) -> pl.Expr:
    """Surrounding spaces (including non-breaking ones) removed; an empty cell is null."""
    stripped = expr.str.strip_chars()
    return pl.when(stripped.str.len_bytes() > 0).then(stripped)


def parse_text(col: str) -> Parsed:
    return Parsed(pl.col(col))


# --- what every value is checked for -------------------------------------------------------------
# Digits other than 0-9 (Arabic-Indic `٨٣`, full-width `８３`, Devanagari…) are refused, not converted:
# no Belgian export writes them, so they mean a file typed or converted by hand, and NFKC would convert
# only some of them (full-width, not Arabic-Indic). Control characters (C0 except tab and line breaks,
# DEL, C1) are refused in every column: a NUL or an escape in an id or a name is a broken file, never data.
FOREIGN_DIGIT = r"[\p{Nd}--[0-9]]"
CONTROL = r"[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x{9F}]"
FOREIGN_DIGIT_REASON = "chiffres autres que 0 à 9 : écrivez le nombre avec les chiffres 0 à 9"


def control_reason(value: str) -> str:
    found = CONTROL_RE.search(value)
    code = f"U+{ord(found.group()):04X}" if found else "?"
    return f"caractère de contrôle invisible ({code}) : fichier abîmé ? Corrigez cette valeur"


# --- dates ---------------------------------------------------------------------------------------
# Accepted: ISO `2024-03-31`; day first `31/03/2024`, `31-3-2024`, `31.03.2024`; an Excel serial number
# `45382` (a date cell that lost its format: days since 30/12/1899, accepted from 36526 = 1/1/2000 to
# 73051 = 31/12/2099). Day before month is the Belgian order; a file showing month-first dates is refused
# as a whole (validate.month_first). A two-digit year (`31/3/24`, `24-03-31`) is refused: `24-03-31` may
# be 24/03/2031 or 31/03/2024, and the rules on each table cannot tell which was meant.
_TIME = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_ISO = r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + _TIME + "$"
_DMY = r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})" + _TIME + "$"
_TWO_DIGIT_YEAR = r"^[0-9]{1,2}[/.-][0-9]{1,2}[/.-][0-9]{2}" + _TIME + "$"
_SERIAL = r"^([0-9]{5})(?:\.[0-9]+)?$"
SERIAL_RANGE = (36526, 73051)
EXCEL_EPOCH = dt.date(1899, 12, 30)


def parse_date(col: str) -> Parsed:
    raw = pl.col(col)
    ymd = (pl.when(raw.str.contains(_ISO)).then(raw.str.replace(_ISO, "${1}-${2}-${3}"))
           .when(raw.str.contains(_DMY)).then(raw.str.replace(_DMY, "${3}-${2}-${1}")))
    serial = raw.str.extract(_SERIAL).cast(pl.Int64, strict=False)
    in_range = serial.is_between(*SERIAL_RANGE)
    value = (pl.when(serial.is_not_null())
             .then(pl.when(in_range).then(pl.lit(EXCEL_EPOCH) + pl.duration(days=serial)))
             .otherwise(ymd.str.to_date("%Y-%m-%d", strict=False))).cast(pl.Date)
    foreign = raw.str.contains(FOREIGN_DIGIT)
    two_digits = raw.str.contains(_TWO_DIGIT_YEAR)
    return Parsed(value, [
        (raw.is_not_null() & foreign, "chiffres autres que 0 à 9 : écrivez la date avec les chiffres 0 à 9"),
        (raw.is_not_null() & two_digits,
         "année à deux chiffres : écrivez l'année en entier (JJ/MM/AAAA, par exemple 31/03/2024)"),
        (raw.is_not_null() & value.is_null() & ~foreign & ~two_digits,
         "date invalide (attendu JJ/MM/AAAA, AAAA-MM-JJ ou une date Excel)"),
    ])


# --- numbers ---------------------------------------------------------------------------------------
# A currency sign or word at either end is dropped (`83,00 €`, `EUR 83`). Spaces (ordinary, no-break,
# narrow or thin) and apostrophes may only group digits by three before the decimal separator
# (`1 234,56`, `1'234.56`); `12 34,5` is refused, not read as 1234,5.
_GROUP_SEP = "[ \u00a0\u202f\u2009']"
_SPACED = rf"^[+-]?[0-9]{{1,3}}(?:{_GROUP_SEP}[0-9]{{3}})+(?:[.,][0-9]+)?$"
_NUMBER_FORMS = [  # (pattern, thousands separator to drop, decimal separator to make '.')
    (r"^[+-]?[0-9]+$", None, None),
    (r"^[+-]?[0-9]{1,3}(\.[0-9]{3})+,[0-9]+$", ".", ","),     # 1.234,56
    (r"^[+-]?[0-9]{1,3}(,[0-9]{3})+\.[0-9]+$", ",", None),    # 1,234.56
    (r"^[+-]?[0-9]{1,3}(\.[0-9]{3}){2,}$", ".", None),        # 1.234.567
    (r"^[+-]?[0-9]{1,3}(,[0-9]{3}){2,}$", ",", None),         # 1,234,567
]
_AMBIGUOUS = r"^[+-]?[1-9][0-9]{0,2}[.,][0-9]{3}$"            # 1.234 / 1,234: thousands or decimals?
_DECIMAL = r"^[+-]?[0-9]*[.,][0-9]+$"
_DIGITS_AND_SEPARATORS = r"^[+-]?[0-9]+(?:[ \u00a0\u202f\u2009'.,]+[0-9]+)*$"


def _compact(raw: pl.Expr) -> pl.Expr:
    """The number's text without its currency, and without its thousands spaces when they group by three."""
    s = (raw.str.replace(r"^(?i:€|eur)\s*", "").str.replace(r"\s*(?i:€|eur)$", "")
         .str.strip_chars())
    return pl.when(s.str.contains(_SPACED)).then(s.str.replace_all(_GROUP_SEP, "")).otherwise(s)


def number_text(raw: pl.Expr) -> pl.Expr:
    """The number written in `raw` as plain '-1234.56' text, null if it is not one (or ambiguous)."""
    s = _compact(raw)
    out = pl.when(pl.lit(False)).then(pl.lit(None, pl.String))
    for pattern, thousands, decimal in _NUMBER_FORMS:
        t = s if thousands is None else s.str.replace_all(thousands, "", literal=True)
        t = t if decimal is None else t.str.replace(decimal, ".", literal=True)
        out = out.when(s.str.contains(pattern)).then(t)
    out = out.when(s.str.contains(_AMBIGUOUS)).then(None)
    out = out.when(s.str.contains(_DECIMAL)).then(s.str.replace(",", ".", literal=True))
    return out.str.replace(r"^\+", "").str.replace(r"^(-?)\.", "${1}0.")


def _number_problems(raw: pl.Expr, text: pl.Expr) -> list[tuple[pl.Expr, Message]]:
    s = _compact(raw)
    foreign = raw.str.contains(FOREIGN_DIGIT)
    grouping = ~foreign & s.str.contains(_GROUP_SEP) & s.str.contains(_DIGITS_AND_SEPARATORS)
    ambiguous = ~foreign & s.str.contains(_AMBIGUOUS)
    return [
        (raw.is_not_null() & foreign, FOREIGN_DIGIT_REASON),
        (raw.is_not_null() & grouping,
         "chiffres mal groupés : les espaces séparent les milliers par trois (1 234,5) ; sinon écrivez 1234,5"),
        (raw.is_not_null() & ambiguous, "séparateur ambigu (milliers ou décimales ?) : écrivez 1234 ou 1,23"),
        (raw.is_not_null() & text.is_null() & ~foreign & ~grouping & ~ambiguous, "nombre invalide"),
    ]


def _fraction(text: pl.Expr) -> pl.Expr:
    return text.str.extract(r"\.([0-9]*)$").fill_null("").str.strip_chars_end("0")


def _integer_digits(text: pl.Expr) -> pl.Expr:
    return text.str.extract(r"^-?0*([0-9]*)").str.len_chars()


def parse_decimal(col: str, scale: int, precision: int) -> Parsed:
    raw = pl.col(col)
    text = number_text(raw)
    too_precise = _fraction(text).str.len_chars() > scale
    too_large = _integer_digits(text) > precision - scale
    value = pl.when(~too_precise & ~too_large).then(text.cast(pl.Decimal(precision, scale), strict=False))
    return Parsed(value, _number_problems(raw, text) + [
        (text.is_not_null() & too_precise, f"plus de {scale} décimales (montants exacts au cent)"),
        (text.is_not_null() & ~too_precise & too_large, "nombre trop grand"),
    ])


def parse_int(col: str) -> Parsed:
    raw = pl.col(col)
    text = number_text(raw)
    fractional = _fraction(text).str.len_chars() > 0
    too_large = _integer_digits(text) > 9
    value = pl.when(~fractional & ~too_large).then(
        text.str.extract(r"^(-?[0-9]+)").cast(pl.Int64, strict=False))
    return Parsed(value, _number_problems(raw, text) + [
        (text.is_not_null() & fractional, "nombre entier attendu"),
        (text.is_not_null() & ~fractional & too_large, "nombre trop grand"),
    ])


# --- coded values ----------------------------------------------------------------------------------
def parse_bool(col: str) -> Parsed:
    raw = pl.col(col)
    mapping = {k: v == "true" for k, v in aliases()["boolean"].items()}
    value = key_expr(raw).replace_strict(mapping, default=None, return_dtype=pl.Boolean)
    return Parsed(value, [(raw.is_not_null() & value.is_null(),
                           "oui/non attendu (1/0, oui/non, O/N, true/false, yes/no)")])


def parse_code(col: str, kind: str, allowed: tuple[str, ...] | None) -> Parsed:
    raw = pl.col(col)
    value = pl.when(~raw.str.contains(FOREIGN_DIGIT)).then(
        key_expr(raw).replace_strict(aliases()[kind], default=None, return_dtype=pl.String))
    accepted = list(allowed) if allowed else codes(kind)
    problems = [(raw.is_not_null() & value.is_null(), f"valeur inconnue (attendu : {', '.join(accepted)})")]
    if allowed:
        problems.append((value.is_not_null() & ~value.is_in(accepted),
                         f"valeur non admise ici (attendu : {', '.join(accepted)})"))
    return Parsed(value, problems)


# --- lists ---------------------------------------------------------------------------------------
_LIST_SEPARATORS = r"[|;,]"


def parse_tags(col: str) -> Parsed:
    """Free tags: lower case, no accents, words joined by '_', '|'-separated (a line break inside a cell,
    Excel's Alt+Enter, separates tags too), duplicates dropped."""
    # One split on every separator: an explode inside list.eval (Polars 2.1) kept empty tags, or failed.
    tags = pl.col(col).str.replace_all(r"[\r\n;,|]+", "|").str.split("|").list.eval(
        pl.element().str.strip_chars().str.to_lowercase().str.normalize("NFKD").str.replace_all(r"\p{M}", "")
        .str.replace_all(r"[\s\-]+", "_").filter(pl.element().str.len_bytes() > 0).unique(maintain_order=True))
    return Parsed(_joined(tags))


def parse_code_tags(col: str, kind: str) -> Parsed:
    """A '|'-separated list of codes (agreements.settings), each through the aliases."""
    raw = pl.col(col)
    parts = raw.str.replace_all(r"[;,|]+", "|").str.split("|").list.eval(
        pl.element().str.strip_chars().filter(pl.element().str.len_bytes() > 0))
    mapped = parts.list.eval(
        key_expr(pl.element()).replace_strict(aliases()[kind], default=None, return_dtype=pl.String))
    unknown = mapped.list.eval(pl.element().is_null()).list.any()
    value = _joined(mapped.list.eval(pl.element().unique(maintain_order=True)))
    return Parsed(pl.when(~unknown).then(value),
                  [(raw.is_not_null() & unknown, f"valeur inconnue dans la liste (attendu : {', '.join(codes(kind))})")])


def parse_ids(col: str) -> Parsed:
    """A list of identifiers: kept as written, trimmed, '|'-separated."""
    ids = pl.col(col).str.split("|").list.eval(
        pl.element().str.split(";").explode().str.split(",").explode().str.strip_chars()
        .filter(pl.element().str.len_bytes() > 0).unique(maintain_order=True))
    return Parsed(_joined(ids))


def _joined(lists: pl.Expr) -> pl.Expr:
    joined = lists.list.join("|")
    return pl.when(joined.str.len_bytes() > 0).then(joined)
