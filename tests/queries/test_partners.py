"""The Partners page's queries (queries/partners/*.sql) against the tiny fixture, worked out by hand from
docs/indicators.md (Partners).

The tiny fixture's partners (tests/fixtures/tiny/partners.csv):
| id  | sector          | care | commune (arrondissement) | network | membership | joined     | left       |
|-----|-----------------|------|--------------------------|---------|------------|------------|------------|
| PA1 | maison_medicale | yes  | 92094 Namur (Namur)      | RSN     | effectif   | 2020-01-01 |            |
| PA2 | maison_de_repos | no   | 91034 Dinant (Dinant)    | RSN     | adherent   | 2022-05-01 |            |
| PA3 | petite_enfance  | no   | 93056 Philippeville      | RSK     | effectif   | 2024-03-01 |            |
| PA4 | cpas            | yes  | 92003 Andenne (Namur)    | RSN+RSK | (unknown)  | 2019-01-01 | 2023-12-31 |
| PA5 | enseignement    | no   | 92094 Namur (Namur)      | RSK     | adherent   | 2024-06-15 | 2024-11-30 |
| PA6 | jeunesse        | no   | 91034 Dinant (Dinant)    | RSN     | adherent   | 2021-01-01 |            |
Evidence of activity: agreement AG1 (PA1, RSN, from 2023-01-01, open, 8 h/month); agreement AG2 (PA4, RSK,
2022-01-01 to 2023-06-30, 4.5 h/month); session S03 at PA2 (RSN, 2024-05-10); group session S06 at PA3
(RSK, 2024-08-01); clairvision CV2 at PA3 (RSK, 2024-10-10); activity ACT1 (2024-05-05) with PA6 and PA4.

Year 2024, all networks: registered PA1, PA2, PA3, PA5, PA6 = 5 (PA4 left on 2023-12-31); active PA1 (AG1),
PA2 (S03), PA3 (S06, CV2), PA6 (ACT1) = 4; without activity PA5 = 1; new PA3, PA5 = 2; ended PA5 = 1.
Year 2023, all networks: registered PA1, PA2, PA4, PA6 = 4; active PA1 (AG1), PA4 (AG2) = 2.
"""

from datetime import date, timedelta
from functools import partial

import polars as pl
import pytest

from psynam import db, metrics, reference, views
from psynam.filters import Filters
from tests.conftest import load_tiny

Y2023 = Filters(date(2023, 1, 1), date(2023, 12, 31))
Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))


def run(con, name, filters: Filters, **extra) -> pl.DataFrame:
    """A partners query with exactly the parameters its file declares (the views' binding)."""
    return views.Source(partial(db.run, con)).frame(f"partners/{name}", filters, **extra)


def along(con, filters: Filters, dimension: str) -> pl.DataFrame:
    """partners_by_group's rows along one dimension (the query returns all five)."""
    frame = run(con, "partners_by_group", filters)
    return frame.filter(pl.col("dimension") == dimension).drop("dimension")


def kpis(con, filters: Filters) -> dict:
    return views.Source(partial(db.run, con)).frame("overview/partner_kpis", filters).row(0, named=True)


def by_code(frame: pl.DataFrame, key: str = "group_code") -> dict:
    return {row[key]: row for row in frame.iter_rows(named=True)}


# ---- over time -------------------------------------------------------------------------------------

