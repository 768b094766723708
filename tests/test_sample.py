"""The sample-export generator: determinism, the data contract's tables and columns, the messy shape, and
the realism the dashboard's users will judge it on. Reads the generated CSVs back with Polars and DuckDB
only (never through the importer), against the contract (docs/data-contract.md) and data/reference/.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from psynam import reference
from psynam.sample import SampleError, cli, period, write_sample

UNTIL = "2026-10"
END = date(2026, 10, 31)
START = date(2021, 9, 1)
N_SESSIONS = 20_000

# The data contract's tables: canonical column -> French alias.
CONTRACT = {
    "sessions": {"session_id": "id_seance", "session_date": "date_seance", "network": "reseau",
                 "psychologist_id": "id_psychologue", "care_level": "niveau", "format": "format", "setting": "lieu",
                 "patient_id": "id_patient", "patient_age": "age_patient", "patient_commune": "commune_patient",
                 "session_commune": "commune_seance", "partner_id": "id_partenaire", "participants": "participants",
                 "preferential_tariff": "tarif_preferentiel", "fee_inami_eur": "montant_inami",
                 "fee_patient_eur": "montant_patient", "target_public": "public_cible"},
    "clairvisions": {"clairvision_id": "id_clairvision", "clairvision_date": "date_clairvision", "network": "reseau",
                     "psychologist_id": "id_psychologue", "partner_id": "id_partenaire", "commune": "commune",
                     "participants": "participants", "duration_hours": "duree_heures",
                     "fee_inami_eur": "montant_inami", "theme": "theme", "target_public": "public_cible"},
    "partners": {"partner_id": "id_partenaire", "name": "nom", "sector": "secteur", "commune": "commune",
                 "network": "reseau", "membership": "statut", "joined_on": "date_adhesion", "left_on": "date_sortie",
                 "target_publics": "publics_cibles"},
    "agreements": {"agreement_id": "id_convention", "partner_id": "id_partenaire", "psychologist_id": "id_psychologue",
                   "network": "reseau", "signed_on": "date_signature", "start_on": "date_debut",
                   "end_on": "date_fin", "hours_per_month": "heures_mois", "settings": "lieux"},
    "psychologists": {"psychologist_id": "id_psychologue", "network": "reseau",
                      "practice_commune": "commune_cabinet", "conventioned_on": "date_conventionnement",
                      "ended_on": "date_fin", "publics": "publics"},
    "budget": {"year": "annee", "network": "reseau", "category": "categorie", "envelope_eur": "enveloppe",
               "capped": "plafonne"},
    "activities": {"activity_id": "id_activite", "activity_date": "date_activite", "type": "type",
                   "commune": "commune", "participants": "participants", "partner_ids": "partenaires"},
}
CARE_LEVEL_SPELLINGS = {"1l": "premiere_ligne", "premiere ligne": "premiere_ligne", "specialise": "specialise",
                        "spec": "specialise", "soutien psychologique": "soutien",
                        "traitement psychologique": "traitement", "interventions communautaires": "communautaire"}
SETTING_SPELLINGS = {"outreaching": "partenaire", "lieu d'accroche": "partenaire", "video": "video", "visio": "video"}
COMMUNE_TYPES = {c: pl.String for c in ("patient_commune", "session_commune", "commune", "practice_commune")}


def fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)).strip().lower()


# --- fixtures --------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def clean(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean")
    counts = write_sample(out, seed=2021, sessions=N_SESSIONS, until=UNTIL, clean=True)
    assert counts["sessions"] == N_SESSIONS
    return out


@pytest.fixture(scope="module")
def messy_zip(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("messy") / "sample.zip"
    write_sample(out, seed=2021, sessions=N_SESSIONS, until=UNTIL)
    return out


@pytest.fixture(scope="module")
def t(clean):
    """The clean tables as Polars frames (typed by Polars' inference, communes kept as text)."""
    return {name: pl.read_csv(clean / f"{name}.csv", schema_overrides=COMMUNE_TYPES, try_parse_dates=True)
            for name in CONTRACT}


@pytest.fixture(scope="module")
def con(t):
    c = duckdb.connect()
    for name, frame in t.items():
        c.register(name, frame)
    reference.load_into(c)
    # a session's commune (indicators.md): session_commune, or the patient's commune for video
    c.execute("create view located as select *, case when setting = 'video' then patient_commune "
              "else session_commune end as commune from sessions")
    return c


# --- determinism, tables, shapes -----------------------------------------------------------------------
def test_same_seed_same_bytes(tmp_path, messy_zip):
    again = tmp_path / "again.zip"
    write_sample(again, seed=2021, sessions=N_SESSIONS, until=UNTIL)
    assert again.read_bytes() == messy_zip.read_bytes()
    other = tmp_path / "other.zip"
    write_sample(other, seed=7, sessions=N_SESSIONS, until=UNTIL)
    assert other.read_bytes() != messy_zip.read_bytes()


def test_clean_folder_has_every_table_and_contract_column(clean, t):
    assert sorted(p.name for p in clean.iterdir()) == sorted(f"{n}.csv" for n in CONTRACT)
    for name, columns in CONTRACT.items():
        assert t[name].columns == list(columns), name
        header = (clean / f"{name}.csv").read_bytes().split(b"\n", 1)[0].decode("utf-8")
        assert header == ",".join(columns)
    assert t["sessions"].height == N_SESSIONS
    for name, key in (("sessions", "session_id"), ("clairvisions", "clairvision_id"), ("partners", "partner_id"),
                      ("agreements", "agreement_id"), ("psychologists", "psychologist_id"),
                      ("activities", "activity_id")):
        assert t[name][key].n_unique() == t[name].height, name
    assert t["budget"].select("year", "network", "category").n_unique() == t["budget"].height


def _messy_tables(path: Path) -> dict[str, tuple[bytes, str]]:
    with zipfile.ZipFile(path) as z:
        assert sorted(z.namelist()) == sorted(f"{n}.csv" for n in CONTRACT)
        assert {i.date_time for i in z.infolist()} == {(2021, 9, 1, 0, 0, 0)}
        return {n: z.read(f"{n}.csv") for n in CONTRACT}


def test_messy_shape(messy_zip):
    raw = _messy_tables(messy_zip)
    expect = {"sessions": ("cp1252", ";"), "clairvisions": ("utf-8", ";"), "partners": ("utf-8-sig", ";"),
              "agreements": ("utf-8", ","), "psychologists": ("utf-8", ";"), "budget": ("utf-8", ";"),
              "activities": ("utf-8", ",")}
    for name, (encoding, sep) in expect.items():
        data = raw[name]
        assert data.startswith(b"\xef\xbb\xbf") == (encoding == "utf-8-sig"), name
        text = data.decode(encoding)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=sep))
        header = [fold(h) for h in rows[0]]
        canon, alias = list(CONTRACT[name]), list(CONTRACT[name].values())
        assert header in (canon, alias), (name, header)
        assert all(len(r) == len(header) for r in rows[1:]), name
    with pytest.raises(UnicodeDecodeError):
        raw["sessions"].decode("utf-8")  # really Windows-1252 (accents in headers and values)
    assert b"\r\n" in raw["sessions"][:500]
    sessions = raw["sessions"].decode("cp1252")
    assert ";83,00;" in sessions and ";oui;" in sessions and ";non;" in sessions
    for spelling in ("1L", "première ligne", "spécialisé", "SPEC", "soutien psychologique",
                     "traitement psychologique", "interventions communautaires", "outreaching",
                     "lieu d'accroche", "vidéo", "visio"):
        assert f";{spelling};" in sessions, spelling
    assert "/2024;" in sessions
    budget = raw["budget"].decode("utf-8")
    assert any(len(r.split(";")[3].split(" ")) >= 2 for r in budget.splitlines()[1:])  # "1 234 567,00"
    assert {r.split(";")[4] for r in budget.splitlines()[1:]} == {"O", "N"}
    partners = raw["partners"].decode("utf-8-sig")
    for awkward in ("’", "&", '""', "<b>", "=HYPERLINK("):
        assert awkward in partners, awkward


