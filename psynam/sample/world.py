"""The sample's world: calendar, territory, psychologists, partners and agreements.

Everything here is small (hundreds of rows) and drawn once per seed; the session generator
(`sessions.py`) and the side tables (`extras.py`) draw from it. Facts come from data/reference/.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from psynam import reference

EPOCH = date(1970, 1, 1)

# --- generator knobs (design choices of the sample, not programme rules) -------------------------
N_PSYCHOLOGISTS = 250
N_PARTNERS = 200
RSN_EFFECTIF_SHARE = 0.47      # RSN's own report (domain.md): 47 % effectifs / 53 % adhérents
RSN_OUTSIDE_CARE_SHARE = 0.68  # ... and 68 % "hors soins"
SOUTH_SESSION_SHARE = (0.24, 0.31)  # target south share of sessions at the start / end of 2026
PSY_SOUTH_SHARE = (0.19, 0.27)   # psychologists practising in the south: recruited before / from 2023
GRAVITY_KM = 11.0              # distance decay of the choice of a psychologist or partner
# Neighbouring communes where some patients live (name, province, nearest commune of the province).
NEIGHBOURS = (
    ("Charleroi", "Hainaut", "Sambreville", 3.0), ("Fleurus", "Hainaut", "Sombreffe", 2.0),
    ("Châtelet", "Hainaut", "Sambreville", 1.0), ("Gerpinnes", "Hainaut", "Mettet", 1.0),
    ("Chimay", "Hainaut", "Couvin", 1.5), ("Momignies", "Hainaut", "Couvin", 0.5),
    ("Froidchapelle", "Hainaut", "Cerfontaine", 0.5), ("Huy", "Liège", "Andenne", 2.0),
    ("Hannut", "Liège", "Eghezée", 1.0), ("Wasseiges", "Liège", "Eghezée", 0.5),
    ("Marchin", "Liège", "Ohey", 0.5), ("Marche-en-Famenne", "Luxembourg", "Rochefort", 1.5),
    ("Durbuy", "Luxembourg", "Somme-Leuze", 0.5), ("Bouillon", "Luxembourg", "Vresse-sur-Semois", 0.5),
    ("Wellin", "Luxembourg", "Beauraing", 0.5), ("Perwez", "Brabant wallon", "Eghezée", 1.0),
    ("Chastre", "Brabant wallon", "Gembloux", 1.0), ("Walhain", "Brabant wallon", "Gembloux", 0.7),
    ("Ottignies-Louvain-la-Neuve", "Brabant wallon", "Gembloux", 1.5),
    ("Jodoigne", "Brabant wallon", "Eghezée", 0.5),
)
MERGED_NEIGHBOUR_GATEWAY = "Rochefort"  # ended-by-merger codes of neighbouring provinces live near here


def to_days(d: date) -> int:
    return (d - EPOCH).days


def from_days(n: int) -> date:
    return EPOCH + timedelta(days=int(n))


def fold(text: str) -> str:
    """Lower case without accents: how names are compared for ambiguity."""
    nfkd = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in nfkd if not unicodedata.combining(c)).lower().strip()


# --- calendar ------------------------------------------------------------------------------------
@dataclass
class Calendar:
    start: int          # first day (days since epoch), 2021-09-01 = first valid_from of the care levels
    end: int            # last day included
    pad: int            # days after `end` over which episodes may still be anchored
    ramp: np.ndarray    # per day in [start, end + pad]: programme growth (anchor density)
    keep: np.ndarray    # per day in [start, end]: probability a planned session happens (season, holidays)

    @property
    def days(self) -> np.ndarray:
        return np.arange(self.start, self.end + self.pad + 1)

    def months_since_start(self, day: np.ndarray) -> np.ndarray:
        return (day - self.start) / 30.44

    def progress(self, day: np.ndarray) -> np.ndarray:
        """0 at the start, 1 at the end of 2026: drives the slow trends (south, elderly, childhood)."""
        span = to_days(date(2026, 12, 31)) - self.start
        return np.clip((np.asarray(day) - self.start) / span, 0.0, 1.0)


def make_calendar(start: date, end: date) -> Calendar:
    pad = 120
    s, e = to_days(start), to_days(end)
    days = np.arange(s, e + pad + 1)
    t = (days - s) / 30.44
    ramp = (1.0 - 0.78 * np.exp(-t / 7.0)) * (1.0 + 0.012 * t)
    keep = np.ones(e - s + 1)
    for i, n in enumerate(range(s, e + 1)):  # one pass over ~2,000 days, not over sessions
        d = from_days(n)
        k = 1.0
        if d.month == 7:
            k = 0.74
        elif d.month == 8:
            k = 0.58 if d.day < 16 else 0.7
        elif (d.month == 12 and d.day >= 22) or (d.month == 1 and d.day <= 3):
            k = 0.3
        elif d.month == 1 and d.day <= 7:
            k = 0.7
        if (d.month, d.day) in {(1, 1), (5, 1), (7, 21), (8, 15), (11, 1), (11, 11), (12, 25)}:
            k = 0.04
        if d.weekday() == 6:
            k *= 0.1
        keep[i] = k
    return Calendar(s, e, pad, ramp, keep)


# --- territory -----------------------------------------------------------------------------------
@dataclass
class Territory:
    communes: pl.DataFrame        # the 38 communes of the province
    places: pl.DataFrame          # communes where patients may live: province + neighbours (idx, nis, ...)
    dist: np.ndarray              # km between places (rows) and province communes (columns)
    blackout: dict[int, list[tuple[int, int]]]  # province commune idx -> [(from, to)] days without offer
    nameable: set[str]            # NIS codes whose French name is unambiguous in Belgium
    successor: dict[str, tuple[int, str]]  # ended NIS -> (last valid day, successor NIS)

    def in_blackout(self, commune_idx: np.ndarray, day: np.ndarray) -> np.ndarray:
        out = np.zeros(len(commune_idx), dtype=bool)
        for c, windows in self.blackout.items():
            for a, b in windows:
                out |= (commune_idx == c) & (day >= a) & (day <= b)
        return out

    def interval_hits_blackout(self, c: int, a: int, b: int) -> bool:
        return any(a <= wb and b >= wa for wa, wb in self.blackout.get(c, []))


def _km(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(np.radians, (lat1, lon1, lat2, lon2))
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * np.arcsin(np.sqrt(h))


def make_territory(cal: Calendar) -> Territory:
    com = reference.communes().sort("nis")
    bel = reference.belgian_communes()
    by_name = {n: i for i, n in enumerate(com["name_fr"].to_list())}
    lat, lon = com["lat"].to_numpy(), com["lon"].to_numpy()

    rows = [{"nis": n, "in_province": True, "gateway": i, "weight": 0.0}
            for i, n in enumerate(com["nis"].to_list())]
    for name, province, gateway, w in NEIGHBOURS:
        hit = bel.filter((pl.col("name_fr") == name) & (pl.col("province_fr") == province)
                         & pl.col("valid_to").is_null())
        if hit.height != 1:
            raise ValueError(f"neighbouring commune {name} ({province}) not found in belgian_communes.csv")
        rows.append({"nis": hit["nis"][0], "in_province": False, "gateway": by_name[gateway], "weight": w})
    provinces = {p for _, p, _, _ in NEIGHBOURS}
    ended = bel.filter(pl.col("province_fr").is_in(list(provinces)) & pl.col("valid_to").is_not_null()
                       & pl.col("replaced_by").is_not_null()).sort("nis")
    for nis in ended["nis"].to_list()[:1]:  # one ended-by-merger code is enough to exercise it
        rows.append({"nis": nis, "in_province": False, "gateway": by_name[MERGED_NEIGHBOUR_GATEWAY],
                     "weight": 1.0})
    places = pl.DataFrame(rows).with_row_index("idx")
    gw = places["gateway"].to_numpy()
    dist = _km(lat[gw][:, None], lon[gw][:, None], lat[None, :], lon[None, :])
    dist[~places["in_province"].to_numpy()] += 12.0  # outside communes lie beyond their gateway

    successor = {
        r["nis"]: (to_days(r["valid_to"]), r["replaced_by"])
        for r in bel.filter(pl.col("valid_to").is_not_null()).iter_rows(named=True)
    }

    # Names that fold to a single NIS code anywhere in Belgium may be written as names.
    counts: dict[str, set[str]] = {}
    for r in bel.iter_rows(named=True):
        for col in ("name_fr", "name_nl", "name_de"):
            if r[col]:
                counts.setdefault(fold(r[col]), set()).add(r["nis"])
    nameable = {n for n, name in zip(com["nis"], com["name_fr"]) if counts.get(fold(name)) == {n}}

    # The two smallest southern communes go without any offer for part of the period.
    south = com.with_row_index("i").filter(pl.col("south")).sort("pop_total")
    a, b = south["i"][0], south["i"][1]
    d = lambda y, m, dd: to_days(date(y, m, dd))  # noqa: E731
    blackout = {
        a: [(cal.start, d(2023, 12, 31))],
        b: [(cal.start, d(2022, 8, 31)), (d(2024, 7, 1), d(2025, 6, 30))],
    }
    return Territory(com, places, dist, blackout, nameable, successor)


def place_weights(terr: Territory, south_factor: float) -> np.ndarray:
    """Residence weights over places: population, the south scaled by `south_factor`."""
    com = terr.communes
    pop = com["pop_total"].to_numpy().astype(float)
    w_prov = pop * np.where(com["south"].to_numpy(), south_factor, 1.0)
    outside = terr.places.filter(~pl.col("in_province"))["weight"].to_numpy()
    # neighbours together ~4 % of the province's weight
    w_out = outside / outside.sum() * w_prov.sum() * 0.042
    return np.concatenate([w_prov, w_out])


def south_factor_for(terr: Territory, share: float) -> float:
    """The residence multiplier of the south giving `share` of the province's residents in the south."""
    com = terr.communes
    pop = com["pop_total"].to_numpy().astype(float)
    south = com["south"].to_numpy()
    ps, pn = pop[south].sum(), pop[~south].sum()
    return share / (1 - share) * pn / ps