def test_partners_by_month_2024(tiny_con):
    """Registered at each month: Jan-Feb PA1, PA2, PA6 = 3; March + PA3 = 4; June + PA5 (15/06) = 5 until
    November (PA5 leaves 30/11); December 4. Active: PA1 every month (AG1 in force); May + PA2 (S03) + PA6
    (ACT1; PA4 in ACT1 is no longer registered) = 3; August + PA3 (S06) = 2; October + PA3 (CV2) = 2.
    New: March (PA3), June (PA5); ended: November (PA5). Agreements: AG1 every month, 8 h."""
    frame = run(tiny_con, "partners_by_month", Y2024)
    assert frame["month"].to_list() == [date(2024, m, 1) for m in range(1, 13)]
    assert frame["registered_partners"].to_list() == [3, 3, 4, 4, 4, 5, 5, 5, 5, 5, 5, 4]
    assert frame["active_partners"].to_list() == [1, 1, 1, 1, 3, 1, 1, 2, 1, 2, 1, 1]
    assert frame["inactive_partners"].to_list() == [r - a for r, a in zip(frame["registered_partners"],
                                                                          frame["active_partners"])]
    assert frame["new_partners"].to_list() == [0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]
    assert frame["ended_partners"].to_list() == [0] * 10 + [1, 0]
    assert frame["agreements_in_force"].to_list() == [1] * 12
    assert [float(h) for h in frame["agreed_hours_per_month"]] == [8.0] * 12


def test_partners_by_month_rsk_2023(tiny_con):
    """RSK in 2023: PA4 (RSN+RSK) is the only registered partner, every month, and leaves in December; AG2
    (RSK, 4.5 h) is in force January to June and makes PA4 active those months."""
    frame = run(tiny_con, "partners_by_month", Filters(date(2023, 1, 1), date(2023, 12, 31), networks=["RSK"]))
    assert frame["registered_partners"].to_list() == [1] * 12
    assert frame["active_partners"].to_list() == [1] * 6 + [0] * 6
    assert frame["ended_partners"].to_list() == [0] * 11 + [1]
    assert frame["agreements_in_force"].to_list() == [1] * 6 + [0] * 6
    assert [float(h) for h in frame["agreed_hours_per_month"]] == [4.5] * 6 + [0.0] * 6


def test_months_are_clipped_to_the_period(tiny_con):
    """15/02-14/03/2024: February (from the 15th) and March (to the 14th). PA3 joins on 01/03: new in March."""
    frame = run(tiny_con, "partners_by_month", Filters(date(2024, 2, 15), date(2024, 3, 14)))
    assert frame.select("month", "month_from", "month_to").rows() == [
        (date(2024, 2, 1), date(2024, 2, 15), date(2024, 2, 29)),
        (date(2024, 3, 1), date(2024, 3, 1), date(2024, 3, 14)),
    ]
    assert frame["registered_partners"].to_list() == [3, 4]
    assert frame["new_partners"].to_list() == [0, 1]


# ---- breakdowns ------------------------------------------------------------------------------------

def test_partners_by_care_2024(tiny_con):
    """Outside care: PA2, PA3, PA5, PA6 = 4 of 5 = 80 % (3 active, PA5 without activity, new PA3 and PA5,
    ended PA5); care: PA1 = 20 %."""
    rows = by_code(along(tiny_con, Y2024, "care"))
    assert {k: (r["registered_partners"], r["active_partners"], r["inactive_partners"], r["new_partners"],
                r["ended_partners"], r["registered_pct"]) for k, r in rows.items()} == {
        "hors_soins": (4, 3, 1, 2, 1, 80.0), "soins": (1, 1, 0, 0, 0, 20.0)}


def test_partners_by_membership(tiny_con):
    """2024: effectif PA1, PA3 = 2, adherent PA2, PA5, PA6 = 3. 2023: PA4's status is unknown: effectif PA1,
    adherent PA2, PA6, unknown PA4 -> the share of full members is 1 of the 3 known = 33.3 %."""
    rows = by_code(along(tiny_con, Y2024, "membership"))
    assert {k: r["registered_partners"] for k, r in rows.items()} == {"effectif": 2, "adherent": 3}
    rows = by_code(along(tiny_con, Y2023, "membership"))
    assert {k: r["registered_partners"] for k, r in rows.items()} == {"effectif": 1, "adherent": 2, "inconnu": 1}
    assert kpis(tiny_con, Y2023)["partners_full_members_pct"] == pytest.approx(100 / 3)


