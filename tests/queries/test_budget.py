"""Budget queries and projections against hand-computed fixtures (docs/indicators.md, Budget).

Tiny fixture (tests/fixtures/tiny, figures in tests/queries/expected.py BUDGET_2024): monthly spending and
the cumulative series must add up to budget_by_year. Budget fixture (tests/fixtures/budget, README there):
all individual sessions cost 100 €, the administrative fee is 60 € per patient, network and year.

RSN, 2023 (a full year: spending in each of its 12 months):
    individuel: A Jan–Dec (12 x 100) + B Jul–Dec (6 x 100) = 1 800: 100 a month Jan–Jun, 200 Jul–Dec.
    administratif: A (January) + B (July) = 120.
RSN, 2024 to 30 June: individuel A Jan–Jun = 600; administratif A (January) = 60; capped total 660.
    envelopes: individuel 1 500, administratif 120, capped total 1 620 (groupe 1 000 is uncapped).
    days elapsed 1/1–30/6/2024 = 31+29+31+30+31+30 = 182; days in 2024 = 366.
    linear individuel = 600 / 182 x 366 = 1 206.59 -> 80.44 % of 1 500 -> below 85 % (low)
    seasonal individuel: 2023 share by 30/6 = 600 / 1 800 = 1/3 -> 600 x 3 = 1 800 -> 120 % (high)
    linear administratif = 60 / 182 x 366 = 120.66 -> 100.55 % (high);
    seasonal administratif: 2023 share by 30/6 = 60 / 120 = 1/2 -> 120 -> 100 % (ok)
    linear total = 660 / 182 x 366 = 1 327.25 -> 81.93 % (low)
    seasonal total: 2023 capped profile Jan 160, Feb–Jun 100, Jul 260, Aug–Dec 200 = 1 920; by 30/6: 660
        -> share 0.34375 -> 660 / 0.34375 = 1 920 -> 118.52 % (high)
RSN, 2024 to 15 June: individuel still 600 (A's June session is on the 10th); 167 days elapsed.
    linear = 600 / 167 x 366 = 1 314.97; seasonal: share = (500 + 100 x 15/30) / 1 800 = 550 / 1 800
        -> 600 x 1 800 / 550 = 1 963.64.
RSK has no 2023 data: no seasonal projection.
"""

from datetime import date, timedelta

import polars as pl
import pytest

from psynam import budget, db, reference
from tests.fixtures.budget import budget_con, budget_db  # noqa: F401  (pytest fixtures)
from tests.queries.expected import BUDGET_2024


def year_to(con, day: date, networks=None):
    params = {"date_from": date(day.year, 1, 1), "date_to": day, "networks": networks}
    lines = db.run(con, "budget/budget_by_year", **params)
    monthly = db.run(con, "budget/spent_by_month", **{**params, "date_from": date(day.year - 1, 1, 1)})
    return lines, monthly


def line(frame: pl.DataFrame, network: str, category: str) -> dict:
    return frame.filter((pl.col("network") == network) & (pl.col("category") == category)).row(0, named=True)


# ---- tiny fixture: reconcile with budget_by_year / expected.py -------------------------------------

def test_monthly_spending_adds_up_to_the_yearly_lines(tiny_con):
    monthly = db.run(tiny_con, "budget/spent_by_month", date_from=date(2024, 1, 1), date_to=date(2024, 12, 31),
                     networks=None)
    sums = {(2024, n, c): float(v) for n, c, v in
            monthly.group_by("network", "category").agg(pl.col("spent_eur").sum()).rows()}
    assert sums == {k: spent for k, (_, spent, _) in BUDGET_2024.items()}


def test_monthly_spending_places_the_admin_fee_at_the_first_session(tiny_con):
    monthly = db.run(tiny_con, "budget/spent_by_month", date_from=date(2024, 1, 1), date_to=date(2024, 12, 31),
                     networks=["RSN"])
    admin = monthly.filter(pl.col("category") == "administratif")
    # PA first on 10/01 (S01), PB on 10/05 (S03), PE on 01/10 (S08)
    assert {(m.month, float(v)) for m, v in admin.select("month", "spent_eur").rows()} == {(1, 60.0), (5, 60.0), (10, 60.0)}
    assert set(monthly["network"]) == {"RSN"}