def _normalise_messy_sessions(data: bytes) -> pl.DataFrame:
    """Undo the messy shape of sessions.csv with a tiny reader of our own (not the importer)."""
    df = pl.read_csv(io.BytesIO(data.decode("cp1252").encode("utf-8")), separator=";", infer_schema=False)
    df.columns = list(CONTRACT["sessions"])
    com = reference.communes()
    by_name = {fold(n): nis for nis, n in zip(com["nis"], com["name_fr"])}
    nis_codes = set(reference.belgian_communes()["nis"])

    def commune(v):
        if v is None or v in nis_codes:
            return v
        return by_name[fold(v)]  # a name must resolve to exactly one province commune

    return df.with_columns(
        pl.col("session_date").str.to_date("%d/%m/%Y"),
        pl.col("care_level").map_elements(lambda v: CARE_LEVEL_SPELLINGS.get(fold(v), v), return_dtype=pl.String),
        pl.col("setting").map_elements(lambda v: SETTING_SPELLINGS.get(fold(v), v), return_dtype=pl.String),
        pl.col("patient_commune").map_elements(commune, return_dtype=pl.String),
        pl.col("session_commune").map_elements(commune, return_dtype=pl.String),
        pl.col("patient_age").cast(pl.Int64), pl.col("participants").cast(pl.Int64),
        pl.col("preferential_tariff").replace_strict({"oui": True, "non": False}, default=None,
                                                     return_dtype=pl.Boolean),
        *[pl.col(c).str.replace(",", ".", literal=True).cast(pl.Float64) for c in ("fee_inami_eur", "fee_patient_eur")],
    )