def test_partners_by_network_counts_a_two_network_partner_in_each(tiny_con):
    """2023: RSN PA1, PA2, PA4, PA6 = 4 (100 %); RSK PA4 = 1 (25 %). With the RSK filter only RSK is listed."""
    rows = by_code(along(tiny_con, Y2023, "network"))
    assert {k: (r["registered_partners"], r["registered_pct"]) for k, r in rows.items()} == {
        "RSN": (4, 100.0), "RSK": (1, 25.0)}
    rsk = along(tiny_con, Filters(Y2023.date_from, Y2023.date_to, networks=["RSK"]), "network")
    assert rsk.select("group_code", "registered_partners", "active_partners").rows() == [("RSK", 1, 1)]


def test_partners_by_arrondissement_against_population(tiny_con):
    """2024: Dinant PA2, PA6 = 2; Namur PA1, PA5 = 2 (1 active); Philippeville PA3 = 1; each per 10,000
    inhabitants of the arrondissement (population from the reference table)."""
    rows = by_code(along(tiny_con, Y2024, "arrondissement"))
    population = dict(reference.communes().group_by("arrondissement").agg(pl.col("pop_total").sum()).rows())
    expected = {"Dinant": 2, "Namur": 2, "Philippeville": 1}
    assert {k: r["registered_partners"] for k, r in rows.items()} == expected
    assert rows["Namur"]["active_partners"] == 1
    for arrondissement, count in expected.items():
        assert rows[arrondissement]["population"] == population[arrondissement]
        assert rows[arrondissement]["partners_per_10000"] == pytest.approx(10000 * count / population[arrondissement])


def test_partners_by_sector_and_totals_reconcile(tiny_con):
    """Each 2024 partner has its own sector; along every single-valued dimension the groups add up to the
    registered, active, new and ended partners of partner_kpis."""
    sectors = by_code(along(tiny_con, Y2024, "sector"))
    assert set(sectors) == {"maison_medicale", "maison_de_repos", "petite_enfance", "enseignement", "jeunesse"}
    assert sectors["enseignement"]["inactive_partners"] == 1  # PA5
    for filters in (Y2023, Y2024, Filters(Y2024.date_from, Y2024.date_to, networks=["RSN"]),
                    Filters(Y2024.date_from, Y2024.date_to, arrondissements=["Dinant"])):
        headline = kpis(tiny_con, filters)
        for dimension in ("sector", "care", "membership", "arrondissement"):
            frame = along(tiny_con, filters, dimension)
            for column in ("registered_partners", "active_partners", "new_partners", "ended_partners"):
                assert frame[column].sum() == headline[column], (dimension, column, filters)


def test_every_dimension_comes_from_one_query(tiny_con):
    """The five breakdowns in one result (the active partners read once): each partitions the registered
    partners but the network's, where a partner of both networks counts in each."""
    frame = run(tiny_con, "partners_by_group", Y2023)
    totals = dict(frame.group_by("dimension").agg(pl.col("registered_partners").sum()).rows())
    assert totals == {"sector": 4, "care": 4, "membership": 4, "arrondissement": 4, "network": 5}


def test_partners_by_commune_keeps_communes_without_partner(tiny_con):
    """2024: 38 communes; Dinant 91034 PA2, PA6 = 2 active; Namur 92094 PA1 (active), PA5 (inactive);
    Philippeville 93056 PA3; the 35 others 0. With the Philippeville arrondissement: its 7 communes."""
    frame = run(tiny_con, "partners_by_commune", Y2024)
    assert frame.height == 38 and frame["commune"].null_count() == 0
    rows = by_code(frame, "commune")
    assert {k: (r["registered_partners"], r["active_partners"], r["inactive_partners"])
            for k, r in rows.items() if r["registered_partners"]} == {
        "91034": (2, 2, 0), "92094": (2, 1, 1), "93056": (1, 1, 0)}
    assert rows["91034"]["partners_per_10000"] == pytest.approx(2 / rows["91034"]["population"] * 10000)
    assert rows["92006"]["registered_partners"] == 0 and rows["92006"]["partners_per_10000"] == 0
    south = run(tiny_con, "partners_by_commune", Filters(Y2024.date_from, Y2024.date_to,
                                                         arrondissements=["Philippeville"]))
    assert south.height == 7 and south["registered_partners"].sum() == 1