def test_cumulative_reconciles_with_the_capped_lines_of_2024(tiny_con):
    # RSN capped: individuel 332 + administratif 180 = 512 of 1 300; RSK: 249 + 120 = 369 of 700.
    day = date(2024, 12, 31)
    lines, monthly = year_to(tiny_con, day)
    cum = budget.cumulative(lines, monthly, day)
    last = {r["network"]: (r["spent_cum_eur"], r["envelope_eur"]) for r in cum.filter(pl.col("month").dt.month() == 12).iter_rows(named=True)}
    assert last == {"RSN": (512.0, 1300.0), "RSK": (369.0, 700.0)}
    # RSN month by month: Jan 83 + 60, Feb 83, May 60 (PB's fee; S03 is outreaching), Jun 83, Oct 83 + 60
    rsn = cum.filter(pl.col("network") == "RSN")["spent_cum_eur"].to_list()
    assert rsn == [143.0, 226.0, 226.0, 226.0, 286.0, 369.0, 369.0, 369.0, 369.0, 512.0, 512.0, 512.0]


def test_projection_at_year_end_is_the_spending(tiny_con):
    # On 31/12 every day of the year has elapsed: the linear projection is what was spent.
    day = date(2024, 12, 31)
    proj = budget.projections(*year_to(tiny_con, day), day)
    for (year, network, category), (envelope, spent, usage) in BUDGET_2024.items():
        row = line(proj, network, category)
        assert row["spent_eur"] == pytest.approx(spent) and row["linear_eur"] == pytest.approx(spent)
        assert row["usage_pct"] == (pytest.approx(usage) if usage is not None else None)
        assert row["seasonal_eur"] is None  # 2023 is not a full year in the tiny fixture
    total = line(proj, "RSN", budget.TOTAL)
    assert (total["envelope_eur"], total["spent_eur"]) == (1300.0, 512.0)
    assert total["linear_flag"] == "low"  # 39.4 %


def test_projection_mid_year_tiny(tiny_con):
    # RSN to 30/06/2024: individuel S01 + S02 + S04 = 249, 182 days -> 249 / 182 x 366 = 500.74 (50.07 %)
    day = date(2024, 6, 30)
    row = line(budget.projections(*year_to(tiny_con, day), day), "RSN", "individuel")
    assert row["spent_eur"] == 249.0
    assert row["linear_eur"] == pytest.approx(249 / 182 * 366)
    assert row["linear_pct"] == pytest.approx(249 / 182 * 366 / 10)


def test_uncapped_lines_have_no_percentage_nor_flag(tiny_con):
    day = date(2024, 12, 31)
    proj = budget.projections(*year_to(tiny_con, day), day)
    uncapped = proj.filter(~pl.col("capped"))
    assert set(uncapped["category"]) == {"groupe", "outreaching", "clairvision"}
    assert uncapped["linear_pct"].is_null().all() and uncapped["linear_flag"].is_null().all()
    assert uncapped["envelope_eur"].is_null().all()


def test_cost_by_category_tiny(tiny_con):
    # RSN individuel: S01, S02, S04, S08 = 332 € / 4 sessions = 83; patients PA, PB, PE -> 110.67
    # RSN outreaching: S03 (PB) 83 / 1 / 1; groups and clairvisions carry no patient.
    costs = db.run(tiny_con, "budget/cost_by_category", date_from=date(2024, 1, 1), date_to=date(2024, 12, 31),
                   networks=None)
    row = line(costs, "RSN", "individuel")
    assert (row["sessions"], row["patients"], row["cost_per_session_eur"]) == (4, 3, 83.0)
    assert row["cost_per_patient_eur"] == pytest.approx(332 / 3)
    assert line(costs, "RSN", "outreaching")["cost_per_patient_eur"] == 83.0
    for category in ("groupe", "clairvision"):
        assert line(costs, "RSK", category)["patients"] is None
        assert line(costs, "RSK", category)["cost_per_patient_eur"] is None
    assert line(costs, "RSK", "clairvision")["cost_per_session_eur"] == 124.5
    # spending reconciles with budget_by_year (without the administrative fee)
    assert float(costs["spent_eur"].sum()) == pytest.approx(
        sum(spent for (_, _, c), (_, spent, _) in BUDGET_2024.items() if c != "administratif"))


# ---- budget fixture: seasonal projection -------------------------------------------------------------

