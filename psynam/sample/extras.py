"""The side tables of the sample: clairvisions, network activities and the yearly budget envelopes."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from psynam import reference
from psynam.sample.sessions import Rules, Sampler, jan1, year_of
from psynam.sample.world import World, from_days, to_days

CLAIRVISIONS_PER_YEAR = 190
ACTIVITIES_PER_YEAR = 70
THEMES = [  # (theme, tags)
    ("Gérer le stress et prévenir l'épuisement professionnel", ""),
    ("Le deuil : en parler, l'accompagner", ""),
    ("Les écrans et nos enfants", ""),
    ("Harcèlement scolaire : repérer et réagir", ""),
    ("L'anxiété chez l'adolescent", ""),
    ("Prévention du suicide : oser en parler", ""),
    ("Sommeil et bien-être psychique", ""),
    ("Précarité et santé mentale", "precarite"),
    ("Assuétudes : en parler sans juger", ""),
    ("Burn-out parental", ""),
    ("Violences intrafamiliales : orienter vers l'aide", ""),
    ("Isolement et solitude des aînés", "aines"),
    ("Vieillir chez soi : le moral des aînés", "aines"),
    ("Maladie d'Alzheimer : soutenir les aidants proches", "aines"),
    ("Les 1000 premiers jours : devenir parent", "perinatalite|petite_enfance"),
    ("Baby blues et dépression post-partum", "perinatalite"),
    ("Le développement émotionnel du tout-petit", "petite_enfance"),
    ("La santé mentale en milieu rural", ""),
]
ACTIVITY_TYPES = {"coordination": 0.22, "intervision": 0.2, "groupe_de_travail": 0.22, "midi_de_reseau": 0.14,
                  "formation": 0.12, "comite": 0.1}


def _active(from_day: np.ndarray, to_day: np.ndarray, day: int) -> np.ndarray:
    return (from_day <= day) & (to_day >= day)


def make_clairvisions(rng, world: World, sampler: Sampler, rules: Rules) -> pl.DataFrame:
    cal, terr = world.cal, world.terr
    years = (cal.end - cal.start + 1) / 365.25
    n = int(round(CLAIRVISIONS_PER_YEAR * years * cal.ramp[: cal.end - cal.start + 1].mean()))
    day = sampler.anchor_days(rng, n * 2)
    day = day[(day >= cal.start) & (day <= cal.end)][:n]
    day = np.sort(day)
    psy, part = world.psychologists, world.partners
    p_net = psy["network"].to_numpy()
    rows = []
    for d in day:
        net = "RSN" if rng.random() < 0.55 else "RSK"
        ok = _active(psy["from_day"].to_numpy(), psy["to_day"].to_numpy(), d) & np.array([net in x for x in p_net])
        if not ok.any():
            continue
        j = int(rng.choice(np.flatnonzero(ok)))
        theme, tag = THEMES[int(rng.integers(len(THEMES)))]
        partner_id, commune = None, psy["practice_commune"][j]
        pok = _active(part["from_day"].to_numpy(), part["to_day"].to_numpy(), d) & part["network"].str.contains(net).to_numpy()
        if rng.random() < 0.7 and pok.any():
            if tag:
                w = np.where(part["target_publics"].fill_null("").str.contains(tag.split("|")[0]).to_numpy(), 8.0, 1.0)
            else:
                w = np.ones(part.height)
            w = w * pok
            i = int(rng.choice(part.height, p=w / w.sum()))
            partner_id, commune = part["partner_id"][i], part["commune"][i]
        hours = float(rng.choice([1.0, 1.5, 2.0, 2.0, 2.5, 3.0]))
        fee = int(rules.tariff_cents("psychologist_individual", np.array([d]))[0] * hours)
        rows.append({"clairvision_date": from_days(d), "network": net, "psychologist_id": psy["psychologist_id"][j],
                     "partner_id": partner_id, "commune": commune,
                     "participants": int(min(5 + rng.gamma(2.0, 6.0), 40)), "duration_hours": hours,
                     "fee_inami_cents": fee, "theme": theme if rng.random() < 0.93 else None,
                     "target_public": tag or None})
    df = pl.DataFrame(rows, schema_overrides={"partner_id": pl.String, "theme": pl.String,
                                              "target_public": pl.String})
    return df.with_row_index("i").select(
        clairvision_id=pl.format("CLV-{}", (pl.col("i") + 1).cast(pl.String).str.zfill(5)), *[
            pl.col(c) for c in df.columns])


def make_activities(rng, world: World, sampler: Sampler) -> pl.DataFrame:
    cal, terr = world.cal, world.terr
    com = terr.communes
    years = (cal.end - cal.start + 1) / 365.25
    n = int(round(ACTIVITIES_PER_YEAR * years))
    day = np.sort(cal.start + rng.integers(0, cal.end - cal.start + 1, n))
    day = day + np.where((day + 3) % 7 >= 5, 7 - (day + 3) % 7, 0)  # meetings on weekdays
    day = day[day <= cal.end]
    part = world.partners
    pw = com["pop_total"].to_numpy().astype(float) * np.where(com["name_fr"].to_numpy() == "Namur", 3.0, 1.0)
    types = list(ACTIVITY_TYPES)
    rows = []
    for d in day:
        t = types[int(rng.choice(len(types), p=list(ACTIVITY_TYPES.values())))]
        commune = None
        if rng.random() < 0.78:
            w = pw * ~terr.in_blackout(np.arange(len(pw)), np.full(len(pw), d))
            commune = com["nis"][int(rng.choice(len(pw), p=w / w.sum()))]
        active = np.flatnonzero(_active(part["from_day"].to_numpy(), part["to_day"].to_numpy(), d))
        k = min(len(active), int(rng.integers(0, 4) if t in ("intervision", "coordination") else rng.integers(2, 13)))
        ids = sorted(part["partner_id"].to_numpy()[rng.choice(active, size=k, replace=False)]) if k else []
        participants = k + int(rng.integers(2, 8)) + (int(rng.integers(5, 30)) if t in ("formation", "midi_de_reseau") else 0)
        rows.append({"activity_date": from_days(d), "type": t, "commune": commune, "participants": participants,
                     "partner_ids": "|".join(ids) or None})
    df = pl.DataFrame(rows, schema_overrides={"commune": pl.String, "partner_ids": pl.String})
    return df.with_row_index("i").select(
        activity_id=pl.format("ACT-{}", (pl.col("i") + 1).cast(pl.String).str.zfill(4)), *[
            pl.col(c) for c in df.columns])


def make_budget(rng, world: World, spent: pl.DataFrame) -> pl.DataFrame:
    """Envelopes per year × network × category from what was spent (`spent`: year, network, category,
    spent_cents), so that usage lands around 74-101 %; the last, partial year is scaled to a full year."""
    cal = world.cal
    cats = reference.frame("ref_budget_categories")
    rows = []
    y_first, y_last = int(year_of(np.array([cal.start]))[0]), int(year_of(np.array([cal.end]))[0])
    spent_map = {(r["year"], r["network"], r["category"]): r["spent_cents"] for r in spent.iter_rows(named=True)}
    for y in range(y_first, y_last + 1):
        year_end = date(y, 12, 31)
        frac = 1.0
        if y == y_last and cal.end < to_days(year_end):
            days_in = to_days(year_end) - int(jan1(np.array([y]))[0]) + 1
            frac = (cal.end - int(jan1(np.array([y]))[0]) + 1) / days_in
        for net in ("RSN", "RSK"):
            for cat in cats["category"].unique(maintain_order=True).to_list():
                valid = cats.filter((pl.col("category") == cat) & (pl.col("valid_from") <= year_end)
                                    & (pl.col("valid_to").is_null() | (pl.col("valid_to") >= year_end)))
                s = spent_map.get((y, net, cat), 0) / 100
                usage = rng.uniform(0.74, 1.01)
                envelope = round(s / frac / usage)  # nothing spent (a tiny sample): an envelope of 0
                rows.append({"year": y, "network": net, "category": cat, "envelope_cents": envelope * 100,
                             "capped": bool(valid["capped"][0])})
    return pl.DataFrame(rows)