# ---- agreements ------------------------------------------------------------------------------------

def test_agreements_by_sector(tiny_con):
    """2023: AG1 (maison_medicale, 8 h/month, all 365 days: 8 x 365 x 12 / 365.25 = 95.9 h) and AG2 (cpas,
    4.5 h/month, 1/1-30/6 = 181 days: 4.5 x 181 x 12 / 365.25 = 26.8 h). 2024: AG1 only, 366 days = 96.2 h.
    RSN 2023: AG1 only. Commune Andenne (92003, the partner's) 2023: AG2 only."""
    got = {r["sector"]: (r["agreements_in_force"], r["partners_with_agreement"], float(r["hours_per_month"]),
                         float(r["agreed_hours_in_period"]))
           for r in run(tiny_con, "agreements_by_sector", Y2023).iter_rows(named=True)}
    assert got == {"maison_medicale": (1, 1, 8.0, 95.9), "cpas": (1, 1, 4.5, 26.8)}
    assert [(s, float(h)) for s, h in run(tiny_con, "agreements_by_sector", Y2024)
            .select("sector", "agreed_hours_in_period").rows()] == [("maison_medicale", 96.2)]
    rsn = run(tiny_con, "agreements_by_sector", Filters(Y2023.date_from, Y2023.date_to, networks=["RSN"]))
    assert rsn["sector"].to_list() == ["maison_medicale"]
    andenne = run(tiny_con, "agreements_by_sector", Filters(Y2023.date_from, Y2023.date_to, communes=["92003"]))
    assert andenne["sector"].to_list() == ["cpas"]


# ---- activity per partner and the searchable table -----------------------------------------------

def test_partner_activity_2024(tiny_con):
    """Per registered partner: PA1 AG1 (8 h); PA2 S03; PA3 S06 (group) and CV2; PA5 nothing (new and
    ended); PA6 ACT1. Sorted by name without accents: '=HYPERLINK…' before 'AMO…'."""
    frame = run(tiny_con, "partner_activity", Y2024)
    got = {r["partner_id"]: (r["sessions"], r["group_sessions"], r["clairvisions"], r["activities_attended"],
                             r["agreements_in_force"], float(r["agreed_hours_per_month"]), r["is_active"],
                             r["is_new"], r["is_ended"])
           for r in frame.iter_rows(named=True)}
    assert got == {
        "PA1": (0, 0, 0, 0, 1, 8.0, True, False, False),
        "PA2": (1, 0, 0, 0, 0, 0.0, True, False, False),
        "PA3": (1, 1, 1, 0, 0, 0.0, True, True, False),
        "PA5": (0, 0, 0, 0, 0, 0.0, False, True, True),
        "PA6": (0, 0, 0, 1, 0, 0.0, True, False, False),
    }
    assert frame["partner_id"].to_list() == ["PA5", "PA6", "PA3", "PA1", "PA2"]
    assert frame.filter(pl.col("partner_id") == "PA6")["name"].item() == "AMO <b>Jeunes</b>"  # kept as is


def test_partner_activity_follows_the_network_filter(tiny_con):
    """RSN 2024: PA1, PA2, PA6, all active. RSK 2024: PA3 (S06, CV2) and PA5 (none)."""
    rsn = run(tiny_con, "partner_activity", Filters(Y2024.date_from, Y2024.date_to, networks=["RSN"]))
    assert sorted(rsn.filter("is_active")["partner_id"]) == ["PA1", "PA2", "PA6"] and rsn.height == 3
    rsk = run(tiny_con, "partner_activity", Filters(Y2024.date_from, Y2024.date_to, networks=["RSK"]))
    assert dict(rsk.select("partner_id", "is_active").rows()) == {"PA3": True, "PA5": False}


@pytest.mark.parametrize("filters", [Y2023, Y2024, Filters(date(2024, 5, 1), date(2024, 5, 31)),
                                     Filters(date(2023, 12, 31), date(2023, 12, 31)),
                                     Filters(date(2024, 11, 30), date(2025, 1, 31), networks=["RSK"]),
                                     Filters(Y2024.date_from, Y2024.date_to, networks=["RSK"]),
                                     Filters(Y2024.date_from, Y2024.date_to, communes=["91034", "93056"])])