def test_projection_to_30_june_linear_and_seasonal(budget_con):
    day = date(2024, 6, 30)
    proj = budget.projections(*year_to(budget_con, day), day)
    ind = line(proj, "RSN", "individuel")
    assert ind["spent_eur"] == 600.0
    assert ind["linear_eur"] == pytest.approx(600 / 182 * 366)
    assert (ind["linear_flag"], ind["seasonal_flag"]) == ("low", "high")
    assert ind["seasonal_eur"] == pytest.approx(1800.0) and ind["seasonal_pct"] == pytest.approx(120.0)
    admin = line(proj, "RSN", "administratif")
    assert admin["seasonal_eur"] == pytest.approx(120.0)
    assert (admin["linear_flag"], admin["seasonal_flag"]) == ("high", "ok")
    total = line(proj, "RSN", budget.TOTAL)
    assert (total["envelope_eur"], total["spent_eur"]) == (1620.0, 660.0)
    assert total["linear_pct"] == pytest.approx(660 / 182 * 366 / 1620 * 100)
    assert total["seasonal_eur"] == pytest.approx(1920.0)
    assert total["seasonal_pct"] == pytest.approx(1920 / 1620 * 100)
    assert (total["linear_flag"], total["seasonal_flag"]) == ("low", "high")


def test_seasonal_share_is_interpolated_within_the_month(budget_con):
    day = date(2024, 6, 15)
    row = line(budget.projections(*year_to(budget_con, day), day), "RSN", "individuel")
    assert row["linear_eur"] == pytest.approx(600 / 167 * 366)
    assert row["seasonal_eur"] == pytest.approx(600 * 1800 / 550)


def test_no_seasonal_projection_without_a_full_previous_year(budget_con):
    day = date(2024, 6, 30)
    lines, monthly = year_to(budget_con, day)
    assert not budget.full_previous_year(monthly, "RSK", 2024)
    assert budget.full_previous_year(monthly, "RSN", 2024)
    proj = budget.projections(lines, monthly, day)
    assert proj.filter(pl.col("network") == "RSK")["seasonal_eur"].is_null().all()
    # RSK individuel to 30/06: K1 5 + K2 7 + K4 7 sessions = 1 900 -> 1 900 / 182 x 366 = 3 820.88 (76.4 %)
    assert line(proj, "RSK", "individuel")["linear_eur"] == pytest.approx(1900 / 182 * 366)


def test_network_filter_restricts_projections(budget_con):
    day = date(2024, 6, 30)
    proj = budget.projections(*year_to(budget_con, day, ["RSN"]), day)
    assert set(proj["network"]) == {"RSN"}
    assert line(proj, "RSN", budget.TOTAL)["seasonal_eur"] == pytest.approx(1920.0)


def test_cumulative_on_the_budget_fixture(budget_con):
    day = date(2024, 6, 30)
    cum = budget.cumulative(*year_to(budget_con, day), day).filter(pl.col("network") == "RSN")
    assert cum["spent_cum_eur"].to_list() == [160.0, 260.0, 360.0, 460.0, 560.0, 660.0]
    assert cum["point_date"].to_list()[-1] == day and cum["point_date"].to_list()[0] == date(2024, 1, 31)
    assert set(cum["envelope_eur"]) == {1620.0}


def test_yearly_lines_of_the_budget_fixture(budget_con):
    # 2024: RSN individuel A 6 + R3 9 = 1 500 (100 %), administratif A + R3 = 120 (100 %);
    # RSK individuel K1 10 + K2 11 + K4 20 = 4 100 of 5 000 (82 %), administratif K1, K2, K4 = 180 of 300.
    lines = db.run(budget_con, "budget/budget_by_year", date_from=date(2024, 1, 1), date_to=date(2024, 12, 31),
                   networks=None)
    got = {(r["network"], r["category"]): (float(r["spent_eur"]), r["usage_pct"]) for r in lines.iter_rows(named=True)}
    assert got[("RSN", "individuel")] == (1500.0, pytest.approx(100.0))
    assert got[("RSK", "individuel")] == (4100.0, pytest.approx(82.0))
    assert got[("RSK", "administratif")] == (180.0, pytest.approx(60.0))
    assert got[("RSK", "groupe")] == (400.0, None)
    shown = budget.envelope_lines(lines, date(2024, 1, 1), date(2024, 12, 31), date(2024, 12, 31))
    assert line(shown, "RSK", "groupe")["envelope_eur"] is None  # uncapped: spent only
    assert float(line(shown, "RSK", "individuel")["envelope_eur"]) == 5000.0
    # a whole year counted: the pro rata envelope is the envelope
    assert line(shown, "RSK", "individuel")["envelope_pro_rata_eur"] == 5000.0
    assert (line(shown, "RSK", "individuel")["counted_label"], line(shown, "RSK", "individuel")["days_counted"]) == \
        ("année entière", 366)