def test_messy_sessions_hold_the_same_data_as_clean(messy_zip, t):
    messy = _normalise_messy_sessions(_messy_tables(messy_zip)["sessions"])
    clean = t["sessions"].with_columns(pl.col("patient_age").cast(pl.Int64), pl.col("participants").cast(pl.Int64))
    assert messy.equals(clean.select(messy.columns))
    sessions = _messy_tables(messy_zip)["sessions"].decode("cp1252")
    named = sum(1 for line in sessions.splitlines()[1:] if any(ch.isalpha() for ch in line.split(";")[10]))
    assert 0.05 < named / N_SESSIONS < 0.15  # communes by name in ~10 % of rows


def test_period():
    assert period("2026-10", today=date(2026, 11, 23)) == (START, END)
    assert period(None, today=date(2026, 11, 23)) == (START, END)
    assert period(None, today=date(2027, 1, 5))[1] == date(2026, 12, 31)
    assert period("2030-01", today=date(2026, 11, 23))[1] == date(2026, 11, 23)  # never in the future
    with pytest.raises(SampleError):
        period("2021-08", today=date(2026, 11, 23))
    with pytest.raises(SampleError):
        period("octobre", today=date(2026, 11, 23))


def test_cli_prints_one_line_per_table(tmp_path, capsys):
    from argparse import Namespace
    assert cli(Namespace(out=str(tmp_path / "s"), seed=1, sessions=300, until="2022-06", clean=True)) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == [f"{n}.csv" for n in CONTRACT]
    assert cli(Namespace(out=str(tmp_path / "s"), seed=1, sessions=10, until="2020-01", clean=True)) == 2


# --- realism ---------------------------------------------------------------------------------------------
def test_sessions_span_the_period_and_grow(t):
    s = t["sessions"]
    assert s["session_date"].min() >= START and s["session_date"].max() <= END
    assert s["session_date"].min() < date(2021, 9, 15) and s["session_date"].max() > date(2026, 10, 20)
    by_year = dict(s.group_by(pl.col("session_date").dt.year()).len().iter_rows())
    assert by_year[2022] < by_year[2023] < by_year[2024] < by_year[2025]
    months = s.filter(pl.col("session_date").dt.year().is_in([2023, 2024, 2025])).group_by(
        pl.col("session_date").dt.month().alias("m")).len()
    per_month = dict(months.iter_rows())
    other = sum(per_month[m] for m in (3, 4, 5, 6, 9, 10)) / 6
    assert per_month[7] < 0.85 * other and per_month[8] < 0.8 * other  # summer dip
    late_dec = s.filter((pl.col("session_date").dt.month() == 12) & (pl.col("session_date").dt.day() >= 22)).height
    early_dec = s.filter((pl.col("session_date").dt.month() == 12) & (pl.col("session_date").dt.day().is_between(
        8, 17))).height
    assert late_dec < 0.6 * early_dec  # Christmas dip
    assert s.filter(pl.col("session_date").dt.weekday() == 7).height < 0.01 * s.height


def test_south_under_served_but_closing(con):
    pop = con.execute("select sum(pop_total) filter (where south) / sum(pop_total) from ref_communes").fetchall()[0][0]
    share = dict(con.execute("""
        select year(session_date) >= 2025 as late, avg(c.south::int)
        from located s join ref_communes c on c.nis = s.commune
        where year(session_date) <= 2022 or year(session_date) >= 2025 group by all""").fetchall())
    assert 0.12 < share[False] < share[True] < pop - 0.08
    assert share[True] - share[False] > 0.02