def test_partner_list_agrees_with_the_headline_figures(tiny_con, filters):
    frame = run(tiny_con, "partner_activity", filters)
    headline = kpis(tiny_con, filters)
    assert frame["is_registered"].sum() == headline["registered_partners"]
    assert frame["is_active"].sum() == headline["active_partners"]
    assert frame["is_new"].sum() == headline["new_partners"]
    assert frame["is_ended"].sum() == headline["ended_partners"]


@pytest.fixture(scope="module")
def outside_con(tmp_path_factory):
    """The tiny export plus PX1, a partner in Liège (62063, outside the province), with one session held for
    it in Namur (92094): a partner's sessions count wherever they take place."""
    path = tmp_path_factory.mktemp("partners") / "outside.duckdb"
    load_tiny(path)
    con = db.connect(path)
    con.execute("insert into partners values ('PX1', 'Service liégeois', 'ssm', '62063', 'RSN', 'effectif', "
                "date '2020-01-01', null, null)")
    con.execute("insert into sessions (session_id, session_date, network, psychologist_id, care_level, format, "
                "setting, patient_id, patient_age, patient_commune, session_commune, partner_id, fee_inami_eur, "
                "fee_patient_eur) values ('SX1', date '2024-03-03', 'RSN', 'PSY1', 'soutien', 'individuel', "
                "'partenaire', 'PX', 30, '92094', '92094', 'PX1', 83, 11)")
    db.refresh_derived(con)
    con.close()
    con = db.connect(path, read_only=True)
    yield con
    con.close()


def test_partners_outside_the_province_are_shown_apart(outside_con):
    communes = run(outside_con, "partners_by_commune", Y2024)
    assert communes.height == 39
    outside = communes.filter(pl.col("commune").is_null())
    assert outside.select("registered_partners", "active_partners").rows() == [(1, 1)]
    arrondissements = by_code(along(outside_con, Y2024, "arrondissement"))
    assert arrondissements["hors_province"]["registered_partners"] == 1
    assert arrondissements["hors_province"]["population"] is None
    activity = by_code(run(outside_con, "partner_activity", Y2024), "partner_id")
    assert activity["PX1"]["sessions"] == 1 and activity["PX1"]["commune_name"] is None
    # choosing a commune or an arrondissement leaves the partners outside the province out
    namur = run(outside_con, "partners_by_commune", Filters(Y2024.date_from, Y2024.date_to, arrondissements=["Namur"]))
    assert namur["commune"].null_count() == 0


# The searchable table's words and search (the view's, over this query): tests/views/test_partners.py.


# ---- new and ended partners at the period's edges --------------------------------------------------
# docs/indicators.md: new / ended partners are those whose joined_on / left_on falls inside the period,
# registered in it or not. PA4 leaves on 31/12/2023, PA5 joins on 15/06/2024 and leaves on 30/11/2024,
# PA3 joins on 01/03/2024. Membership is [joined_on, left_on): on its leaving day a partner is no longer
# registered, so a period starting on that day has the partner as ended but not as registered.

def kpis_of(con, date_from, date_to, **lists) -> dict:
    return metrics.partners(metrics.runner(con), Filters(date_from, date_to, **lists))


@pytest.mark.parametrize("date_from,date_to,registered,new,ended", [
    (date(2023, 12, 31), date(2023, 12, 31), 3, 0, 1),   # PA4 leaves on the single day: ended, not registered
    (date(2023, 12, 31), date(2024, 1, 31), 3, 0, 1),    # ... on the period's first day
    (date(2023, 12, 1), date(2023, 12, 31), 4, 0, 1),    # ... on its last day: registered and ended
    (date(2024, 1, 1), date(2024, 1, 31), 3, 0, 0),      # the day after: gone
    (date(2024, 6, 15), date(2024, 6, 15), 5, 1, 0),     # PA5 joins on the single day: new and registered
    (date(2024, 3, 1), date(2024, 6, 15), 5, 2, 0),      # PA3 joins on the first day, PA5 on the last
    (date(2024, 11, 30), date(2024, 12, 31), 4, 0, 1),   # PA5 leaves on the first day
    (date(2024, 11, 1), date(2024, 11, 30), 5, 0, 1),    # ... on the last day
])
def test_new_and_ended_partners_at_the_first_and_last_day(tiny_con, date_from, date_to, registered, new, ended):
    got = kpis_of(tiny_con, date_from, date_to)
    assert (got["registered_partners"], got["new_partners"], got["ended_partners"]) == (registered, new, ended)