# --- people and organisations --------------------------------------------------------------------
def hex_ids(prefix: str, index: np.ndarray, salt: int, width: int) -> np.ndarray:
    """Pseudonymous, unique ids: a bijective mix of the index (a permutation of `width` hex digits)."""
    bits = width * 4
    mask = np.uint64((1 << bits) - 1)
    x = (index.astype(np.uint64) * np.uint64(0x9E3779B1) + np.uint64(salt)) & mask
    x ^= x >> np.uint64(bits // 2)
    x = (x * np.uint64(0x2545F491)) & mask
    x ^= x >> np.uint64(bits // 3)
    nib = (x[:, None] >> (np.arange(width - 1, -1, -1, dtype=np.uint64) * np.uint64(4))[None, :]) & np.uint64(15)
    chars = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)[nib.astype(np.intp)]
    body = np.ascontiguousarray(chars).view(f"S{width}").ravel()
    return np.char.add(prefix.encode(), body).astype(f"U{width + len(prefix)}")


def _pick_commune(rng, terr: Territory, weights: np.ndarray, a: int, b: int) -> int:
    """A commune by weight whose blackout windows do not meet the interval [a, b]."""
    w = weights.copy()
    for c in terr.blackout:
        if terr.interval_hits_blackout(c, a, b):
            w[c] = 0.0
    return int(rng.choice(len(w), p=w / w.sum()))


@dataclass
class World:
    cal: Calendar
    terr: Territory
    psychologists: pl.DataFrame   # canonical columns + psy_idx, commune_idx, from_day, to_day, flags
    partners: pl.DataFrame        # canonical columns + commune_idx, from_day, to_day
    agreements: pl.DataFrame      # canonical columns + psy_idx, partner_idx, from_day, to_day


NETWORKS = np.array(["RSN", "RSK", "RSN+RSK"])


def make_psychologists(rng, cal: Calendar, terr: Territory) -> pl.DataFrame:
    n = N_PSYCHOLOGISTS
    com = terr.communes
    pop = com["pop_total"].to_numpy().astype(float)
    south = com["south"].to_numpy()
    namur = com["name_fr"].to_numpy() == "Namur"
    net = NETWORKS[rng.choice(3, size=n, p=[0.5, 0.25, 0.25])]
    launch = rng.random(n) < 0.42
    span = cal.end - 30 - (cal.start + 61)
    later = cal.start + 61 + (span * rng.power(0.8, size=n)).astype(int)  # slowing recruitment
    conv = np.where(launch, cal.start + rng.integers(0, 61, size=n), later)
    ends = rng.random(n) < 0.13
    end = conv + rng.integers(180, 1300, size=n)
    end = np.where(ends & (end < cal.end), end, -1)
    # Whether a psychologist practises in the south is drawn by quota (fewer in the south, more among
    # the later recruits), so that the south's under-supply does not depend on the luck of 250 draws.
    early = conv < to_days(date(2023, 1, 1))
    in_south = np.zeros(n, dtype=bool)
    for cohort, share in ((early, PSY_SOUTH_SHARE[0]), (~early, PSY_SOUTH_SHARE[1])):
        idx = np.flatnonzero(cohort)
        in_south[rng.permutation(idx)[: round(len(idx) * share)]] = True
    communes = np.empty(n, dtype=np.int64)
    for i in range(n):
        w = pop * (south == in_south[i]) * np.where(namur, 1.6, 1.0)
        communes[i] = _pick_commune(rng, terr, w, conv[i], end[i] if end[i] >= 0 else cal.end)
    tags = []
    for i in range(n):
        t = set()
        if "RSN" in net[i]:
            t.add("adultes")
            if rng.random() < 0.3:
                t.add("adolescents")
            if rng.random() < 0.22:
                t.add("aines")
        if "RSK" in net[i]:
            t.update(x for x, p in (("enfants", 0.7), ("adolescents", 0.75)) if rng.random() < p)
            if not t & {"enfants", "adolescents"}:
                t.add("adolescents")
        if rng.random() < 0.12:
            t.add("perinatalite")
        order = ["enfants", "adolescents", "adultes", "aines", "perinatalite"]
        tags.append("|".join(x for x in order if x in t))
    order = np.lexsort((np.arange(n), conv))
    ids = hex_ids("PSY", np.arange(n), 0x51A7, 5)
    df = pl.DataFrame({
        "psychologist_id": ids,
        "network": net,
        "practice_commune": com["nis"].to_numpy()[communes],
        "conventioned_on": [from_days(x) for x in conv],
        "ended_on": [from_days(x) if x >= 0 else None for x in end],
        "publics": tags,
        "commune_idx": communes,
        "from_day": conv,
        "to_day": np.where(end >= 0, end, 10**7),
        "log_capacity": rng.normal(0.0, 0.6, size=n),  # some psychologists see more patients than others
    })[order.tolist()]
    return df.with_row_index("psy_idx").with_columns(pl.col("psy_idx").cast(pl.Int64))


# Partner name templates per sector: {c} = commune name, {de} = "de Ciney" / "d'Andenne".
NAME_TEMPLATES = {
    "maison_medicale": ["Maison médicale {de}", "Maison médicale du Centre ({c})", "Maison médicale Les Arsouilles",
                        "Maison médicale La Glycine", "Maison médicale du Vivier"],
    "medecine_generale": ["Cercle des médecins généralistes {de}", "Cabinet médical du Parc ({c})",
                          "Association des généralistes de la Haute-Meuse", "Groupe médical Saint-Roch"],
    "cpas": ["CPAS {de}"],
    "ssm": ["Service de santé mentale {de}", "SSM Le Méandre ({c})", "Centre de guidance {de}"],
    "hopital": ["Centre hospitalier {de}", "Clinique Sainte-Élisabeth ({c})", "Hôpital de jour psychiatrique {de}"],
    "maison_de_repos": ["MR Les Tilleuls", "MRS Le Bois Joli", "Résidence Les Charmilles", "Home Saint-Joseph",
                        "MR La Closière", "Résidence du Val de Meuse", "MRS Les Peupliers", "MR Le Grand Pré"],
    "petite_enfance": ["Crèche Les Lutins", "Consultation ONE {de}", "Maison d'enfants Les P'tits Loups",
                       "Crèche communale {de}", "Service de maternité — CH {de}", "Halte-accueil Les Coccinelles"],
    "enseignement": ["Centre PMS {de}", "Athénée royal {de}", "Institut Saint-Berthuin ({c})",
                     "École communale {de}", "Collège Notre-Dame ({c})"],
    "jeunesse": ["AMO Passages ({c})", "AMO L'Étincelle", "Maison de jeunes {de}", "AMO Reliance", "AMO Le Cap"],
    "social": ["Relais social {de}", "Planning familial {de}", "Espace social Le Trait d'Union",
               "Service social communal {de}", "Resto du cœur {de}"],
    "logement": ["Agence immobilière sociale {de}", "Logis namurois", "Société de logement Le Foyer ({c})"],
    "insertion": ["CISP Le Tremplin", "Mission régionale pour l'emploi ({c})", "Régie de quartier {de}",
                  "Entreprise de travail adapté Les Ateliers ({c})"],
    "culture_sport": ["Centre culturel {de}", "Bibliothèque communale {de}", "Club sportif {de}"],
    "assuetudes": ["Service d'aide en assuétudes {de}", "Centre Alfa ({c})", "Réseau assuétudes Sud-Namur"],
    "justice": ["Maison de justice {de}", "Service d'aide aux justiciables {de}"],
    "autre": ["Les Amis de la Mémoire ASBL", "Ligue des familles {de}", "Association des aidants proches ({c})"],
}
# A few names with characters the app must render as plain text (quotes, HTML, a formula).
AWKWARD_NAMES = {  # name -> sectors it fits
    "L’Atelier d’Ève — espace parents-bébés": ("petite_enfance",),
    "Parents & Bébés ASBL": ("petite_enfance", "social"),
    'Espace "Le Phare"': ("social", "jeunesse", "ssm"),
    '=HYPERLINK("http://exemple.be";"Cliquez ici")': ("autre",),
    "<b>Maison</b> des Familles": ("social", "autre"),
    "Ateliers d'Art & d’Expression": ("culture_sport", "insertion"),
}


def _de(name: str) -> str:
    return ("d'" if fold(name)[0] in "aeiouy" else "de ") + name


SECTOR_WEIGHTS = {  # (RSN-only, RSK-only, RSN+RSK) sector profiles
    "maison_medicale": (3, 1, 2), "medecine_generale": (2, 0.5, 1), "cpas": (3, 1, 2), "ssm": (2, 2, 2),
    "hopital": (1, 0.5, 1), "maison_de_repos": (4, 0, 0.5), "petite_enfance": (1, 4, 2),
    "enseignement": (0.5, 4, 2.5), "jeunesse": (0.3, 3, 2), "social": (3, 1, 2), "logement": (1.5, 0.3, 1),
    "insertion": (1.5, 0.3, 1), "culture_sport": (1, 1, 1), "assuetudes": (1, 0.5, 1),
    "justice": (1, 0.5, 0.5), "autre": (1, 0.5, 1),
}


def make_partners(rng, cal: Calendar, terr: Territory) -> pl.DataFrame:
    n = N_PARTNERS
    com = terr.communes
    names = com["name_fr"].to_list()
    pop = com["pop_total"].to_numpy().astype(float)
    south = com["south"].to_numpy()
    sectors = reference.frame("ref_sectors")
    care = dict(zip(sectors["sector"], sectors["is_care"]))
    prio = dict(zip(sectors["sector"], sectors["priority"]))
    secs = sectors["sector"].to_list()

    net_i = rng.permutation(np.repeat([0, 1, 2], [n // 2, n // 4, n - n // 2 - n // 4]))
    sector = np.empty(n, dtype=object)
    member = np.empty(n, dtype=object)
    rsn = np.flatnonzero(net_i != 1)
    rsk = np.flatnonzero(net_i == 1)
    # RSN's mix is drawn by quota so that it matches what the network reports.
    n_care = round(len(rsn) * (1 - RSN_OUTSIDE_CARE_SHARE))
    is_care = rng.permutation(np.arange(len(rsn)) < n_care)
    for j, i in enumerate(rsn):
        pool = [s for s in secs if care[s] == is_care[j]]
        w = np.array([SECTOR_WEIGHTS[s][net_i[i]] for s in pool], dtype=float)
        sector[i] = pool[rng.choice(len(pool), p=w / w.sum())]
    n_eff = round(len(rsn) * RSN_EFFECTIF_SHARE)
    member[rsn] = np.where(rng.permutation(np.arange(len(rsn)) < n_eff), "effectif", "adherent")
    w = np.array([SECTOR_WEIGHTS[s][1] for s in secs], dtype=float)
    sector[rsk] = [secs[k] for k in rng.choice(len(secs), size=len(rsk), p=w / w.sum())]
    member[rsk] = rng.choice(np.array(["effectif", "adherent", None], dtype=object), size=len(rsk),
                             p=[0.38, 0.55, 0.07])

    before = rng.random(n) < 0.3
    joined = np.where(
        before,
        rng.integers(to_days(date(2012, 1, 1)), cal.start, size=n),
        cal.start + (rng.power(0.9, size=n) * (cal.end - 60 - cal.start)).astype(int),
    )
    leaves = rng.random(n) < 0.13
    left = np.maximum(joined, cal.start) + rng.integers(200, 1500, size=n)
    left = np.where(leaves & (left < cal.end), left, -1)

    communes = np.empty(n, dtype=np.int64)
    for i in range(n):
        w = pop * np.where(south, 0.65, 1.0)
        communes[i] = _pick_commune(rng, terr, w, joined[i], left[i] if left[i] >= 0 else cal.end)

    used: set[str] = set()
    pname = []
    for i in range(n):
        c = names[communes[i]]
        templates = NAME_TEMPLATES[sector[i]]
        for t in list(rng.permutation(templates)) + [templates[0] + " ({c})"] + ["{s} {de} ({k})"]:
            cand = t.format(c=c, de=_de(c), s=sector[i].replace("_", " ").capitalize(), k=i)
            if cand not in used:
                break
        used.add(cand)
        pname.append(cand)
    taken: set[int] = set()
    for awkward, fits in AWKWARD_NAMES.items():
        pool = [i for i in range(n) if sector[i] in fits and i not in taken] or \
            [i for i in range(n) if i not in taken]
        i = pool[int(rng.integers(len(pool)))]
        taken.add(i)
        pname[i] = awkward

    publics = []
    for i in range(n):
        t = []
        if sector[i] == "petite_enfance":
            t = ["perinatalite", "petite_enfance"] if rng.random() < 0.5 else ["petite_enfance"]
        elif prio[sector[i]]:
            t = [prio[sector[i]]]
        elif sector[i] in ("cpas", "social", "logement", "insertion"):
            t = ["precarite"]
        publics.append("|".join(t) if t else None)

    order = np.lexsort((np.arange(n), joined))
    df = pl.DataFrame({
        "name": pname, "sector": sector.tolist(), "commune": com["nis"].to_numpy()[communes],
        "network": NETWORKS[net_i], "membership": member.tolist(),
        "joined_on": [from_days(x) for x in joined], "left_on": [from_days(x) if x >= 0 else None for x in left],
        "target_publics": publics, "commune_idx": communes, "from_day": joined,
        "to_day": np.where(left >= 0, left, 10**7),
    }, schema_overrides={"membership": pl.String, "target_publics": pl.String})[order.tolist()]
    df = df.with_row_index("partner_idx").with_columns(
        pl.col("partner_idx").cast(pl.Int64),
        partner_id=pl.format("PRT{}", (pl.col("partner_idx") + 1).cast(pl.String).str.zfill(4)),
    )
    return df.select("partner_id", pl.exclude("partner_id"))


def make_agreements(rng, cal: Calendar, terr: Territory, psy: pl.DataFrame, part: pl.DataFrame) -> pl.DataFrame:
    p_from, p_to = psy["from_day"].to_numpy(), psy["to_day"].to_numpy()
    p_net = psy["network"].to_numpy()
    p_com = psy["commune_idx"].to_numpy()
    rows = []
    for r in part.iter_rows(named=True):
        lam = 2.6 if r["sector"] in ("maison_de_repos", "petite_enfance", "enseignement") else 1.6
        for _ in range(rng.poisson(lam)):
            lo = max(r["from_day"], cal.start)
            hi = min(r["to_day"], cal.end)
            if hi - lo < 60:
                break
            nets = [x for x in ("RSN", "RSK") if x in r["network"]]
            net = nets[rng.integers(len(nets))]
            ok = np.array([net in x for x in p_net]) & (p_to > lo + 60) & (p_from < hi - 60)
            if not ok.any():
                continue
            w = np.exp(-terr.dist[r["commune_idx"], p_com] / GRAVITY_KM) * ok
            if w.sum() == 0:
                continue
            j = int(rng.choice(len(w), p=w / w.sum()))
            a = max(lo, p_from[j]) + int(rng.integers(0, 120))
            b = min(hi, p_to[j])
            if b - a < 45:
                continue
            end = -1
            if r["to_day"] < 10**7 or p_to[j] < 10**7:
                end = b
            if rng.random() < 0.3:
                e2 = a + int(rng.integers(180, 1000))
                if e2 < cal.end:
                    end = min(e2, b)
            settings = rng.choice(["partenaire", "partenaire|domicile", "partenaire|video", "partenaire|cabinet"],
                                  p=[0.7, 0.1, 0.1, 0.1])
            rows.append({
                "partner_id": r["partner_id"], "psychologist_id": psy["psychologist_id"][j], "network": net,
                "signed_on": from_days(max(a - int(rng.integers(5, 50)), r["from_day"])), "start_on": from_days(a),
                "end_on": from_days(end) if end >= 0 else None,
                "hours_per_month": float(rng.choice([2, 4, 4, 6, 8, 8, 10, 12, 16, 3.5, 4.5, 7.5])),
                "settings": str(settings), "psy_idx": j, "partner_idx": r["partner_idx"],
                "from_day": a, "to_day": end if end >= 0 else 10**7,
            })
    df = pl.DataFrame(rows).sort("signed_on", "partner_id", "psychologist_id")
    return df.with_row_index("agreement_idx").with_columns(
        pl.col("agreement_idx").cast(pl.Int64),
        agreement_id=pl.format("CONV-{}", (pl.col("agreement_idx") + 1).cast(pl.String).str.zfill(4)),
    )


def make_world(rng, start: date, end: date) -> World:
    cal = make_calendar(start, end)
    terr = make_territory(cal)
    psy = make_psychologists(rng, cal, terr)
    part = make_partners(rng, cal, terr)
    agr = make_agreements(rng, cal, terr, psy, part)
    return World(cal, terr, psy, part, agr)
