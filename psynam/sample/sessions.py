"""Sessions: patients and their care episodes (individual), and group cycles, drawn in batches.

A patient has a residence, a birth date, a network and tags, and one to four episodes (a first one,
then returns in later calendar years). An episode is a run of weekly-ish sessions with one psychologist
(or at one partner, under a tripartite agreement). Everything is vectorised over patients/episodes.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np
import polars as pl

from psynam import reference
from psynam.sample.world import GRAVITY_KM, SOUTH_SESSION_SHARE, World, hex_ids, place_weights, \
    south_factor_for, to_days

NEVER = 10**7
WEEKDAY_P = np.array([0.19, 0.21, 0.2, 0.21, 0.155, 0.035, 0.0])  # Monday .. Sunday
RSN_SHARE = 0.64
SOUTH_TRAVEL_OFFSET = (0.02, 0.03)  # residents' south share above the sessions' (some south patients travel north),
# kept small so that the south stays under-served by residence too (reach per 1,000 below the north)
# patient categories: 0 = infant (0-2), 1 = child/adolescent (RSK 3-17), 2 = adult/young, 3 = 65+
CAT_SECTOR_AFFINITY = {
    0: {"petite_enfance": 40.0, "ssm": 2.0, "maison_medicale": 2.0, "_": 0.2},
    1: {"enseignement": 6.0, "jeunesse": 6.0, "ssm": 2.0, "maison_de_repos": 0.0, "petite_enfance": 0.3, "_": 1.0},
    2: {"maison_de_repos": 0.1, "petite_enfance": 0.3, "enseignement": 0.5, "_": 1.0},
    3: {"maison_de_repos": 30.0, "cpas": 2.0, "maison_medicale": 2.0, "enseignement": 0.0, "_": 0.4},
}
CAT_PUBLIC = {0: "perinatalite", 1: "enfants", 2: "adultes", 3: "aines"}
# Financial access: patients with the preferential tariff (BIM) by where they live (fewer reached in the
# south, where access is harder), more among the 65+; some gain the status in a later year.
BIM_SHARE = {"north": 0.30, "south": 0.21, "outside": 0.26}
BIM_ELDERLY_BONUS = 0.06
BIM_GAIN_SHARE = 0.05       # of non-BIM patients, BIM from their second episode on
SHORT_EPISODE_P = (0.17, 0.32)  # a first-line episode of 1-2 sessions: others, BIM patients (more drop-outs)
# The "hidden wait" between an episode's first and second session: mostly the usual rhythm, with a tail
# (probabilities of waiting 31-90, 91-180 and 181-270 days; the tail is 1.5x as likely in the south).
WAIT_TAIL_P = (0.115, 0.035, 0.01)
WAIT_TAIL_DAYS = ((31, 90), (91, 180), (181, 270))
SOUTH_WAIT_FACTOR = 1.5
# A few patient shares that do not follow the rules (docs/indicators.md, co-payment check): of individual
# sessions, this share is asked a wrong amount (a BIM patient charged the full share, a first first-line
# session charged, a later session left free).
WRONG_COPAYMENT_SHARE = 0.004


def _blank_to_null(*cols: str) -> list[pl.Expr]:
    return [pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in cols]


def weekday(day: np.ndarray) -> np.ndarray:
    return (day + 3) % 7  # 1970-01-01 was a Thursday; Monday = 0


def year_of(day: np.ndarray) -> np.ndarray:
    return np.asarray(day, dtype="int64").astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def jan1(year: np.ndarray) -> np.ndarray:
    return (np.asarray(year) - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64)


class Rules:
    """Tariffs, ceilings and care-level codings from data/reference/, looked up by date."""

    def __init__(self):
        self.tariffs = reference.frame("ref_tariffs")
        self.ceilings = reference.frame("ref_ceilings")
        self.levels = reference.frame("ref_care_levels")
        self.networks = reference.frame("ref_networks")

    @staticmethod
    def _valid(frame: pl.DataFrame, day: np.ndarray) -> list[tuple[dict, np.ndarray]]:
        out = []
        for r in frame.iter_rows(named=True):
            lo = to_days(r["valid_from"]) if r["valid_from"] else -NEVER
            hi = to_days(r["valid_to"]) if r["valid_to"] else NEVER
            out.append((r, (day >= lo) & (day <= hi)))
        return out

    def tariff_cents(self, item: str, day: np.ndarray) -> np.ndarray:
        out = np.full(len(day), -1, dtype=np.int64)
        for r, ok in self._valid(self.tariffs.filter(pl.col("item") == item), day):
            out[ok] = int(round(float(r["amount_eur"]) * 100))
        if (out < 0).any():
            raise ValueError(f"no tariff {item} valid on some session dates")
        return out

    def age_group(self, network: str) -> str:
        return self.networks.filter(pl.col("network") == network)["age_group"][0]

    def age_range(self, network: str) -> tuple[int, int]:
        r = self.networks.filter(pl.col("network") == network).row(0, named=True)
        return (r["min_age"] or 0, r["max_age"] if r["max_age"] is not None else 200)

    def ceiling(self, level: str, fmt: str, age_group: str, day: np.ndarray, col: str = "max_sessions"):
        out = np.zeros(len(day), dtype=np.int64)
        sub = self.ceilings.filter((pl.col("level_2021") == level) & (pl.col("format") == fmt)
                                   & (pl.col("age_group") == age_group))
        for r, ok in self._valid(sub, day):
            out[ok] = r[col] if r[col] is not None else r["max_sessions"]
        return out

    def codes(self, level: str, day: np.ndarray, community: np.ndarray) -> np.ndarray:
        """The care-level code valid on each day for a 2021 level; `community` picks the second code of a
        convention when it maps two codes to the level (2024: soutien / communautaire)."""
        out = np.full(len(day), "", dtype=object)
        sub = self.levels.filter(pl.col("level_2021") == level)
        for conv in sub["convention"].unique(maintain_order=True).to_list():
            rows = sub.filter(pl.col("convention") == conv)
            for k, (r, ok) in enumerate(self._valid(rows, day)):
                if k == 0:
                    out[ok & ~community] = r["code"]
                    out[ok & community] = r["code"] if rows.height == 1 else rows["code"][-1]
        return out


@dataclass
class Sampler:
    world: World
    rules: Rules

    def __post_init__(self):
        w = self.world
        cal = w.cal
        self.ramp_p = cal.ramp / cal.ramp.sum()
        self.prov = len(w.terr.communes)
        self.place_south = w.terr.communes["south"].to_numpy()
        self.places_nis = w.terr.places["nis"].to_numpy().astype(str)
        self.in_prov = w.terr.places["in_province"].to_numpy()
        psy = w.psychologists
        self.psy_from, self.psy_to = psy["from_day"].to_numpy(), psy["to_day"].to_numpy()
        self.psy_com = psy["commune_idx"].to_numpy()
        self.psy_rsn = psy["network"].str.contains("RSN").to_numpy()
        self.psy_rsk = psy["network"].str.contains("RSK").to_numpy()
        self.psy_size = psy["log_capacity"].to_numpy()
        pub = psy["publics"].to_list()
        self.psy_aff = np.log(np.array([[3.0 if CAT_PUBLIC[c] in (p or "") else 1.0 for p in pub]
                                        for c in range(4)]))
        agr = w.agreements.join(w.partners.select("partner_idx", "sector", "commune_idx",
                                                  pl.col("from_day").alias("p_from"), pl.col("to_day").alias("p_to")),
                                on="partner_idx", how="left").sort("agreement_idx")
        self.agr = agr
        self.agr_from = np.maximum(agr["from_day"].to_numpy(), agr["p_from"].to_numpy())
        self.agr_to = np.minimum.reduce([agr["to_day"].to_numpy(), agr["p_to"].to_numpy(),
                                         self.psy_to[agr["psy_idx"].to_numpy()]])
        self.agr_com = agr["commune_idx"].to_numpy()
        self.agr_rsn = (agr["network"] == "RSN").to_numpy()
        self.agr_psy = agr["psy_idx"].to_numpy()
        sectors = agr["sector"].to_list()
        self.agr_aff = np.log(np.array([[max(CAT_SECTOR_AFFINITY[c].get(s, CAT_SECTOR_AFFINITY[c]["_"]), 1e-9)
                                         for s in sectors] for c in range(4)]))
        self.agr_sector = np.array(sectors)
        self.part_com = w.partners["commune_idx"].to_numpy()
        # residence weights at a few points of progress (south share closing slowly)
        self.res_bins = 8
        self.res_p = []
        for b in range(self.res_bins):
            x = (b + 0.5) / self.res_bins
            share = np.interp(x, [0, 1], SOUTH_SESSION_SHARE) + np.interp(x, [0, 1], SOUTH_TRAVEL_OFFSET)
            wts = place_weights(w.terr, south_factor_for(w.terr, share))
            self.res_p.append(wts / wts.sum())

    # --- helpers ---------------------------------------------------------------------------------
    def anchor_days(self, rng, n: int) -> np.ndarray:
        cal = self.world.cal
        day = cal.start + rng.choice(len(self.ramp_p), size=n, p=self.ramp_p)
        return day - weekday(day) + rng.choice(7, size=n, p=WEEKDAY_P)

    def _gumbel_pick(self, rng, logw: np.ndarray) -> np.ndarray:
        score = logw - np.log(-np.log(rng.random(logw.shape)))
        best = np.argmax(score, axis=1)
        ok = np.isfinite(score[np.arange(len(best)), best])
        return np.where(ok, best, -1)

    def pick_psychologist(self, rng, place, day, rsn, cat, chunk=8000) -> np.ndarray:
        out = np.empty(len(day), dtype=np.int64)
        for a in range(0, len(day), chunk):
            s = slice(a, a + chunk)
            ok = (self.psy_from[None, :] <= day[s, None]) & (self.psy_to[None, :] >= day[s, None] + 14)
            ok &= np.where(rsn[s, None], self.psy_rsn[None, :], self.psy_rsk[None, :])
            logw = (-self.world.terr.dist[place[s]][:, self.psy_com] / GRAVITY_KM + self.psy_size[None, :]
                    + self.psy_aff[cat[s]])
            out[s] = self._gumbel_pick(rng, np.where(ok, logw, -np.inf))
        return out

    def pick_agreement(self, rng, place, day, rsn, cat, chunk=8000, distance=True) -> np.ndarray:
        out = np.empty(len(day), dtype=np.int64)
        for a in range(0, len(day), chunk):
            s = slice(a, a + chunk)
            ok = (self.agr_from[None, :] <= day[s, None]) & (self.agr_to[None, :] >= day[s, None] + 21)
            ok &= self.agr_rsn[None, :] == rsn[s, None]
            logw = self.agr_aff[cat[s]]
            if distance:
                logw = logw - self.world.terr.dist[place[s]][:, self.agr_com] / GRAVITY_KM
            out[s] = self._gumbel_pick(rng, np.where(ok, logw, -np.inf))
        return out

    # --- individual sessions ---------------------------------------------------------------------
    def patients(self, rng, first: int, n: int) -> dict[str, np.ndarray]:
        cal = self.world.cal
        anchor = self.anchor_days(rng, n)
        prog = cal.progress(anchor)
        rsn = rng.random(n) < RSN_SHARE
        u = rng.random(n)
        # RSN: 15-17, 18-22, 23-64, 65+ (the 65+ share grows slowly); RSK: 0-2 (growing), 3-11, 12-17, 18-22
        p65 = 0.075 + 0.04 * prog
        age_rsn = np.where(u < 0.03, rng.integers(15, 18, n), np.where(
            u < 0.13, rng.integers(18, 23, n), np.where(
                u < 1 - p65, 23 + (rng.beta(1.6, 2.3, n) * 42).astype(int),
                np.minimum(65 + rng.exponential(6.5, n).astype(int), 98))))
        p02 = 0.004 + 0.016 * prog
        age_rsk = np.where(u < p02, rng.integers(0, 3, n), np.where(
            u < p02 + 0.27, rng.integers(3, 12, n), np.where(
                u < p02 + 0.74, rng.integers(12, 18, n), rng.integers(18, 23, n))))
        age = np.where(rsn, age_rsn, age_rsk)
        birth = anchor - ((age + rng.random(n)) * 365.25).astype(np.int64)
        cat = np.where(age <= 2, 0, np.where(~rsn & (age < 18), 1, np.where(age >= 65, 3, 2)))
        place = np.empty(n, dtype=np.int64)
        pbin = np.minimum((prog * self.res_bins).astype(int), self.res_bins - 1)
        for b in range(self.res_bins):
            m = pbin == b
            place[m] = rng.choice(len(self.res_p[b]), size=int(m.sum()), p=self.res_p[b])
        in_prov = place < self.prov
        south = in_prov & self.place_south[np.minimum(place, self.prov - 1)]
        bim_p = np.where(south, BIM_SHARE["south"], np.where(in_prov, BIM_SHARE["north"], BIM_SHARE["outside"]))
        bim = rng.random(n) < bim_p + np.where(cat == 3, BIM_ELDERLY_BONUS, 0.0)
        bim_gain = ~bim & (rng.random(n) < BIM_GAIN_SHARE)
        t_peri = (cat == 0) & (rng.random(n) < 0.4) | (rsn & (age >= 20) & (age <= 40) & (rng.random(n) < 0.03))
        t_pe = cat == 0
        t_aines = (cat == 3) & (rng.random(n) < 0.55)
        t_prec = bim & (rng.random(n) < 0.25)
        tags = np.full(n, "", dtype=object)
        for flag, tag in ((t_peri, "perinatalite"), (t_pe, "petite_enfance"), (t_aines, "aines"), (t_prec, "precarite")):
            tags = np.where(flag, np.where(tags == "", tag, tags + "|" + tag), tags)
        return {"pid": np.arange(first, first + n), "anchor": anchor, "rsn": rsn, "age": age, "birth": birth,
                "cat": cat, "place": place, "south": south, "bim": bim, "bim_gain": bim_gain, "tags": tags}

    def episodes(self, rng, p: dict, idx: np.ndarray, start: np.ndarray, first: bool,
                 round_: int = 0) -> dict[str, np.ndarray]:
        """One episode for each patient `idx`, starting (or centred, for a first one) at `start`."""
        n = len(idx)
        cat, rsn = p["cat"][idx], p["rsn"][idx]
        short_p = np.where(p["bim"][idx], SHORT_EPISODE_P[1], SHORT_EPISODE_P[0])
        spec = rng.random(n) < np.where(cat == 1, 0.32, np.where(cat == 0, 0.15, 0.26))
        k = np.empty(n, dtype=np.int64)
        rule_day = np.clip(start, self.world.cal.start, self.world.cal.end)  # the rules in force in the period
        for net, r_mask in (("RSN", rsn), ("RSK", ~rsn)):
            grp = self.rules.age_group(net)
            for lvl, l_mask in (("premiere_ligne", ~spec), ("specialise", spec)):
                m = r_mask & l_mask
                if not m.any():
                    continue
                cmax = self.rules.ceiling(lvl, "individuel", grp, rule_day[m])
                if lvl == "premiere_ligne":
                    kk = 1 + rng.binomial(cmax - 1, 0.5)
                    kk = np.where(rng.random(m.sum()) < short_p[m], rng.integers(1, 3, m.sum()), kk)
                else:
                    avg = self.rules.ceiling(lvl, "individuel", grp, rule_day[m], "average_sessions")
                    kk = np.clip(np.rint(rng.gamma(2.2, avg * 0.9 / 2.2)), 2, cmax).astype(np.int64)
                over = rng.random(m.sum()) < 0.012  # a few patients go over the ceiling
                k[m] = np.where(over, cmax + rng.integers(1, 4, m.sum()), kk)
        gap = rng.choice([7, 14, 21, 28], size=n, p=[0.36, 0.45, 0.13, 0.06])
        gap = np.where(spec & (gap > 14), 14, gap)
        # days from the episode's first to its second session: the usual gap, or a wait from the tail
        tail = np.asarray(WAIT_TAIL_P)[None, :] * np.where(p["south"][idx], SOUTH_WAIT_FACTOR, 1.0)[:, None]
        cum = np.cumsum(tail, axis=1)
        u_wait = rng.random(n)
        band = np.where(u_wait < cum[:, -1], (u_wait[:, None] >= cum).sum(axis=1) + 1, 0)  # 0: no tail
        lo = np.array([0] + [a for a, _ in WAIT_TAIL_DAYS])[band]
        hi = np.array([0] + [b for _, b in WAIT_TAIL_DAYS])[band]
        wait = np.where(band > 0, lo + (rng.random(n) * (hi - lo + 1)).astype(np.int64), gap)
        u = rng.random(n)
        p_partner = np.select([cat == 0, cat == 3, cat == 1], [0.45, 0.33, 0.2], 0.11)
        p_home = np.select([cat == 0, cat == 3], [0.12, 0.2], 0.025)
        setting = np.where(u < p_partner, 1, np.where(u < p_partner + p_home, 2, 0))  # 0 cab, 1 part, 2 home
        setting = np.where((setting == 2) & ~self.in_prov[p["place"][idx]], 0, setting)
        if first:
            start = start - ((k - 1) // 2) * gap
        mid = start + (k // 2) * gap
        mid_c = np.clip(mid, self.world.cal.start, self.world.cal.end)
        agr = np.full(n, -1, dtype=np.int64)
        part = setting == 1
        agr[part] = self.pick_agreement(rng, p["place"][idx][part], mid_c[part], rsn[part], cat[part])
        setting = np.where(part & (agr < 0), 0, setting)
        psy = np.where(agr >= 0, self.agr_psy[np.maximum(agr, 0)], -1)
        need = psy < 0
        psy[need] = self.pick_psychologist(rng, p["place"][idx][need], mid_c[need], rsn[need], cat[need])
        community = rng.random(n) < np.where(setting == 1, 0.3, 0.04)
        return {"patient": idx, "start": start, "k": k, "gap": gap, "wait": wait, "setting": setting, "agr": agr,
                "psy": psy, "spec": spec, "community": community, "round": np.full(n, round_)}

    def individual_batch(self, rng, first: int, n: int) -> pl.DataFrame:
        cal, terr = self.world.cal, self.world.terr
        p = self.patients(rng, first, n)
        eps = []
        idx, start = np.arange(n), p["anchor"]
        for r in range(4):
            e = self.episodes(rng, p, idx, start, first=(r == 0), round_=r)
            eps.append(e)
            # the last session, after the wait for the second one, plus room for skipped weeks
            last = e["start"] + (e["k"] - 1) * e["gap"] + np.where(e["k"] > 1, e["wait"] - e["gap"], 0) + 14
            back = rng.random(len(idx)) < 0.27
            nxt = jan1(year_of(last) + 1 + (rng.random(len(idx)) < 0.3)) + 10 + rng.integers(0, 250, len(idx))
            keep = back & (nxt <= cal.end)
            idx, start = idx[keep], nxt[keep] - weekday(nxt[keep]) + weekday(e["start"][keep])
            if not len(idx):
                break
        ep = {key: np.concatenate([e[key] for e in eps]) for key in eps[0]}
        valid = ep["psy"] >= 0
        ep = {key: v[valid] for key, v in ep.items()}
        ne = len(ep["k"])
        ep_id = np.arange(ne)
        # expand episodes to sessions
        rows = np.repeat(ep_id, ep["k"])
        within = np.arange(len(rows)) - np.repeat(np.cumsum(ep["k"]) - ep["k"], ep["k"])
        skip = (rng.random(len(rows)) < 0.08) & (within > 0)
        cs = np.cumsum(skip)
        skipped = cs - np.repeat(cs[np.cumsum(ep["k"]) - ep["k"]], ep["k"])  # weeks skipped so far in the episode
        day = ep["start"][rows] + within * ep["gap"][rows] + 7 * skipped
        day = day + np.where(within > 0, ep["wait"][rows] - ep["gap"][rows], 0)  # the wait for the second
        jitter = rng.random(len(rows)) < 0.12
        day = day + np.where(jitter, rng.integers(-2, 3, len(rows)), 0)
        day = day + (weekday(day) == 6)  # a jitter onto a Sunday moves to Monday
        pat = ep["patient"][rows]
        psy, agr, setting = ep["psy"][rows], ep["agr"][rows], ep["setting"][rows]
        ep_round = ep["round"][rows]
        ok = (day >= cal.start) & (day <= cal.end)
        ok &= rng.random(len(rows)) < cal.keep[np.clip(day - cal.start, 0, len(cal.keep) - 1)]
        ok &= (self.psy_from[psy] <= day) & (self.psy_to[psy] >= day)
        ok &= (agr < 0) | ((self.agr_from[np.maximum(agr, 0)] <= day) & (self.agr_to[np.maximum(agr, 0)] >= day))
        age = ((day - p["birth"][pat]) / 365.25).astype(np.int64)
        lo_rsn, hi_rsn = self.rules.age_range("RSN")
        lo_rsk, hi_rsk = self.rules.age_range("RSK")
        rsn_pat = p["rsn"][pat]
        ok &= np.where(rsn_pat, (age >= lo_rsn) & (age <= hi_rsn), (age >= lo_rsk) & (age <= hi_rsk))
        # order by patient then date, so that a cut at the batch's end takes whole patients first
        sel = np.flatnonzero(ok)
        sel = sel[np.lexsort((day[sel], pat[sel]))]
        rows, day, pat, psy, agr, setting, age, ep_round = (a[sel] for a in (rows, day, pat, psy, agr, setting, age,
                                                                             ep_round))
        n_s = len(rows)
        place = p["place"][pat]
        prog = cal.progress(day)
        video = (setting != 1) & (rng.random(n_s) < 0.15 - 0.085 * prog)
        setting = np.where(video, 3, setting)
        # residents of a commune without offer cannot be seen at home or by video there in that window
        dark = terr.in_blackout(place, day)
        setting = np.where(dark & ((setting == 2) | (setting == 3)), 0, setting)
        spec = ep["spec"][rows]
        # The patient's first first-line individual session (in their network: a patient has one) is free.
        fl = np.flatnonzero(~spec)
        first_first_line = np.zeros(n_s, dtype=bool)
        first_first_line[fl[np.r_[True, pat[fl][1:] != pat[fl][:-1]]] if len(fl) else fl] = True
        session_com = np.select(
            [setting == 0, setting == 1, setting == 2],
            [self.psy_com[psy], self.part_com[self.agr["partner_idx"].to_numpy()[np.maximum(agr, 0)]],
             np.minimum(place, self.prov - 1)], -1)
        nis = terr.communes["nis"].to_numpy().astype(str)
        patient_nis = self.places_nis[place].astype(object)
        for old, (last_day, new) in terr.successor.items():
            patient_nis = np.where((patient_nis == old) & (day > last_day), new, patient_nis)
        code = np.empty(n_s, dtype=object)
        community = ep["community"][rows]
        for lvl, m in (("premiere_ligne", ~spec), ("specialise", spec)):
            code[m] = self.rules.codes(lvl, day[m], community[m])
        bim = p["bim"][pat] | (p["bim_gain"][pat] & (ep_round > 0))
        full = self.rules.tariff_cents("patient_individual", day)
        reduced = self.rules.tariff_cents("patient_individual_preferential", day)
        free = self.rules.tariff_cents("patient_first_session_first_line", day)
        fee_pat = np.where(first_first_line, free, np.where(bim, reduced, full))
        # a few wrong shares: the full share for a BIM patient or a first session, nothing for a later one
        wrong = rng.random(n_s) < WRONG_COPAYMENT_SHARE
        fee_pat = np.where(wrong, np.where(first_first_line, np.where(bim, reduced, full),
                                           np.where(bim & (rng.random(n_s) < 0.6), full, free)), fee_pat)
        pids = hex_ids("P", p["pid"], 0xC0FFEE, 10)
        tags = p["tags"][pat]
        return pl.DataFrame({
            "session_date": day.astype("datetime64[D]"),
            "network": np.where(p["rsn"][pat], "RSN", "RSK"),
            "psychologist_id": self.world.psychologists["psychologist_id"].to_numpy()[psy],
            "care_level": code.astype(str),
            "format": np.full(n_s, "individuel"),
            "setting": np.array(["cabinet", "partenaire", "domicile", "video"])[setting],
            "patient_id": pids[pat],
            "patient_age": age.astype(np.int32),
            "patient_commune": patient_nis.astype(str),
            "session_commune": np.where(session_com >= 0, nis[np.maximum(session_com, 0)], ""),
            "partner_id": np.where(agr >= 0, self.agr["partner_id"].to_numpy()[np.maximum(agr, 0)], ""),
            "participants": pl.Series([None] * n_s, dtype=pl.Int32),
            "preferential_tariff": bim,
            "fee_inami_cents": self.rules.tariff_cents("psychologist_individual", day),
            "fee_patient_cents": fee_pat,
            "target_public": tags.astype(str),
            "_patient": pat,
        }).with_columns(_blank_to_null("session_commune", "partner_id", "target_public"))

    # --- group sessions --------------------------------------------------------------------------
    def group_batch(self, rng, n: int) -> pl.DataFrame:
        cal = self.world.cal
        anchor = self.anchor_days(rng, n)
        rsn = rng.random(n) < 0.6
        k = rng.integers(5, 11, n)
        gap = np.where(rng.random(n) < 0.85, 7, 14)
        start = anchor - (k // 2) * gap
        mid = np.clip(anchor, cal.start, cal.end)
        u = rng.random(n)
        setting = np.where(u < 0.55, 1, np.where(u < 0.95, 0, 3))
        cat = np.where(rsn, np.where(rng.random(n) < 0.2, 3, 2), np.where(rng.random(n) < 0.15, 0, 1))
        part = setting == 1
        agr = np.full(n, -1, dtype=np.int64)
        agr[part] = self.pick_agreement(rng, np.zeros(part.sum(), dtype=np.int64), mid[part], rsn[part], cat[part],
                                        distance=False)
        setting = np.where(part & (agr < 0), 0, setting)
        psy = np.where(agr >= 0, self.agr_psy[np.maximum(agr, 0)], -1)
        need = psy < 0
        place = rng.choice(len(self.res_p[0]), size=int(need.sum()), p=self.res_p[self.res_bins // 2])
        psy[need] = self.pick_psychologist(rng, place, mid[need], rsn[need], cat[need])
        valid = psy >= 0
        spec = rng.random(n) < 0.25
        community = rng.random(n) < 0.4
        reduced = ~spec & (rng.random(n) < 0.3)
        base = rng.integers(5, 13, n)
        rows = np.repeat(np.flatnonzero(valid), k[valid])
        kk = k[valid]
        within = np.arange(len(rows)) - np.repeat(np.cumsum(kk) - kk, kk)
        day = start[rows] + within * gap[rows]
        ok = (day >= cal.start) & (day <= cal.end)
        ok &= rng.random(len(rows)) < cal.keep[np.clip(day - cal.start, 0, len(cal.keep) - 1)]
        ok &= (self.psy_from[psy[rows]] <= day) & (self.psy_to[psy[rows]] >= day)
        a = agr[rows]
        ok &= (a < 0) | ((self.agr_from[np.maximum(a, 0)] <= day) & (self.agr_to[np.maximum(a, 0)] >= day))
        rows, day = rows[ok], day[ok]
        n_s = len(rows)
        a, s = agr[rows], setting[rows]
        sector = np.where(a >= 0, self.agr_sector[np.maximum(a, 0)], "")
        tag = np.select([sector == "maison_de_repos", sector == "petite_enfance",
                         np.isin(sector, ["cpas", "social", "logement", "insertion"]), cat[rows] == 3, cat[rows] == 0],
                        ["aines", "petite_enfance", "precarite", "aines", "perinatalite"], "")
        code = np.empty(n_s, dtype=object)
        sp = spec[rows]
        for lvl, m in (("premiere_ligne", ~sp), ("specialise", sp)):
            code[m] = self.rules.codes(lvl, day[m], community[rows][m])
        fee = np.where(reduced[rows], self.rules.tariff_cents("psychologist_group_reduced", day),
                       self.rules.tariff_cents("psychologist_group", day))
        nis = self.world.terr.communes["nis"].to_numpy().astype(str)
        com = np.select([s == 0, s == 1], [self.psy_com[psy[rows]],
                                           self.part_com[self.agr["partner_idx"].to_numpy()[np.maximum(a, 0)]]], -1)
        participants = np.clip(base[rows] + rng.integers(-1, 2, n_s), 4, 15)
        return pl.DataFrame({
            "session_date": day.astype("datetime64[D]"),
            "network": np.where(rsn[rows], "RSN", "RSK"),
            "psychologist_id": self.world.psychologists["psychologist_id"].to_numpy()[psy[rows]],
            "care_level": code.astype(str),
            "format": np.full(n_s, "groupe"),
            "setting": np.array(["cabinet", "partenaire", "domicile", "video"])[s],
            "patient_id": pl.Series([None] * n_s, dtype=pl.String),
            "patient_age": pl.Series([None] * n_s, dtype=pl.Int32),
            "patient_commune": pl.Series([None] * n_s, dtype=pl.String),
            "session_commune": np.where(com >= 0, nis[np.maximum(com, 0)], ""),
            "partner_id": np.where(a >= 0, self.agr["partner_id"].to_numpy()[np.maximum(a, 0)], ""),
            "participants": participants.astype(np.int32),
            "preferential_tariff": pl.Series([None] * n_s, dtype=pl.Boolean),
            "fee_inami_cents": fee,
            "fee_patient_cents": self.rules.tariff_cents("patient_group", day),
            "target_public": tag.astype(str),
            "_patient": rows.astype(np.int64),
        }).with_columns(_blank_to_null("session_commune", "partner_id", "target_public"))


def generate_sessions(sampler: Sampler, rng_ind, rng_grp, n_sessions: int, group_share: float = 0.04):
    """Yield canonical session frames (with a random `_tie` key), exactly `n_sessions` rows in all."""
    n_grp = int(round(n_sessions * group_share))
    n_ind = n_sessions - n_grp
    for target, batch_fn, rng, per_unit in ((n_ind, "ind", rng_ind, 6.0), (n_grp, "grp", rng_grp, 6.0)):
        done, first = 0, 0
        while done < target:
            need = target - done
            n_units = int(min(max(need / per_unit * 1.08, 500), 40_000))
            df = sampler.individual_batch(rng, first, n_units) if batch_fn == "ind" else \
                sampler.group_batch(rng, n_units)
            first += n_units
            if df.height:
                per_unit = max(df.height / n_units, 0.5)
            df = df.head(need).drop("_patient")
            done += df.height
            yield df.with_columns(_tie=pl.Series(rng.integers(0, 2**62, df.height, dtype=np.int64)))