def test_an_ended_partner_not_registered_is_listed_as_ended_and_not_active(tiny_con):
    """31/12/2023: PA4 left that day. The list shows it (ended, not registered, not active) beside the
    three registered partners, and the breakdowns count it as ended only."""
    frame = run(tiny_con, "partner_activity", Filters(date(2023, 12, 31), date(2023, 12, 31)))
    pa4 = frame.filter(pl.col("partner_id") == "PA4").row(0, named=True)
    assert (pa4["is_registered"], pa4["is_ended"], pa4["is_new"], pa4["is_active"]) == (False, True, False, False)
    assert sorted(frame.filter("is_registered")["partner_id"]) == ["PA1", "PA2", "PA6"]
    # RSK on that day: nobody registered, one ended (PA4 is RSN+RSK): a group row with the ended partner only
    rsk = Filters(date(2023, 12, 31), date(2023, 12, 31), networks=["RSK"])
    rows = along(tiny_con, rsk, "network")
    assert rows.select("group_code", "registered_partners", "ended_partners", "inactive_partners").rows() == [
        ("RSK", 0, 1, 0)]
    assert rows["registered_pct"].to_list() == [None]
    assert kpis_of(tiny_con, rsk.date_from, rsk.date_to, networks=["RSK"])["ended_partners"] == 1


@pytest.mark.parametrize("networks", [[], ["RSN"], ["RSK"]])
@pytest.mark.parametrize("split", [date(2023, 12, 31), date(2024, 1, 1), date(2024, 3, 1), date(2024, 6, 15),
                                   date(2024, 6, 16), date(2024, 11, 30), date(2024, 12, 1)])
def test_adjacent_periods_add_up(tiny_con, networks, split):
    """Cut 01/01/2023-31/12/2024 at any day (the partners' own dates and the days after): the two parts'
    new and ended partners add up to the whole's (PA3, PA5 new; PA4, PA5 ended, per network)."""
    start, end = date(2023, 1, 1), date(2024, 12, 31)
    whole = kpis_of(tiny_con, start, end, networks=networks)
    first = kpis_of(tiny_con, start, split - timedelta(days=1), networks=networks)
    second = kpis_of(tiny_con, split, end, networks=networks)
    for key in ("new_partners", "ended_partners"):
        assert first[key] + second[key] == whole[key], key
    assert (whole["new_partners"], whole["ended_partners"]) == {(): (2, 2), ("RSN",): (0, 1),
                                                                ("RSK",): (2, 2)}[tuple(networks)]


def test_months_add_up_to_the_period(tiny_con):
    """Month by month over 2023-2024 (PA4 ends in 12/2023, PA5 in 11/2024): the months' new and ended
    partners add up to the period's, and so do the groups'."""
    period = Filters(date(2023, 1, 1), date(2024, 12, 31))
    kpis = metrics.partners(metrics.runner(tiny_con), period)
    monthly = run(tiny_con, "partners_by_month", period)
    assert (monthly["new_partners"].sum(), monthly["ended_partners"].sum()) == (
        kpis["new_partners"], kpis["ended_partners"]) == (2, 2)
    # a month starting on a leaving day's morrow and a month starting on it
    december = run(tiny_con, "partners_by_month", Filters(date(2023, 12, 31), date(2024, 1, 1)))
    assert december["ended_partners"].to_list() == [1, 0]
    assert december["registered_partners"].to_list() == [3, 3]
