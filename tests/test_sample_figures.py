"""The committed sample, end to end: it imports through the real importer with no rejection, the
`metrics --json` figures agree with an independent Polars reading of docs/indicators.md over the imported
rows, and the Overview page shows the same figures for the same filters."""

import json
import subprocess
import sys
from datetime import date

import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from psynam import ROOT, db, formatting as fmt, reference
from psynam.build import build, sample_exports
from psynam.ingest import import_paths

PERIOD = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory):
    return build(tmp_path_factory.mktemp("sample") / "sample.duckdb")


@pytest.fixture(scope="module")
def tables(sample_db):
    con = db.connect(sample_db, read_only=True)
    out = {t: con.sql(f"select * from {t}").pl()  # fixed table names
           for t in ("sessions", "clairvisions", "partners", "agreements", "activities", "budget", "psychologists")}
    con.close()
    return out


def metrics_json(sample_db, *extra) -> dict:
    out = subprocess.run(
        [sys.executable, "-m", "psynam", "metrics", "--from", PERIOD[0].isoformat(), "--to",
         PERIOD[1].isoformat(), "--db", str(sample_db), "--json", *extra],
        capture_output=True, text=True, cwd=ROOT, check=True).stdout
    return json.loads(out)


def expected(tables, network=None) -> dict:
    """docs/indicators.md, read independently of the SQL, in Polars."""
    communes = reference.communes()
    sectors = reference.frame("ref_sectors")
    s = tables["sessions"].filter(pl.col("session_date").is_between(*PERIOD))
    c = tables["clairvisions"].filter(pl.col("clairvision_date").is_between(*PERIOD))
    if network:
        s, c = s.filter(pl.col("network") == network), c.filter(pl.col("network") == network)
    ind = s.filter(pl.col("format") == "individuel")
    where = s.with_columns(pl.when(pl.col("setting") == "video").then(pl.col("patient_commune"))
                           .otherwise(pl.col("session_commune")).alias("nis"))
    where = where.join(communes.select("nis", "south"), on="nis", how="left")
    in_province = where.filter(pl.col("south").is_not_null())
    first_age = ind.sort("session_date", "session_id").group_by("patient_id").agg(pl.col("patient_age").first())
    petite = set(sectors.filter(pl.col("sector") == "petite_enfance")["sector"])
    partner_sector = dict(zip(tables["partners"]["partner_id"], tables["partners"]["sector"]))
    tags = s["target_public"].fill_null("").str.split("|")
    early = s.with_columns(tags.alias("tags")).filter(
        (pl.col("patient_age") <= 2).fill_null(False)
        | pl.col("tags").list.contains("perinatalite") | pl.col("tags").list.contains("petite_enfance")
        | pl.col("partner_id").replace_strict(partner_sector, default=None).is_in(list(petite)).fill_null(False))
    p = tables["partners"].filter((pl.col("joined_on") <= PERIOD[1])
                                  & (pl.col("left_on").is_null() | (pl.col("left_on") > PERIOD[0])))
    if network:
        p = p.filter(pl.col("network").str.split("+").list.contains(network))
    care = set(sectors.filter(pl.col("is_care"))["sector"])
    a = tables["agreements"].filter((pl.col("start_on") <= PERIOD[1])
                                    & (pl.col("end_on").is_null() | (pl.col("end_on") >= PERIOD[0])))
    if network:
        a = a.filter(pl.col("network") == network)
    acts = tables["activities"].filter(pl.col("activity_date").is_between(*PERIOD))
    evidence = (set(s["partner_id"].drop_nulls()) | set(c["partner_id"].drop_nulls()) | set(a["partner_id"])
                | {pid for ids in acts["partner_ids"].drop_nulls() for pid in ids.split("|") if pid})
    south_pct = 100 * in_province["south"].sum() / in_province.height
    elderly = first_age.filter(pl.col("patient_age") >= 65).height
    return {
        "sessions": s.height,
        "individual_sessions": ind.height,
        "group_sessions": s.height - ind.height,
        "patients": ind["patient_id"].n_unique(),
        "active_psychologists": len(set(s["psychologist_id"]) | set(c["psychologist_id"])),
        "registered_partners": p.height,
        "active_partners": p.filter(pl.col("partner_id").is_in(list(evidence))).height,
        "partners_outside_care_pct": round(100 * p.filter(~pl.col("sector").is_in(list(care))).height / p.height, 2),
        "south_sessions_pct": round(south_pct, 2),
        "elderly_patients": elderly,
        "elderly_patients_pct": round(100 * elderly / ind["patient_id"].n_unique(), 2),
        "early_childhood_sessions": early.height,
    }


