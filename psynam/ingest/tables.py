"""The export tables as the importer sees them (docs/data-contract.md): names, French aliases, columns.

Each column has a kind that says how its text is normalised (values.py) and whether it is required;
the rules that involve several columns or tables live in validate.py.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

# Column kinds: text, date, int, decimal, bool, code, commune, tags, code_tags, ids.
@dataclass(frozen=True)
class Column:
    name: str
    alias: str                 # the French header of the contract
    kind: str
    required: bool = False
    code: str | None = None    # for kind code / code_tags: the value_aliases kind
    allowed: tuple[str, ...] | None = None  # for kind code: the codes accepted in this column
    scale: int = 2             # for kind decimal: digits after the point kept exactly
    precision: int = 12        # for kind decimal: total digits of the database type
    max_chars: int | None = None  # longest text accepted (None: the kind's limit, MAX_CHARS)

    @property
    def limit(self) -> int:
        return self.max_chars or MAX_CHARS.get(self.kind, MAX_CHARS["text"])


# Longest text accepted per kind (characters, after trimming): an id, a code, a number or a date is never
# longer than 100; a list of tags or ids a little more. Names and themes say so on their column (300). A
# longer value is rejected, never cut: a 10 MB name would freeze every browser showing it.
MAX_CHARS = {"text": 100, "tags": 500, "code_tags": 500, "ids": 2000}
NAME_CHARS = 300


@dataclass(frozen=True)
class Table:
    name: str
    alias: str                 # French table name (file or sheet name)
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


LINE = "__line"   # the column holding each row's physical line (CSV line with header = 1, or sheet row)

NETWORK = ("RSN", "RSK")
NETWORK_OR_BOTH = ("RSN", "RSK", "RSN+RSK")

C = Column
TABLES: dict[str, Table] = {t.name: t for t in (
    Table("partners", "partenaires", (
        C("partner_id", "id_partenaire", "text", True),
        C("name", "nom", "text", True, max_chars=NAME_CHARS),
        C("sector", "secteur", "code", True, code="sector"),
        C("commune", "commune", "commune", True),
        C("network", "reseau", "code", True, code="network", allowed=NETWORK_OR_BOTH),
        C("membership", "statut", "code", code="membership"),
        C("joined_on", "date_adhesion", "date", True),
        C("left_on", "date_sortie", "date"),
        C("target_publics", "publics_cibles", "tags"),
    ), key=("partner_id",)),
    Table("psychologists", "psychologues", (
        C("psychologist_id", "id_psychologue", "text", True),
        C("network", "reseau", "code", True, code="network", allowed=NETWORK_OR_BOTH),
        C("practice_commune", "commune_cabinet", "commune", True),
        C("conventioned_on", "date_conventionnement", "date", True),
        C("ended_on", "date_fin", "date"),
        C("publics", "publics", "tags"),
    ), key=("psychologist_id",)),
    Table("agreements", "conventions", (
        C("agreement_id", "id_convention", "text", True),
        C("partner_id", "id_partenaire", "text", True),
        C("psychologist_id", "id_psychologue", "text", True),
        C("network", "reseau", "code", True, code="network", allowed=NETWORK),
        C("signed_on", "date_signature", "date", True),
        C("start_on", "date_debut", "date", True),
        C("end_on", "date_fin", "date"),
        C("hours_per_month", "heures_mois", "decimal", True, precision=8),
        C("settings", "lieux", "code_tags", code="setting"),
    ), key=("agreement_id",)),
    Table("sessions", "seances", (
        C("session_id", "id_seance", "text", True),
        C("session_date", "date_seance", "date", True),
        C("network", "reseau", "code", True, code="network", allowed=NETWORK),
        C("psychologist_id", "id_psychologue", "text", True),
        C("care_level", "niveau", "code", True, code="care_level"),
        C("format", "format", "code", True, code="format"),
        C("setting", "lieu", "code", True, code="setting"),
        C("patient_id", "id_patient", "text"),
        C("patient_age", "age_patient", "int"),
        C("patient_commune", "commune_patient", "commune"),
        C("session_commune", "commune_seance", "commune"),
        C("partner_id", "id_partenaire", "text"),
        C("participants", "participants", "int"),
        C("preferential_tariff", "tarif_preferentiel", "bool"),
        C("fee_inami_eur", "montant_inami", "decimal"),
        C("fee_patient_eur", "montant_patient", "decimal"),
        C("target_public", "public_cible", "tags"),
    ), key=("session_id",)),
    Table("clairvisions", "clairvisions", (
        C("clairvision_id", "id_clairvision", "text", True),
        C("clairvision_date", "date_clairvision", "date", True),
        C("network", "reseau", "code", True, code="network", allowed=NETWORK),
        C("psychologist_id", "id_psychologue", "text", True),
        C("partner_id", "id_partenaire", "text"),
        C("commune", "commune", "commune", True),
        C("participants", "participants", "int", True),
        C("duration_hours", "duree_heures", "decimal", True, precision=6),
        C("fee_inami_eur", "montant_inami", "decimal", True),
        C("theme", "theme", "text", max_chars=NAME_CHARS),
        C("target_public", "public_cible", "tags"),
    ), key=("clairvision_id",)),
    Table("activities", "activites", (
        C("activity_id", "id_activite", "text", True),
        C("activity_date", "date_activite", "date", True),
        C("type", "type", "text"),
        C("commune", "commune", "commune"),
        C("participants", "participants", "int", True),
        C("partner_ids", "partenaires", "ids"),
    ), key=("activity_id",)),
    Table("budget", "budget", (
        C("year", "annee", "int", True),
        C("network", "reseau", "code", True, code="network", allowed=NETWORK),
        C("category", "categorie", "code", True, code="budget_category"),
        C("envelope_eur", "enveloppe", "decimal", True, precision=14),
        C("capped", "plafonne", "bool", True),
    ), key=("year", "network", "category")),
)}

# Tables in the order they are validated and written: partners first, as sessions, clairvisions and
# agreements check their partner_id against them.
ORDER = ("partners", "psychologists", "agreements", "sessions", "clairvisions", "activities", "budget")
assert set(ORDER) == set(TABLES)


@lru_cache(maxsize=4096)
def header_key(text: str) -> str:
    """A header or file name reduced for matching: lower case, no accents, words joined by '_'."""
    text = str(text).strip().lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NOT_WORD.sub("_", text).strip("_")


_NOT_WORD = re.compile(r"[^a-z0-9]+")


_TABLE_NAMES = {header_key(n): t.name for t in TABLES.values() for n in (t.name, t.alias)}
_TABLE_NAMES.update({"seance": "sessions", "session": "sessions", "partenaire": "partners",
                     "partner": "partners", "psychologue": "psychologists", "convention": "agreements",
                     "tripartenariats": "agreements", "tripartites": "agreements",
                     "activite": "activities", "activity": "activities",
                     "clairvision": "clairvisions", "budgets": "budget"})


def table_for_name(name: str) -> str | None:
    """The table a file stem or sheet name stands for (`Séances`, `sessions_2024-03`), or None.

    A name is the table name, its French name, or one of them followed by `_`, `-`, ` ` and a suffix
    (monthly exports are often named `sessions_2024-03.csv`).
    """
    key = header_key(name)
    if key in _TABLE_NAMES:
        return _TABLE_NAMES[key]
    for known in sorted(_TABLE_NAMES, key=len, reverse=True):
        if key.startswith(known + "_"):
            return _TABLE_NAMES[known]
    return None


@lru_cache(maxsize=None)
def header_map(table: Table) -> dict[str, str]:
    """Accepted header key -> canonical column (English name or French alias, any case/accents)."""
    out = {}
    for c in table.columns:
        out[header_key(c.name)] = c.name
        out[header_key(c.alias)] = c.name
    return out
