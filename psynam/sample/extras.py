"""The side tables of the sample: clairvisions, network activities and the yearly budget envelopes."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from psynam import reference
from psynam.sample.sessions import Rules, Sampler, jan1, year_of
from psynam.sample.world import World, from_days, to_days

CLAIRVISIONS_PER_YEAR = 190
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
# A year of network life like the Norwest antenna's report (seed 004): type -> (meetings a year, months
# held (1-12), participants (min, max), partners represented (min, max), share held online from 2023).
# Committees sit monthly but in July-August, intervisions monthly, three working groups meet every two
# months or so, coordination meetings twice a month, a midi de réseau each quarter, a few trainings.
ACTIVITY_CALENDAR = {
    "comite": (10, (1, 2, 3, 4, 5, 6, 9, 10, 11, 12), (7, 14), (4, 9), 0.25),
    "coordination": (20, tuple(range(1, 13)), (3, 8), (0, 3), 0.35),
    "intervision": (10, (1, 2, 3, 4, 5, 6, 9, 10, 11, 12), (6, 13), (0, 3), 0.1),
    "groupe_de_travail": (16, (1, 2, 3, 4, 5, 6, 9, 10, 11, 12), (5, 15), (3, 9), 0.2),
    "midi_de_reseau": (4, (3, 6, 10, 12), (25, 70), (12, 32), 0.1),
    "formation": (5, (2, 3, 4, 5, 9, 10, 11), (10, 30), (4, 12), 0.15),
}
ONLINE_UNTIL_2022 = 0.45  # meetings held online while the health crisis lasted (the report's 2021)
# Sectors drawn to each kind of meeting (others weigh 1); a partner's own engagement varies widely, so that
# some registered partners are never seen at a meeting in a year.
ACTIVITY_SECTOR_AFFINITY = {
    "comite": {"ssm": 3.0, "hopital": 2.5, "maison_medicale": 2.0, "cpas": 2.0},
    "intervision": {"ssm": 2.0, "maison_medicale": 2.0},
    "formation": {"enseignement": 2.0, "maison_de_repos": 2.0, "petite_enfance": 2.0, "social": 1.5},
}
ENGAGEMENT_SIGMA = 1.0


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
    """Network activities, month by month along ACTIVITY_CALENDAR: weekdays, a commune by population (Namur,
    where the coordination sits, weighs more; online meetings have none), the partners represented drawn
    among the registered ones by their engagement and the meeting's sectors, participants at least one per
    partner plus the PSYNAM team."""
    cal, terr = world.cal, world.terr
    com = terr.communes
    part = world.partners
    p_from, p_to = part["from_day"].to_numpy(), part["to_day"].to_numpy()
    p_ids, p_sector = part["partner_id"].to_numpy(), part["sector"].to_numpy()
    engagement = rng.lognormal(0.0, ENGAGEMENT_SIGMA, part.height)
    pw = com["pop_total"].to_numpy().astype(float) * np.where(com["name_fr"].to_numpy() == "Namur", 3.0, 1.0)
    first, last = from_days(cal.start), from_days(cal.end)
    rows = []
    for year in range(first.year, last.year + 1):
        for t, (per_year, months, (p_lo, p_hi), (k_lo, k_hi), online_share) in ACTIVITY_CALENDAR.items():
            per_month = per_year / len(months)
            for month in months:
                n = int(per_month) + int(rng.random() < per_month - int(per_month))  # close to the schedule
                for _ in range(n):
                    d = to_days(date(year, month, 1)) + int(rng.integers(0, 28))
                    d += 7 - (d + 3) % 7 if (d + 3) % 7 >= 5 else 0  # meetings on weekdays
                    if d < cal.start or d > cal.end:
                        continue
                    online = rng.random() < (ONLINE_UNTIL_2022 if year <= 2022 else online_share)
                    commune = None
                    if not online:
                        w = pw * ~terr.in_blackout(np.arange(len(pw)), np.full(len(pw), d))
                        commune = com["nis"][int(rng.choice(len(pw), p=w / w.sum()))]
                    active = (p_from <= d) & (p_to >= d)
                    affinity = ACTIVITY_SECTOR_AFFINITY.get(t, {})
                    w = engagement * np.array([affinity.get(x, 1.0) for x in p_sector]) * active
                    k = min(int(active.sum()), int(rng.integers(k_lo, k_hi + 1)))
                    ids = sorted(p_ids[rng.choice(part.height, size=k, replace=False, p=w / w.sum())]) if k else []
                    participants = max(int(rng.integers(p_lo, p_hi + 1)), k + 1) + int(rng.integers(1, 3))
                    rows.append({"activity_date": from_days(d), "type": t, "commune": commune,
                                 "participants": participants, "partner_ids": "|".join(ids) or None})
    df = pl.DataFrame(rows, schema={"activity_date": pl.Date, "type": pl.String, "commune": pl.String,
                                    "participants": pl.Int64, "partner_ids": pl.String})
    df = df.sort("activity_date", "type", maintain_order=True)
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