def universalism_expected(tables, network=None) -> dict:
    """The new figures of docs/indicators.md (financial access, pathways, supply, network life), read
    independently of the SQL, in Polars over the imported rows."""
    communes = reference.communes()
    every = tables["sessions"].filter(pl.col("format") == "individuel")
    if network:
        every = every.filter(pl.col("network") == network)
    every = every.sort("session_date", "session_id")
    ind = every.filter(pl.col("session_date").is_between(*PERIOD))
    first = ind.group_by("patient_id", maintain_order=True).agg(
        pl.col("preferential_tariff").first().fill_null(False).alias("bim"), pl.len().alias("n"))
    ever = every.group_by("patient_id", maintain_order=True).agg(
        pl.col("session_date").first().alias("first"), pl.col("session_date").get(1, null_on_oob=True).alias("second"))
    new = first.join(ever, on="patient_id").filter(pl.col("first") >= PERIOD[0])
    waits = new.select((pl.col("second") - pl.col("first")).dt.total_days().alias("days"))["days"].drop_nulls()
    s = tables["sessions"].filter(pl.col("session_date").is_between(*PERIOD))
    c = tables["clairvisions"].filter(pl.col("clairvision_date").is_between(*PERIOD))
    if network:
        s, c = s.filter(pl.col("network") == network), c.filter(pl.col("network") == network)
    active = set(s["psychologist_id"]) | set(c["psychologist_id"])
    practice = dict(zip(tables["psychologists"]["psychologist_id"], tables["psychologists"]["practice_commune"]))
    in_province = set(communes["nis"])
    active_here = sum(1 for y in active if practice.get(y) in in_province)
    acts = tables["activities"].filter(pl.col("activity_date").is_between(*PERIOD))
    bim = int(first["bim"].sum())
    return {
        "bim_patients": bim,
        "bim_patients_pct": round(100 * bim / first.height, 2),
        "new_patients": new.height,
        "single_session_patients": first.filter(pl.col("n") == 1).height,
        "median_days_first_to_second": round(float(waits.median()), 2),
        "active_psychologists_per_10000": round(10_000 * active_here / communes["pop_total"].sum(), 2),
        "network_activities": acts.height,
        "activity_participants": int(acts["participants"].sum()),
    }


def test_sample_imports_without_rejection(tmp_path):
    report = import_paths(sample_exports(), tmp_path / "again.duckdb")
    assert report.ok and not report.errors
    assert report.tables["sessions"].inserted == 100_000


@pytest.mark.parametrize("network", [None, "RSN", "RSK"])
def test_metrics_agree_with_the_definitions(sample_db, tables, network):
    got = metrics_json(sample_db, *(["--network", network] if network else []))
    want = expected(tables, network) | universalism_expected(tables, network)
    assert {k: got[k] for k in want} == want
    assert got["south_population_pct"] == 35.82


def test_budget_spent_matches_the_fees(sample_db, tables):
    got = {(b["network"], b["category"]): b["spent_eur"] for b in metrics_json(sample_db)["budget"]}
    s = tables["sessions"].filter(pl.col("session_date").is_between(*PERIOD))
    category = (pl.when(pl.col("format") == "groupe").then(pl.lit("groupe"))
                .when(pl.col("setting") == "partenaire").then(pl.lit("outreaching")).otherwise(pl.lit("individuel")))
    by_cat = s.group_by("network", category.alias("category")).agg(pl.col("fee_inami_eur").sum())
    for row in by_cat.iter_rows(named=True):
        assert got[(row["network"], row["category"])] == pytest.approx(float(row["fee_inami_eur"]))
    patients = s.filter(pl.col("format") == "individuel").group_by("network").agg(pl.col("patient_id").n_unique())
    for row in patients.iter_rows(named=True):  # the whole year: every patient's first session is inside
        assert got[(row["network"], "administratif")] == pytest.approx(60.0 * row["patient_id"])


