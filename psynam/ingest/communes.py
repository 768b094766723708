"""Resolving a commune written as a NIS code or a name (French, Dutch or German) to its NIS code.

A code is kept as given if it is any Belgian NIS code (including codes ended by the 2024–2025
mergers). A name is matched without case or accents; a name shared by two current communes is
ambiguous, an unknown name is rejected with suggestions — never guessed.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache

import polars as pl

from psynam import reference
from psynam.ingest.values import FOREIGN_DIGIT, Parsed, key_expr, value_key


@dataclass(frozen=True)
class CommuneIndex:
    codes: frozenset[str]
    province: frozenset[str]                 # the 38 communes of the Province of Namur
    by_name: dict[str, str]                  # name key -> NIS, unambiguous names only
    ambiguous: dict[str, tuple[str, ...]]    # name key -> "46021 Saint-Nicolas (Flandre orientale)", ...
    names: dict[str, str]                    # name key -> a name as written in the reference


@lru_cache(maxsize=1)
def index() -> CommuneIndex:
    ref = reference.belgian_communes()
    rows = ref.to_dicts()
    replaced_by = {r["nis"]: r["replaced_by"] for r in rows}
    candidates: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    for r in rows:
        for column in ("name_fr", "name_nl", "name_de"):
            if r[column]:
                key = value_key(r[column])
                candidates.setdefault(key, set()).add(r["nis"])
                names.setdefault(key, r[column])
    by_name, ambiguous = {}, {}
    described = {r["nis"]: f"{r['nis']} {r['name_fr']} ({r['province_fr']})" for r in rows}
    for key, found in candidates.items():
        # A name kept by a merged commune (Tielt, Hasselt, Bastogne…) means the commune of today.
        current = {c for c in found if replaced_by[c] not in found}
        if len(current) == 1:
            by_name[key] = current.pop()
        else:
            ambiguous[key] = tuple(sorted(described[c] for c in current))
    return CommuneIndex(frozenset(replaced_by), frozenset(reference.communes()["nis"].to_list()),
                        by_name, ambiguous, names)


def _ambiguous_message(value: str) -> str:
    found = index().ambiguous.get(value_key(value), ())
    return f"nom de commune ambigu ({' ; '.join(found)}) : indiquez le code NIS"


def _unknown_message(value: str) -> str:
    idx = index()
    close = difflib.get_close_matches(value_key(value), list(idx.names), n=3, cutoff=0.75)
    hint = f" ; vouliez-vous dire {' ou '.join(idx.names[k] + ' (' + idx.by_name.get(k, '?') + ')' for k in close)} ?" if close else ""
    return f"commune inconnue{hint}"


def parse_commune(col: str) -> Parsed:
    idx = index()
    raw = pl.col(col)
    is_code = raw.str.contains(r"^[0-9]{5}$")
    foreign = raw.str.contains(FOREIGN_DIGIT)
    key = key_expr(raw)
    by_name = key.replace_strict(idx.by_name, default=None, return_dtype=pl.String)
    value = pl.when(foreign).then(None).when(is_code).then(
        pl.when(raw.is_in(list(idx.codes))).then(raw)).otherwise(by_name)
    is_ambiguous = ~foreign & ~is_code & key.is_in(list(idx.ambiguous))
    return Parsed(value, [
        (raw.is_not_null() & foreign, "chiffres autres que 0 à 9 : écrivez le code NIS avec les chiffres 0 à 9"),
        (raw.is_not_null() & is_code & value.is_null(), "code NIS inconnu"),
        (raw.is_not_null() & is_ambiguous, _ambiguous_message),
        (raw.is_not_null() & ~foreign & ~is_code & ~is_ambiguous & value.is_null(), _unknown_message),
    ])