def test_south_reach_per_1000_below_the_north(con):
    # under-served by residence too: fewer patients per 1,000 inhabitants in the south than in the north
    reach = dict(con.execute("""
        with p as (select distinct patient_id, patient_commune from sessions where format = 'individuel'),
        pop as (select south, sum(pop_total) as pop from ref_communes group by all)
        select c.south, count(*) / any_value(pop.pop)
        from p join ref_communes c on c.nis = p.patient_commune join pop on pop.south = c.south
        group by all""").fetchall())
    assert reach[True] < 0.9 * reach[False]


def test_some_southern_communes_without_offer(con):
    # the two smallest southern communes: no session delivered and no registered partner in the first year
    dark = {r[0] for r in con.execute("""
        select c.nis from ref_communes c where c.south
        and c.nis not in (select commune from located
                          where session_date between '2021-09-01' and '2022-08-31' and commune is not null)
        and c.nis not in (select commune from partners
                          where joined_on <= '2022-08-31' and (left_on is null or left_on >= '2021-09-01'))""").fetchall()}
    smallest = set(reference.communes().filter(pl.col("south")).sort("pop_total")["nis"][:2])
    assert smallest <= dark and len(dark) <= 6


def test_patients_ages_and_residence(con):
    p = con.sql("""
        select patient_id, any_value(network) as network, arg_min(patient_age, session_date) as age,
               min(patient_age) as min_age, max(patient_age) as max_age,
               count(distinct network) as networks, count(distinct patient_commune) as communes,
               bool_or(patient_commune not in (select nis from ref_communes)) as outside
        from sessions where format = 'individuel' group by patient_id""").pl()
    assert p.height > 1000
    assert (p["networks"] == 1).all()
    assert p.filter(pl.col("network") == "RSN")["min_age"].min() >= 15
    assert p.filter(pl.col("network") == "RSK")["max_age"].max() <= 22
    pop65 = con.execute("select sum(pop_65_plus) / sum(pop_total) from ref_communes").fetchall()[0][0]
    share65 = (p["age"] >= 65).mean()
    assert 0.04 < share65 < 0.09 < pop65
    infants = p.filter(pl.col("age") <= 2)
    assert 0 < infants.height < 0.02 * p.height and (infants["network"] == "RSK").all()
    assert 0.02 < p["outside"].mean() < 0.06
    # a residence changes only when a merged commune's code is replaced by its successor
    moved = p.filter(pl.col("communes") > 1)
    assert moved.height <= 0.01 * p.height
    ended = con.execute("""
        select s.patient_commune, max(s.session_date) <= any_value(b.valid_to) as before_end
        from sessions s join ref_belgian_communes b on b.nis = s.patient_commune
        where b.valid_to is not null group by 1""").fetchall()
    assert ended and all(ok for _, ok in ended)
    outside_provinces = {r[0] for r in con.execute("""
        select distinct b.province_fr from sessions s join ref_belgian_communes b on b.nis = s.patient_commune
        where s.patient_commune not in (select nis from ref_communes)""").fetchall()}
    assert outside_provinces <= {"Hainaut", "Liège", "Luxembourg", "Brabant wallon"} and len(outside_provinces) >= 3


def test_early_childhood_and_elderly_tags(con):
    tagged = dict(con.execute("""
        select tag, count(*) from (select unnest(string_split(target_public, '|')) as tag from sessions
                                   where target_public is not null) group by 1""").fetchall())
    assert tagged.get("perinatalite", 0) > 0 and tagged.get("petite_enfance", 0) > 0 and tagged.get("aines", 0) > 0
    at = dict(con.execute("""
        select p.sector, count(*) from sessions s join partners p using (partner_id) group by 1""").fetchall())
    assert at.get("petite_enfance", 0) > 0 and at.get("maison_de_repos", 0) > 0