def test_breakdowns_agree_with_the_definitions(sample_db, tables):
    """South against north (BIM share by residence), the wait shares, the communes without a psychologist,
    the co-payment mismatches and the partners never seen, from the queries and read independently."""
    from psynam.filters import Filters
    from psynam.universalism import frame
    con = db.connect(sample_db, read_only=True)
    run = lambda name, **params: db.run(con, name, **params)  # noqa: E731
    filters = Filters(*PERIOD)
    communes = reference.communes()
    south = dict(zip(communes["nis"], communes["south"]))
    ind = (tables["sessions"].filter(pl.col("format") == "individuel").sort("session_date", "session_id"))
    period = ind.filter(pl.col("session_date").is_between(*PERIOD))
    first = period.group_by("patient_id", maintain_order=True).agg(
        pl.col("preferential_tariff").first().fill_null(False).alias("bim"), pl.col("patient_commune").first())
    first = first.with_columns(zone=pl.col("patient_commune").replace_strict(
        {k: ("south" if v else "north") for k, v in south.items()}, default="hors_province"))
    access = {r["group_key"]: r for r in frame(run, "access/bim_share_by_group", filters).iter_rows(named=True)
              if r["breakdown"] == "zone"}
    for zone in ("north", "south", "hors_province"):
        z = first.filter(pl.col("zone") == zone)
        assert (access[zone]["patients"], access[zone]["bim_patients"]) == (z.height, int(z["bim"].sum())), zone
    assert access["south"]["bim_patients_pct"] < access["north"]["bim_patients_pct"]  # the sample's design

    ever = ind.group_by("patient_id", maintain_order=True).agg(
        pl.col("session_date").first().alias("first"), pl.col("session_date").get(1, null_on_oob=True).alias("second"))
    new = first.join(ever, on="patient_id").filter(pl.col("first") >= PERIOD[0])
    days = new.select((pl.col("second") - pl.col("first")).dt.total_days().alias("d"))["d"].drop_nulls()
    paths = frame(run, "pathways/pathways_by_group", filters).filter(pl.col("breakdown") == "all").row(0, named=True)
    assert (paths["new_with_second_session"], paths["over_short_wait"], paths["over_long_wait"]) == (
        days.len(), int((days > 30).sum()), int((days > 90).sum()))

    y = tables["psychologists"]
    active = set(tables["sessions"].filter(pl.col("session_date").is_between(*PERIOD))["psychologist_id"]) | set(
        tables["clairvisions"].filter(pl.col("clairvision_date").is_between(*PERIOD))["psychologist_id"])
    practising = set(y.filter(pl.col("psychologist_id").is_in(list(active)))["practice_commune"])
    supply = frame(run, "supply/psychologists_by_commune", filters)
    assert set(supply.filter(pl.col("without_psychologist"))["nis"]) == set(communes["nis"]) - practising

    # co-payments: first first-line session of a patient in a network free, then 4 or 11; groups 2.50
    tariff = dict(reference.frame("ref_tariffs").select("item", pl.col("amount_eur").cast(pl.Float64)).iter_rows())
    levels = reference.frame("ref_care_levels")
    first_line = list(levels.filter(pl.col("level_2021") == "premiere_ligne")["code"])
    fl = ind.filter(pl.col("care_level").is_in(first_line)).group_by("network", "patient_id", maintain_order=True).agg(
        pl.col("session_id").first())
    free = set(fl["session_id"])
    s = tables["sessions"].filter(pl.col("session_date").is_between(*PERIOD))
    want = (pl.when(pl.col("format") == "groupe").then(tariff["patient_group"])
            .when(pl.col("session_id").is_in(list(free))).then(tariff["patient_first_session_first_line"])
            .when(pl.col("preferential_tariff")).then(tariff["patient_individual_preferential"])
            .otherwise(tariff["patient_individual"]))
    wrong = s.filter(pl.col("fee_patient_eur").cast(pl.Float64) != want)
    by_network = dict(wrong.group_by("network").len().iter_rows())
    check = frame(run, "rules/copayment_check", filters)
    got = dict(check.group_by("network").agg(pl.col("mismatched_sessions").sum()).iter_rows())
    assert got == by_network and sum(got.values()) > 0

    acts = tables["activities"].filter(pl.col("activity_date").is_between(*PERIOD))
    seen = {x for ids in acts["partner_ids"].drop_nulls() for x in ids.split("|") if x}
    registered = tables["partners"].filter((pl.col("joined_on") <= PERIOD[1])
                                           & (pl.col("left_on").is_null() | (pl.col("left_on") > PERIOD[0])))
    never = set(registered["partner_id"]) - seen
    listed = frame(run, "network/partners_never_seen", filters)
    assert set(listed["partner_id"]) == never and 0 < len(never) < registered.height
    con.close()


