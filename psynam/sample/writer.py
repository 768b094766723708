"""Writing the sample's tables as CSV files, clean (canonical) or messy (as real Belgian exports are),
into a folder or one deterministic zip. The format choices are listed in psynam/sample/__init__.py.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from psynam import reference

# canonical column -> header in the messy shape, per table (French aliases, with their case varied)
COLUMNS: dict[str, list[str]] = {
    "sessions": ["session_id", "session_date", "network", "psychologist_id", "care_level", "format", "setting",
                 "patient_id", "patient_age", "patient_commune", "session_commune", "partner_id", "participants",
                 "preferential_tariff", "fee_inami_eur", "fee_patient_eur", "target_public"],
    "clairvisions": ["clairvision_id", "clairvision_date", "network", "psychologist_id", "partner_id", "commune",
                     "participants", "duration_hours", "fee_inami_eur", "theme", "target_public"],
    "partners": ["partner_id", "name", "sector", "commune", "network", "membership", "joined_on", "left_on",
                 "target_publics"],
    "agreements": ["agreement_id", "partner_id", "psychologist_id", "network", "signed_on", "start_on", "end_on",
                   "hours_per_month", "settings"],
    "psychologists": ["psychologist_id", "network", "practice_commune", "conventioned_on", "ended_on", "publics"],
    "budget": ["year", "network", "category", "envelope_eur", "capped"],
    "activities": ["activity_id", "activity_date", "type", "commune", "participants", "partner_ids"],
}
MESSY_HEADERS: dict[str, list[str]] = {
    "sessions": ["ID_Seance", "Date_Séance", "Réseau", "ID_Psychologue", "Niveau", "Format", "Lieu", "ID_Patient",
                 "Age_Patient", "Commune_Patient", "Commune_Séance", "ID_Partenaire", "Participants",
                 "Tarif_Préférentiel", "Montant_INAMI", "Montant_Patient", "Public_Cible"],
    "clairvisions": ["id_clairvision", "date_clairvision", "reseau", "id_psychologue", "id_partenaire", "commune",
                     "participants", "duree_heures", "montant_inami", "theme", "public_cible"],
    "partners": ["ID_PARTENAIRE", "NOM", "SECTEUR", "COMMUNE", "RÉSEAU", "STATUT", "DATE_ADHÉSION", "DATE_SORTIE",
                 "PUBLICS_CIBLES"],
    "agreements": ["agreement_id", " Partner_ID", " Psychologist_ID", " Network", " Signed_On", " Start_On",
                   " End_On", " Hours_Per_Month", " Settings"],
    "psychologists": ["Psychologist_ID", "Network", "Practice_Commune", "Conventioned_On", "Ended_On", "Publics"],
    "budget": ["Année", "Réseau", "Catégorie", "Enveloppe", "Plafonné"],
    "activities": COLUMNS["activities"],
}


@dataclass(frozen=True)
class Shape:
    encoding: str = "utf-8"      # utf-8, utf-8-sig (BOM) or cp1252
    separator: str = ","
    eol: str = "\n"
    dates: str = "%Y-%m-%d"
    comma: bool = False           # decimal comma
    thousands: bool = False       # "1 234 567,00" in amounts
    true_false: tuple[str, str] = ("true", "false")
    messy_headers: bool = False
    aliases: bool = False         # care level / setting variant spellings in a minority of rows
    names: bool = False           # communes by name in ~10 % of rows


CLEAN = Shape()
MESSY: dict[str, Shape] = {
    "sessions": Shape("cp1252", ";", "\r\n", "%d/%m/%Y", True, False, ("oui", "non"), True, True, True),
    "clairvisions": Shape("utf-8", ";", "\n", "%d/%m/%Y", True, messy_headers=True, names=True),
    "partners": Shape("utf-8-sig", ";", "\n", "%d/%m/%Y", messy_headers=True, names=True),
    "agreements": Shape("utf-8", ",", "\n", "%Y-%m-%d", messy_headers=True),
    "psychologists": Shape("utf-8", ";", "\n", "%d/%m/%Y", messy_headers=True, names=True),
    "budget": Shape("utf-8", ";", "\n", "%Y-%m-%d", True, True, ("O", "N"), messy_headers=True),
    "activities": Shape("utf-8", ",", "\n", "%Y-%m-%d", names=True),
}
CARE_LEVEL_ALIASES = {"premiere_ligne": ["1L", "première ligne"], "specialise": ["spécialisé", "SPEC"],
                      "soutien": ["soutien psychologique"], "traitement": ["traitement psychologique"],
                      "communautaire": ["interventions communautaires"]}
SETTING_ALIASES = {"partenaire": ["outreaching", "lieu d'accroche"], "video": ["vidéo", "visio"]}
ALIAS_SHARE = 0.08
NAME_SHARE = 0.10


def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


def _name_variants(nameable: set[str]) -> pl.DataFrame:
    """For each nameable commune, five spellings: as is, UPPER, lower, UPPER without accents, without accents."""
    com = reference.communes()
    rows = []
    for nis, name in zip(com["nis"], com["name_fr"]):
        if nis in nameable:
            for k, v in enumerate((name, name.upper(), name.lower(), _strip_accents(name).upper(),
                                   _strip_accents(name))):
                rows.append({"nis": nis, "style": k, "spelling": v})
    return pl.DataFrame(rows, schema={"nis": pl.String, "style": pl.Int64, "spelling": pl.String})


def _decimal(col: str, shape: Shape) -> pl.Expr:
    """An integer amount in cents as '83.00' / '83,00' / '1 234 567,00'."""
    e = pl.col(col)
    units = (e // 100).cast(pl.String)
    if shape.thousands:
        # group the integer part by three from the right
        rev = units.str.reverse().str.replace_all(r"(\d{3})", "$1 ").str.reverse().str.strip_chars_start(" ")
        units = rev
    return units + pl.lit("," if shape.comma else ".") + (e % 100).cast(pl.String).str.zfill(2)


def _float(col: str, shape: Shape) -> pl.Expr:
    s = pl.col(col).cast(pl.String)
    return s.str.replace(".", ",", literal=True) if shape.comma else s


class Formatter:
    """Turns a canonical frame of one table into the text columns of its CSV in a given shape."""

    def __init__(self, table: str, shape: Shape, nameable: set[str], seed: int):
        self.table, self.shape, self.seed = table, shape, seed
        self.names = _name_variants(nameable) if shape.names else None

    def _commune(self, df: pl.DataFrame, col: str, rng) -> pl.DataFrame:
        if not self.shape.names or col not in df.columns:
            return df
        use = rng.random(df.height) < NAME_SHARE
        style = rng.integers(0, 5, df.height)
        tmp = df.with_columns(_style=pl.Series(np.where(use, style, -1)), _row=pl.int_range(pl.len()))
        joined = tmp.join(self.names, left_on=[col, "_style"], right_on=["nis", "style"], how="left",
                          maintain_order="left")
        return joined.with_columns(pl.coalesce("spelling", col).alias(col)).drop("spelling", "_style", "_row")

    def _alias(self, df: pl.DataFrame, col: str, aliases: dict[str, list[str]], rng) -> pl.DataFrame:
        values = df[col].to_numpy().astype(object)
        use = rng.random(df.height) < ALIAS_SHARE
        pick = rng.integers(0, 2, df.height)
        out = values.copy()
        for code, spellings in aliases.items():
            for k, s in enumerate(spellings):
                m = use & (values == code) & ((pick % len(spellings)) == k)
                out[m] = s
        return df.with_columns(pl.Series(col, out, dtype=pl.String))

    def format(self, df: pl.DataFrame, batch: int = 0) -> pl.DataFrame:
        sh = self.shape
        rng = np.random.default_rng([self.seed, 0xF0, batch, len(self.table)])
        exprs = []
        for name, dtype in df.schema.items():
            if dtype == pl.Date:
                exprs.append(pl.col(name).dt.strftime(sh.dates))
            elif dtype == pl.Boolean:
                exprs.append(pl.when(pl.col(name)).then(pl.lit(sh.true_false[0]))
                             .when(~pl.col(name)).then(pl.lit(sh.true_false[1])).alias(name))
            elif name.endswith("_cents"):
                exprs.append(_decimal(name, sh).alias(name.replace("_cents", "_eur")))
            elif dtype in (pl.Float64, pl.Float32):
                exprs.append(_float(name, sh))
            else:
                exprs.append(pl.col(name).cast(pl.String))
        out = df.select(exprs)
        for col in ("patient_commune", "session_commune", "commune", "practice_commune"):
            out = self._commune(out, col, rng)
        if sh.aliases:
            out = self._alias(out, "care_level", CARE_LEVEL_ALIASES, rng)
            out = self._alias(out, "setting", SETTING_ALIASES, rng)
        out = out.select(COLUMNS[self.table])
        if sh.messy_headers:
            out.columns = MESSY_HEADERS[self.table]
        return out

    def csv_bytes(self, df: pl.DataFrame, header: bool) -> bytes:
        buf = io.BytesIO()
        df.write_csv(buf, separator=self.shape.separator, include_header=header, line_terminator=self.shape.eol,
                     quote_style="necessary", null_value="")
        data = buf.getvalue()
        if self.shape.encoding == "cp1252":
            data = data.decode("utf-8").encode("cp1252")
        return data


class Sink:
    """A folder of CSV files or one zip whose bytes depend only on the content (fixed timestamps)."""

    def __init__(self, out: Path):
        self.out = out
        self.zip = None
        if out.suffix.lower() == ".zip":
            out.parent.mkdir(parents=True, exist_ok=True)
            self.zip = zipfile.ZipFile(out, "w")
        else:
            out.mkdir(parents=True, exist_ok=True)

    def open(self, name: str, large: bool = False):
        if self.zip is None:
            return open(self.out / name, "wb")
        info = zipfile.ZipInfo(name, date_time=(2021, 9, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        info.create_system = 3
        return self.zip.open(info, "w", force_zip64=large)

    def close(self):
        if self.zip is not None:
            self.zip.close()


def write_table(sink: Sink, table: str, frames, fmt: Formatter, large: bool = False) -> int:
    """Write an iterable of canonical frames as one CSV file; returns its row count."""
    rows, wrote_header = 0, False
    with sink.open(f"{table}.csv", large) as f:
        if fmt.shape.encoding == "utf-8-sig":
            f.write("\ufeff".encode("utf-8"))
        for i, df in enumerate(frames):
            f.write(fmt.csv_bytes(fmt.format(df, i), header=(i == 0)))
            rows += df.height
            wrote_header = True
        if not wrote_header:
            headers = MESSY_HEADERS[table] if fmt.shape.messy_headers else COLUMNS[table]
            f.write((fmt.shape.separator.join(headers) + fmt.shape.eol).encode(
                "cp1252" if fmt.shape.encoding == "cp1252" else "utf-8"))
    return rows