def test_formats_settings_and_links(con, t):
    s = t["sessions"]
    grp = s.filter(pl.col("format") == "groupe")
    ind = s.filter(pl.col("format") == "individuel")
    assert 0.02 < grp.height / s.height < 0.07
    assert grp["participants"].is_between(4, 15).all()
    assert grp["patient_id"].is_null().all() and grp["patient_age"].is_null().all()
    assert ind["patient_id"].is_not_null().all() and ind["patient_age"].is_not_null().all()
    assert ind["participants"].is_null().all()
    settings = s["setting"].value_counts(normalize=True).to_dict(as_series=False)
    share = dict(zip(settings["setting"], settings["proportion"]))
    assert set(share) == {"cabinet", "partenaire", "domicile", "video"}
    assert share["cabinet"] > 0.6 and share["cabinet"] == max(share.values())
    assert s.filter(pl.col("setting") == "video")["session_commune"].is_null().all()
    assert s.filter(pl.col("setting") != "video")["session_commune"].is_not_null().all()
    assert (s["partner_id"].is_not_null() == (s["setting"] == "partenaire")).all()
    bad = con.execute("""
        select count(*) from sessions s left join partners p using (partner_id)
        where s.setting = 'partenaire' and (p.partner_id is null or p.commune <> s.session_commune
              or s.session_date < p.joined_on or s.session_date > coalesce(p.left_on, date '9999-12-31'))""")
    assert bad.fetchall()[0][0] == 0
    bad = con.execute("""
        select count(*) from sessions s left join psychologists y using (psychologist_id)
        where y.psychologist_id is null or s.session_date < y.conventioned_on
              or s.session_date > coalesce(y.ended_on, date '9999-12-31')""")
    assert bad.fetchall()[0][0] == 0


def test_amounts_follow_tariffs(t):
    tariff = dict(reference.frame("ref_tariffs").select("item", pl.col("amount_eur").cast(pl.Float64)).iter_rows())
    s = t["sessions"]
    grp = s.filter(pl.col("format") == "groupe")
    ind = s.filter(pl.col("format") == "individuel")
    assert set(grp["fee_inami_eur"]) == {tariff["psychologist_group"], tariff["psychologist_group_reduced"]}
    reduced = (grp["fee_inami_eur"] == tariff["psychologist_group_reduced"]).mean()
    assert 0.05 < reduced < 0.45
    assert (grp["fee_patient_eur"] == tariff["patient_group"]).all()
    assert (ind["fee_inami_eur"] == tariff["psychologist_individual"]).all()
    shares = {tariff[k] for k in ("patient_individual", "patient_individual_preferential",
                                  "patient_first_session_first_line")}
    assert set(ind["fee_patient_eur"]) == shares
    free = ind.filter(pl.col("fee_patient_eur") == tariff["patient_first_session_first_line"])
    levels = reference.frame("ref_care_levels")
    first_line = set(levels.filter(pl.col("level_2021") == "premiere_ligne")["code"])
    assert free.height > 0
    # The rules (docs/indicators.md, co-payment check): the first first-line session of a patient in a
    # network is free, then the preferential or the full share; a few sessions are asked a wrong amount.
    ind = ind.sort("session_date", "session_id").with_columns(
        first_first_line=pl.col("care_level").is_in(list(first_line))
        & (pl.int_range(pl.len()).over("network", "patient_id", pl.col("care_level").is_in(list(first_line))) == 0))
    expected = (pl.when(pl.col("first_first_line")).then(tariff["patient_first_session_first_line"])
                .when(pl.col("preferential_tariff")).then(tariff["patient_individual_preferential"])
                .otherwise(tariff["patient_individual"]))
    wrong = ind.filter(pl.col("fee_patient_eur") != expected)
    assert 0.001 < wrong.height / ind.height < 0.01
    # a free specialised session is always one of those mistakes
    mistaken = set(wrong["session_id"])
    assert free.filter(~pl.col("care_level").is_in(list(first_line)))["session_id"].is_in(list(mistaken)).all()
    bim = ind.group_by("patient_id").agg(pl.col("preferential_tariff").first())["preferential_tariff"].mean()
    assert 0.2 < bim < 0.3


def test_bim_share_lower_in_the_south(con):
    # financial access: ~25-30 % of patients at the preferential tariff, fewer among southern residents
    share = dict(con.execute("""
        with first as (
            select patient_id, arg_min(preferential_tariff, (session_date, session_id)) as bim,
                   arg_min(patient_commune, (session_date, session_id)) as nis
            from sessions where format = 'individuel' group by 1)
        select coalesce(c.south::varchar, 'outside'), avg(bim::int) from first left join ref_communes c using (nis)
        group by 1""").fetchall())
    overall = con.execute("""select avg(b::int) from (select arg_min(preferential_tariff, (session_date, session_id)) b
                              from sessions where format = 'individuel' group by patient_id)""").fetchall()[0][0]
    assert 0.24 < overall < 0.31
    assert share["true"] < share["false"] - 0.04