def test_sample_looks_like_the_programme(sample_db):
    figures = metrics_json(sample_db)
    assert figures["south_sessions_pct"] < figures["south_population_pct"] - 5   # the south is under-served
    assert figures["elderly_patients_pct"] < 15                                  # 65+ under-represented
    assert 60 <= figures["partners_outside_care_pct"] <= 76                      # RSN reports 68 %
    usage = [b["usage_pct"] for b in figures["budget"] if b["usage_pct"] is not None]
    assert usage and all(60 <= u <= 110 for u in usage)
    assert 25 <= figures["bim_patients_pct"] <= 30                             # the 25-30 %
    assert 7 <= figures["median_days_first_to_second"] <= 30                  # mostly under a month
    assert 0 < figures["single_session_patients"] < 0.3 * figures["patients"]
    assert 40 <= figures["network_activities"] <= 80                          # a year like Norwest's


def test_overview_page_shows_the_metrics(sample_db, monkeypatch):
    monkeypatch.setenv("PSYNAM_DB", str(sample_db))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.date_input(key="periode").set_value(PERIOD).run()
    assert not at.exception
    shown = {m.label: m.value for m in at.metric}
    figures = metrics_json(sample_db)
    assert shown["Séances"] == fmt.integer(figures["sessions"])
    assert shown["Patients"] == fmt.integer(figures["patients"])
    assert shown["Psychologues actifs"] == fmt.integer(figures["active_psychologists"])
    assert shown["Partenaires inscrits"] == fmt.integer(figures["registered_partners"])
    assert shown["Part du sud dans les séances"] == fmt.percent(figures["south_sessions_pct"])
    assert shown["Part des patients de 65 ans et plus"] == fmt.percent(figures["elderly_patients_pct"])
    assert shown["Séances petite enfance"] == fmt.integer(figures["early_childhood_sessions"])


@pytest.mark.parametrize("date_from,date_to,ended", [
    (date(2025, 5, 16), date(2025, 5, 16), 1),    # PRT0004 leaves that day (issue 11)
    (date(2025, 3, 25), date(2025, 4, 15), 2),    # PRT0019 on the first day, PRT0135 on 11/04
    (date(2025, 1, 1), date(2025, 12, 31), 7),
    (date(2025, 1, 1), date(2025, 5, 15), 2),     # 2025 cut on 16/05 ...
    (date(2025, 5, 16), date(2025, 12, 31), 5),
    (date(2025, 1, 1), date(2025, 3, 24), 0),     # ... and on 25/03
    (date(2025, 3, 25), date(2025, 12, 31), 7),
])
def test_ended_partners_of_the_sample(sample_db, tables, date_from, date_to, ended):
    """The committed sample's partners leaving in 2025 (25/03, 11/04, 16/05, 31/07, 15/09, 29/09, 30/12):
    every one whose left_on is inside the period is ended, registered in it or not."""
    con = db.connect(sample_db, read_only=True)
    try:
        row = db.run(con, "overview/partner_kpis", date_from=date_from, date_to=date_to, networks=None,
                     arrondissements=None, communes=None).row(0, named=True)
    finally:
        con.close()
    left = tables["partners"].filter(pl.col("left_on").is_between(date_from, date_to)).height
    assert row["ended_partners"] == left == ended
