"""Supply of psychologists, the co-payment check and the network's own life against the tiny fixture,
worked out by hand in tests/queries/expected.py (docs/universalism.md)."""

from datetime import date

import pytest

from psynam import db, reference
from psynam.filters import Filters
from psynam.universalism import frame
from tests.queries.expected import COPAYMENT_2024, NETWORK_2024, SUPPLY_2024

Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))
PROVINCE = 495_832


def run(con, name, filters=Y2024, **extra):
    return frame(lambda n, **p: db.run(con, n, **p), name, filters, **extra)


# ---- supply -------------------------------------------------------------------------------------------
def test_psychologists_by_area(tiny_con):
    rows = {r["area"]: r for r in run(tiny_con, "supply/psychologists_by_area").iter_rows(named=True)}
    assert list(rows) == ["Dinant", "Namur", "Philippeville", "north", "south", "province", "hors_province"]
    for area, (population, registered, active) in SUPPLY_2024.items():
        row = rows[area]
        assert (row["population"], row["registered_psychologists"], row["active_psychologists"]) == (
            population, registered, active), area
    assert rows["province"]["active_per_10000"] == pytest.approx(4 / PROVINCE * 10_000)
    assert rows["province"]["registered_per_10000"] == pytest.approx(5 / PROVINCE * 10_000)
    assert rows["south"]["active_per_10000"] == pytest.approx(2 / 177_601 * 10_000)
    # 34 communes without a psychologist practising: all but Namur, Andenne, Dinant, Philippeville
    assert rows["province"]["communes_without_psychologist"] == 34
    assert rows["province"]["population_without_psychologist"] == PROVINCE - 111_432 - 27_573 - 13_374 - 9_201
    assert rows["hors_province"]["population"] is None


def test_psychologists_by_commune(tiny_con):
    rows = {r["nis"]: r for r in run(tiny_con, "supply/psychologists_by_commune").iter_rows(named=True)}
    assert len(rows) == 38
    # nis: (registered, active)
    expected = {"92094": (1, 1), "91034": (1, 1), "93056": (1, 1), "92003": (1, 1), "92142": (1, 0),
                "91030": (0, 0)}  # Gembloux: PSY5 conventioned, no session; Ciney: PSY6 ended in 2023
    for nis, (registered, active) in expected.items():
        assert (rows[nis]["registered_psychologists"], rows[nis]["active_psychologists"]) == (registered, active), nis
        assert rows[nis]["without_psychologist"] == (active == 0)
    assert rows["92094"]["active_per_10000"] == pytest.approx(1 / 111_432 * 10_000)
    assert sum(r["without_psychologist"] for r in rows.values()) == 34
    assert sum(r["registered_psychologists"] for r in rows.values()) == 5  # PSY7 practises outside


def test_supply_filters(tiny_con):
    rsn = {r["area"]: r for r in run(tiny_con, "supply/psychologists_by_area",
                                     Filters(Y2024.date_from, Y2024.date_to, networks=["RSN"])).iter_rows(named=True)}
    assert (rsn["province"]["registered_psychologists"], rsn["province"]["active_psychologists"]) == (3, 3)
    assert rsn["hors_province"]["registered_psychologists"] == 1  # PSY7
    # with a format filter clairvisions are left out: PSY4 (CV1 only) is not active
    groups = {r["area"]: r for r in run(tiny_con, "supply/psychologists_by_area",
                                        Filters(Y2024.date_from, Y2024.date_to, formats=["groupe"])).iter_rows(named=True)}
    assert groups["province"]["active_psychologists"] == 2  # PSY2 (S06), PSY1 (S09)
    # geography only sets in_selection on the commune list
    dinant = run(tiny_con, "supply/psychologists_by_commune", Filters(Y2024.date_from, Y2024.date_to,
                                                                       arrondissements=["Dinant"]))
    assert dinant.height == 38 and dinant["in_selection"].sum() == 15
    assert dinant["active_psychologists"].sum() == 4