def test_pathways_single_sessions_and_a_waiting_tail(con):
    # days from a patient's first to second individual session: mostly under a month, with a tail
    waits = con.sql("""
        with ranked as (
            select patient_id, session_date,
                   row_number() over (partition by network, patient_id order by session_date, session_id) as r
            from sessions where format = 'individuel')
        select max(session_date) filter (where r = 2) - min(session_date) filter (where r = 1) as days
        from ranked group by patient_id""").pl()["days"].drop_nulls()
    assert waits.median() <= 21
    assert 0.1 < (waits > 30).mean() < 0.3
    assert 0.02 < (waits > 90).mean() < 0.1
    single = con.execute("""
        select avg((n = 1)::int) from (select count(*) as n from sessions where format = 'individuel'
                                       and year(session_date) = 2025 group by patient_id)""").fetchall()[0][0]
    assert 0.08 < single < 0.25


def test_network_activities_like_a_yearly_report(t):
    a = t["activities"].with_columns(year=pl.col("activity_date").dt.year(),
                                     named=pl.col("partner_ids").fill_null("").str.split("|").list.eval(
                                         pl.element().filter(pl.element() != "")).list.len())
    for year in (2022, 2023, 2024, 2025):
        y = a.filter(pl.col("year") == year)
        assert 50 <= y.height <= 80, year
        per_type = dict(y.group_by("type").len().iter_rows())
        assert set(per_type) == {"coordination", "intervision", "groupe_de_travail", "midi_de_reseau",
                                 "formation", "comite"}, year
        assert 8 <= per_type["comite"] <= 12 and per_type["midi_de_reseau"] <= 6
    assert a.filter(pl.col("type") == "midi_de_reseau")["participants"].mean() > 25
    assert (a["participants"] > a["named"]).all()  # one person at least per partner, plus the team
    assert (a["activity_date"].dt.weekday() <= 5).all()
    online = a.group_by(pl.col("year") <= 2022).agg(pl.col("commune").is_null().mean())
    crisis, after = (dict(online.iter_rows())[k] for k in (True, False))
    assert crisis > after > 0
    # some partners registered all through 2025 are never named at a meeting that year
    p = t["partners"].filter((pl.col("joined_on") <= date(2025, 1, 1))
                             & (pl.col("left_on").is_null() | (pl.col("left_on") > date(2025, 12, 31))))
    seen = set("|".join(a.filter(pl.col("year") == 2025)["partner_ids"].drop_nulls()).split("|"))
    never = (~p["partner_id"].is_in(list(seen))).mean()
    assert 0.05 < never < 0.6


def test_care_level_coding_switches_on_1_april_2024(t):
    levels = reference.frame("ref_care_levels")
    s = t["sessions"]
    for r in levels.iter_rows(named=True):
        used = s.filter(pl.col("care_level") == r["code"])["session_date"]
        assert used.len() > 0, r["code"]
        assert used.min() >= r["valid_from"]
        assert r["valid_to"] is None or used.max() <= r["valid_to"]
    assert set(s["care_level"]) == set(levels["code"])


def test_ceilings_mostly_respected(con):
    over = con.execute("""
        with per as (
            select s.patient_id, s.network, year(s.session_date) as year, l.level_2021, count(*) as n
            from sessions s join ref_care_levels l on l.code = s.care_level
            where s.format = 'individuel' group by all)
        select avg((n > c.max_sessions)::int), count(*) from per
        join ref_networks w using (network)
        join ref_ceilings c on c.level_2021 = per.level_2021 and c.format = 'individuel'
                            and c.age_group = w.age_group""").fetchall()[0]
    assert over[1] > 1000 and 0 < over[0] < 0.02