# ---- pure helpers ------------------------------------------------------------------------------------

def test_to_date_is_the_period_end_or_the_last_data_date():
    assert budget.to_date(date(2024, 12, 31), date(2024, 10, 3)) == date(2024, 10, 3)
    assert budget.to_date(date(2024, 6, 30), date(2024, 10, 3)) == date(2024, 6, 30)


@pytest.mark.parametrize("pct, code", [(None, None), (84.9, "low"), (85.0, "ok"), (100.0, "ok"), (100.1, "high")])
def test_flags_follow_the_thresholds(pct, code):
    assert budget.flag(pct) == code


def test_thresholds_stated_in_the_glossary_are_the_constants():
    from psynam import formatting as fmt, labels
    text = labels.definition("budget_projection_flag")
    assert fmt.percent(budget.LOW_USAGE_PCT, 0).replace("\u00a0", " ") in text
    assert fmt.percent(budget.HIGH_USAGE_PCT, 0).replace("\u00a0", " ") in text


def test_the_june_2023_rule_is_stated_from_the_reference_data():
    text = budget.uncapped_rule(reference.frame("ref_budget_categories"))
    assert text.startswith("Depuis le 01/06/2023")
    for label in ("Séances de groupe", "Outreaching (chez un partenaire)", "Clairvisions", "Consultations individuelles"):
        assert label in text


def test_empty_year_gives_empty_frames():
    empty = pl.DataFrame(schema={"year": pl.Int64, "network": pl.String, "category": pl.String,
                                 "category_label": pl.String, "capped": pl.Boolean, "envelope_eur": pl.Float64,
                                 "spent_eur": pl.Float64, "usage_pct": pl.Float64})
    monthly = pl.DataFrame(schema={"year": pl.Int64, "month": pl.Date, "network": pl.String,
                                   "category": pl.String, "spent_eur": pl.Float64})
    assert budget.projections(empty, monthly, date(2024, 3, 1)).is_empty()
    assert budget.cumulative(empty, monthly, date(2024, 3, 1)).is_empty()


def test_projection_without_lines_has_the_types_of_one_with_lines(tiny_con):
    """A period after the data (or before the budget table) has no line to project: an empty frame whose
    columns have the same types as a full one, so that a page can filter its capped total by category
    (issue 11: `cannot compare string with numeric type` on the Budget page for 01/11/2026-30/11/2026)."""
    empty = budget.projections(pl.DataFrame(), pl.DataFrame(), date(2026, 11, 30))
    full = budget.projections(*year_to(tiny_con, date(2024, 12, 31)), date(2024, 12, 31))
    assert empty.is_empty() and empty.schema == full.schema
    assert empty.filter(pl.col("category") == budget.TOTAL).is_empty()


def admin_fees(con, date_from: date, date_to: date, network: str = "RSN") -> float:
    lines = db.run(con, "budget/budget_by_year", date_from=date_from, date_to=date_to, networks=[network])
    return float(lines.filter(pl.col("category") == "administratif")["spent_eur"].fill_null(0).sum() or 0)


@pytest.mark.parametrize("cut", [date(2023, 1, 2), date(2023, 2, 1), date(2023, 7, 1), date(2023, 7, 2),
                                 date(2023, 12, 31), date(2024, 1, 1), date(2024, 3, 15)])
def test_the_admin_fee_of_adjacent_periods_adds_up(budget_con, cut):
    """The fee is due once per patient, network and calendar year, at the patient's first individual
    session of that year (A in January, B in July 2023; A again in January 2024): cut 2023-2024 anywhere,
    the two parts' fees add up to the whole's, 120 € for 2023 and 60 € to 30/06/2024."""
    start, end = date(2023, 1, 1), date(2024, 6, 30)
    whole = admin_fees(budget_con, start, end)
    assert whole == 180.0
    assert admin_fees(budget_con, start, cut - timedelta(days=1)) + admin_fees(budget_con, cut, end) == whole