# ---- co-payment check ---------------------------------------------------------------------------------
def test_copayment_check(tiny_con):
    rows = run(tiny_con, "rules/copayment_check")
    got = {(r["rule"], r["network"]): (float(r["expected_fee_eur"]), r["sessions"], r["mismatched_sessions"],
                                       r["overcharged_sessions"], r["undercharged_sessions"],
                                       float(r["overcharged_eur"]), float(r["undercharged_eur"]))
           for r in rows.iter_rows(named=True)}
    assert got == COPAYMENT_2024
    assert rows["sessions"].sum() == 10 and rows["mismatched_sessions"].sum() == 2
    assert (rows["sessions"] == rows["matching_sessions"] + rows["mismatched_sessions"]
            + rows["unchecked_sessions"]).all()
    assert not any("P" + c in str(v) for v in rows.to_dicts() for c in "ABCDEF")  # no patient id


def test_copayment_first_session_is_read_over_the_whole_history(tiny_con):
    # January 2025: S12 (PA, free again though PA's first first-line session was S11) is undercharged;
    # S13 (PE, 11), S14 (PF's first, 0), S15 (PF, 11) are right; PG's first first-line session is free in
    # each network (S16 RSK, S17 RSN), then S18 costs 11
    rows = run(tiny_con, "rules/copayment_check", Filters(date(2025, 1, 1), date(2025, 1, 31)))
    wrong = {(r["rule"], r["network"]): r["undercharged_sessions"] for r in rows.iter_rows(named=True)
             if r["mismatched_sessions"]}
    assert wrong == {("individual", "RSN"): 1}
    assert rows["sessions"].sum() == 7
    first = {r["network"]: r["sessions"] for r in rows.iter_rows(named=True) if r["rule"] == "first_first_line_session"}
    assert first == {"RSK": 2, "RSN": 1}  # PF's S14 and PG's S16; PG's S17


def test_copayment_rules_cover_each_session_once():
    """The rules file is exclusive: every combination of format, 2021 level, first first-line session and
    BIM status matches exactly one rule on any date of the programme."""
    rules = reference.frame("ref_copayment_rules")
    tariffs = set(reference.frame("ref_tariffs")["item"])
    assert set(rules["tariff_item"]) <= tariffs
    for fmt in ("individuel", "groupe"):
        for level in ("premiere_ligne", "specialise"):
            for first in ((True, False) if fmt == "individuel" and level == "premiere_ligne" else (False,)):
                for bim in (True, False):
                    hits = rules.filter(
                        (rules["format"] == fmt)
                        & (rules["level_2021"].is_null() | (rules["level_2021"] == level))
                        & (rules["first_first_line"].is_null() | (rules["first_first_line"] == first))
                        & (rules["preferential"].is_null() | (rules["preferential"] == bim)))
                    assert hits.height == 1, (fmt, level, first, bim, hits)


def test_copayment_filters(tiny_con):
    rsk_groups = run(tiny_con, "rules/copayment_check", Filters(Y2024.date_from, Y2024.date_to, networks=["RSK"],
                                                               formats=["groupe"]))
    assert [(r["rule"], r["network"], r["sessions"]) for r in rsk_groups.iter_rows(named=True)] == [("group", "RSK", 1)]


# ---- network life -------------------------------------------------------------------------------------
def test_network_kpis(tiny_con):
    row = run(tiny_con, "network/network_kpis").row(0, named=True)
    assert {k: row[k] for k in NETWORK_2024} == NETWORK_2024
    assert row["participants_per_activity"] == pytest.approx(23 / 3)
    assert row["partners_never_seen_pct"] == pytest.approx(80.0)


def test_network_filter_does_not_apply_to_activities(tiny_con):
    rsk = run(tiny_con, "network/network_kpis", Filters(Y2024.date_from, Y2024.date_to, networks=["RSK"])).row(0, named=True)
    assert (rsk["activities"], rsk["participants"], rsk["partners_represented"]) == (3, 23, 2)
    # ... but to the registered partners: RSK's PA3, PA5, none of them seen
    assert (rsk["registered_partners"], rsk["partners_never_seen"]) == (2, 2)


def test_geography_applies_to_where_activities_took_place(tiny_con):
    dinant = Filters(Y2024.date_from, Y2024.date_to, arrondissements=["Dinant"])
    row = run(tiny_con, "network/network_kpis", dinant).row(0, named=True)
    # ACT3 only (the online ACT2 is left out with a geography); partners of the arrondissement: PA2, PA6;
    # PA6 was seen at ACT1 in Namur, so only PA2 was never seen
    assert (row["activities"], row["participants"], row["online_activities"]) == (1, 6, 0)
    assert (row["registered_partners"], row["partners_never_seen"]) == (2, 1)
    meetings = run(tiny_con, "network/meetings", dinant)
    assert meetings["activity_id"].to_list() == ["ACT3"]