def test_partners_psychologists_agreements(con, t):
    p = t["partners"]
    assert p.height == 200 and t["psychologists"].height == 250
    sectors = reference.frame("ref_sectors")
    care = set(sectors.filter(pl.col("is_care"))["sector"])
    assert set(sectors["sector"][:5]) == care  # the contract's first five sectors are care
    rsn = p.filter(pl.col("network").str.contains("RSN"))
    assert abs((rsn["membership"] == "effectif").mean() - 0.47) < 0.04
    assert abs((~rsn["sector"].is_in(list(care))).mean() - 0.68) < 0.04
    assert 0.06 < p["left_on"].is_not_null().mean() < 0.16
    assert (p["joined_on"] < START).sum() > 10 and (p["joined_on"] > date(2024, 1, 1)).sum() > 10
    assert (p["left_on"].is_null() | (p["left_on"] > p["joined_on"])).all()
    a = t["agreements"]
    assert a["partner_id"].is_in(p["partner_id"].to_list()).all()
    assert a["psychologist_id"].is_in(t["psychologists"]["psychologist_id"].to_list()).all()
    assert (a["hours_per_month"] > 0).all() and (a["signed_on"] <= a["start_on"]).all()
    assert (a["end_on"].is_null() | (a["end_on"] >= a["start_on"])).all()
    y = t["psychologists"]
    assert set(y["network"]) == {"RSN", "RSK", "RSN+RSK"} and y["ended_on"].is_not_null().sum() > 5
    assert (y["conventioned_on"] >= START).all()


def test_clairvisions_and_activities(t):
    c = t["clairvisions"]
    per_year = c.group_by(pl.col("clairvision_date").dt.year()).len()["len"]
    assert 100 < per_year.median() < 500
    assert c["participants"].is_between(5, 40).all() and c["duration_hours"].is_between(1, 3).all()
    tariff = float(reference.frame("ref_tariffs").filter(pl.col("item") == "psychologist_individual")["amount_eur"][0])
    assert ((c["fee_inami_eur"] - c["duration_hours"] * tariff).abs() < 0.01).all()
    assert c["commune"].is_not_null().all() and c["theme"].is_not_null().mean() > 0.8
    assert {"aines", "petite_enfance"} <= set("|".join(c["target_public"].drop_nulls()).split("|"))
    a = t["activities"]
    assert {"coordination", "intervision", "groupe_de_travail", "midi_de_reseau", "formation", "comite"} == set(a["type"])
    assert a["commune"].is_null().sum() > 0 and (a["participants"] >= 0).all()
    ids = set(t["partners"]["partner_id"])
    assert all(x in ids for v in a["partner_ids"].drop_nulls() for x in v.split("|"))


def test_budget_envelopes_and_caps(con, t):
    b = t["budget"]
    cats = reference.frame("ref_budget_categories")
    assert set(b["category"]) == set(cats["category"]) and set(b["network"]) == {"RSN", "RSK"}
    assert sorted(set(b["year"])) == list(range(2021, 2027))
    assert b.height == 6 * 2 * cats["category"].n_unique()
    uncapped_since_2023 = {"groupe", "outreaching", "clairvision"}
    for r in b.iter_rows(named=True):
        assert r["capped"] == (r["year"] < 2023 or r["category"] not in uncapped_since_2023), r
    admin = float(reference.frame("ref_tariffs").filter(pl.col("item") == "admin_fee_per_patient_year")["amount_eur"][0])
    usage = con.sql("""
        with spent as (
            select year(session_date) as year, network,
                   case when format = 'groupe' then 'groupe' when setting = 'partenaire' then 'outreaching'
                        else 'individuel' end as category, sum(fee_inami_eur) as spent
            from sessions group by all
            union all select year(session_date), network, 'administratif', $admin * count(distinct patient_id)
            from sessions where patient_id is not null group by all
            union all select year(clairvision_date), network, 'clairvision', sum(fee_inami_eur)
            from clairvisions group by all)
        select b.year, b.network, b.category, coalesce(s.spent, 0) / b.envelope_eur as usage
        from budget b left join spent s using (year, network, category)
        where b.envelope_eur > 0""", params={"admin": admin}).pl()
    # a line with nothing spent (only in tiny samples) gets an envelope of 0
    assert usage.height >= b.height - 3
    full = usage.filter(pl.col("year") < 2026)
    assert full["usage"].is_between(0.70, 1.05).all(), full.filter(~pl.col("usage").is_between(0.70, 1.05))
    elapsed = (END - date(2026, 1, 1)).days + 1
    projected = usage.filter(pl.col("year") == 2026)["usage"] * 365 / elapsed
    assert projected.is_between(0.70, 1.05).all()
