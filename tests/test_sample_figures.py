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
           for t in ("sessions", "clairvisions", "partners", "agreements", "activities", "budget")}
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


def test_sample_imports_without_rejection(tmp_path):
    report = import_paths(sample_exports(), tmp_path / "again.duckdb")
    assert report.ok and not report.errors
    assert report.tables["sessions"].inserted == 100_000


@pytest.mark.parametrize("network", [None, "RSN", "RSK"])
def test_metrics_agree_with_the_definitions(sample_db, tables, network):
    got = metrics_json(sample_db, *(["--network", network] if network else []))
    want = expected(tables, network)
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


def test_sample_looks_like_the_programme(sample_db):
    figures = metrics_json(sample_db)
    assert figures["south_sessions_pct"] < figures["south_population_pct"] - 5   # the south is under-served
    assert figures["elderly_patients_pct"] < 15                                  # 65+ under-represented
    assert 60 <= figures["partners_outside_care_pct"] <= 76                      # RSN reports 68 %
    usage = [b["usage_pct"] for b in figures["budget"] if b["usage_pct"] is not None]
    assert usage and all(60 <= u <= 110 for u in usage)


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