def test_activities_by_month_and_type(tiny_con):
    months = run(tiny_con, "network/activities_by_month")
    assert [(r["month"].month, r["type"], r["activities"], r["participants"], r["partners_represented"],
             r["online_activities"]) for r in months.iter_rows(named=True)] == [
        (5, "midi_de_reseau", 1, 12, 2, 0), (9, "coordination", 1, 5, 0, 1), (11, "intervision", 1, 6, 0, 0)]
    types = {r["type"]: r for r in run(tiny_con, "network/activities_by_type").iter_rows(named=True)}
    assert set(types) == {"midi_de_reseau", "coordination", "intervision"}
    assert (types["midi_de_reseau"]["partners_represented"], types["midi_de_reseau"]["sectors_represented"]) == (2, 2)
    assert types["coordination"]["communes"] == 0 and types["intervision"]["communes"] == 1
    assert sum(r["activities"] for r in types.values()) == NETWORK_2024["activities"]


def test_sectors_represented(tiny_con):
    rows = {r["sector"]: r for r in run(tiny_con, "network/sectors_represented").iter_rows(named=True)}
    assert len(rows) == 16  # every sector of ref_sectors
    assert (rows["jeunesse"]["partners_represented"], rows["jeunesse"]["registered_partners"],
            rows["jeunesse"]["partners_never_seen"]) == (1, 1, 0)                 # PA6
    assert (rows["cpas"]["partners_represented"], rows["cpas"]["registered_partners"]) == (1, 0)  # PA4 left
    assert rows["maison_de_repos"]["partners_never_seen"] == 1                    # PA2
    assert sum(r["partners_never_seen"] for r in rows.values()) == NETWORK_2024["partners_never_seen"]


def test_activities_by_commune(tiny_con):
    rows = run(tiny_con, "network/activities_by_commune")
    assert rows.filter(rows["place_kind"] == "commune").height == 38
    held = {(r["place_kind"], r["nis"]): (r["activities"], r["participants"], r["partners_represented"])
            for r in rows.iter_rows(named=True) if r["activities"]}
    assert held == {("commune", "92094"): (1, 12, 2), ("commune", "91034"): (1, 6, 0), ("online", None): (1, 5, 0)}


def test_partners_never_seen(tiny_con):
    rows = run(tiny_con, "network/partners_never_seen")
    assert rows["partner_id"].to_list() == ["PA5", "PA3", "PA1", "PA2"]  # by name without accents
    assert rows["last_seen_on"].null_count() == 4
    # over 2025 PA1-PA3 were seen (ACT4); PA6 was last seen at ACT1 in 2024
    y2025 = run(tiny_con, "network/partners_never_seen", Filters(date(2025, 1, 1), date(2025, 12, 31)))
    assert dict(zip(y2025["partner_id"], y2025["last_seen_on"])) == {"PA6": date(2024, 5, 5)}


def test_meetings(tiny_con):
    rows = run(tiny_con, "network/meetings")
    assert [(r["activity_date"], r["type"], r["commune_name"], r["is_online"], r["participants"],
             r["partners_represented"]) for r in rows.iter_rows(named=True)] == [
        (date(2024, 5, 5), "midi_de_reseau", "Namur", False, 12, 2),
        (date(2024, 9, 9), "coordination", None, True, 5, 0),
        (date(2024, 11, 20), "intervision", "Dinant", False, 6, 0)]
    assert rows["partner_names"][0] == "AMO <b>Jeunes</b> ; CPAS d’Andenne"  # raw text, sorted


def test_empty_period(tiny_con):
    empty = Filters(date(2022, 1, 1), date(2022, 1, 31))
    row = run(tiny_con, "network/network_kpis", empty).row(0, named=True)
    assert (row["activities"], row["participants"], row["participants_per_activity"]) == (0, 0, None)
    assert run(tiny_con, "network/meetings", empty).is_empty()
    assert run(tiny_con, "rules/copayment_check", empty).is_empty()
    supply = {r["area"]: r for r in run(tiny_con, "supply/psychologists_by_area", empty).iter_rows(named=True)}
    assert supply["province"]["active_psychologists"] == 0 and supply["province"]["communes_without_psychologist"] == 38
