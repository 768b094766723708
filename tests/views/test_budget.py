"""The Budget view headless, on the tiny fixture (tests/queries/expected.py BUDGET_2024) and the budget
fixture (tests/fixtures/budget/README.md; hand computations in tests/queries/test_budget.py), and its chart
builders on published tables: every figure the page, the report and the command line take from it.

Years counted in part, by hand:
- tiny, 01/11/2024–31/01/2025 (last data date 01/01/2025, S12): 2024 counts 01/11–31/12 = 61 of 366 days,
  2025 counts 01/01 = 1 day (the data stop there). 2024 spending in the period: S09 (RSN groupe,
  326), S10 (RSK individuel, 83); no fee falls due (every 2024 patient's first session is earlier).
  RSK individuel: envelope 500 -> pro rata 500 x 61 / 366 = 83.33; 83 / 83.33 = 99.6 %.
  2025: S12 (RSN individuel 83) and PA's 2025 fee (60), with no envelope row: not capped.
- budget fixture, 01/07/2023–30/06/2024: 2023 counts 184 of 365 days, 2024 182 of 366.
  RSN 2023 individuel A + B Jul–Dec = 1 200 of 2 000 -> pro rata 1 008.22 (119.0 %); fee B (July) = 60
  of 150 -> pro rata 75.62. RSN 2024 individuel A Jan–Jun = 600 of 1 500 -> pro rata 745.90 (80.4 %).
"""

from datetime import date

import polars as pl
import pytest

from psynam import budget
from psynam.charts import budget as charts
from psynam.filters import Filters
from psynam.views.budget import Budget
from tests.fixtures.budget import budget_con, budget_db  # noqa: F401  (pytest fixtures)
from tests.queries.expected import BUDGET_2024

Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def budget_source(budget_con):  # noqa: F811
    from functools import partial

    from psynam import db, views
    return views.Source(partial(db.run, budget_con))


def line(result, year, network, category) -> dict:
    frame = result.frame
    return frame.filter((pl.col("year") == year) & (pl.col("network") == network)
                        & (pl.col("category") == category)).row(0, named=True)


# ---- the whole year 2024 (tiny) ------------------------------------------------------------------------

def test_year_to_date_cards_and_the_overview_card_agree(source):
    view = Budget(source, Y2024)
    assert view.to_date == date(2024, 12, 31) and view.year == 2024
    cards = view.year_to_date.row()
    # capped: RSN 332 + 180, RSK 249 + 120 = 881 of 1 300 + 700 = 2 000; on 31/12 the projection is the spend
    assert (cards["spent_eur"], cards["envelope_eur"]) == (881.0, 2000.0)
    assert cards["usage_pct"] == pytest.approx(44.05) and cards["linear_pct"] == pytest.approx(44.05)
    assert cards["seasonal_pct"] is None and not view.has_seasonal and view.seasonal_note
    usage = view.capped_usage.row()
    assert (usage["year"], usage["to_date"], usage["spent_eur"]) == (2024, date(2024, 12, 31), 881.0)
    assert usage["usage_pct"] == pytest.approx(cards["usage_pct"])


def test_lines_are_the_query_and_the_shown_lines_keep_its_figures(source):
    view = Budget(source, Y2024)
    raw = {(r["year"], r["network"], r["category"]): float(r["spent_eur"]) for r in view.lines.frame.iter_rows(named=True)}
    assert raw == {k: spent for k, (_, spent, _) in BUDGET_2024.items()}
    rsk_group = line(view.envelope_lines, 2024, "RSK", "groupe")
    assert rsk_group["envelope_eur"] is None and rsk_group["capped_label"] == "Sans plafond"
    ind = line(view.envelope_lines, 2024, "RSN", "individuel")
    assert (ind["counted_label"], ind["days_counted"], ind["envelope_pro_rata_eur"]) == ("année entière", 366, 1000.0)
    assert view.partial_years == [] and view.partial_note is None
    assert view.envelope_lines.title == "Enveloppe et dépensé 2024"
    admin = view.admin_fee.frame
    assert set(admin["category"]) == {"administratif"} and admin["spent_eur"].to_list() == [120.0, 180.0]


def test_flags_name_each_networks_capped_total(source):
    # RSN 512 / 1 300 = 39 %, RSK 369 / 700 = 53 %: both projected below 85 % (linear); no seasonal
    flags = Budget(source, Y2024).flag_warnings
    assert [f for f, _ in flags] == ["low", "low"]
    assert "RSK — Total des lignes plafonnées : projection linéaire à 53" in flags[0][1]


def test_cost_published_hides_small_counts_and_their_costs(source):
    costs = Budget(source, Y2024).costs
    published = costs.published()
    i = costs.frame.with_row_index().filter((pl.col("network") == "RSN") & (pl.col("category") == "individuel"))["index"][0]
    # 4 sessions and 3 patients: hidden (here the whole table: every count of the tiny fixture is small, and
    # its totals would pin them all)
    assert published.mark("sessions", i) and published.mark("patients", i)
    assert published.mark("cost_per_patient_eur", i) == "masqué"
    # 332 € is 4 sessions at the public 83 € tariff: the amount is hidden with them
    assert published.frame["cost_per_patient_eur"][i] is None and published.frame["spent_eur"][i] is None
    assert published.mark("spent_eur", i) == "masqué" and float(costs.frame["spent_eur"][i]) == 332.0
    assert costs.frame["cost_per_patient_eur"][i] == pytest.approx(332 / 3)  # exact on the coordinator's screen


def test_ignored_filters_are_read_from_the_query(source):
    view = Budget(source, Filters(date(2024, 1, 1), date(2024, 12, 31), formats=("groupe",), communes=("92094",)))
    assert view.ignored_filters == ["Commune", "Format"]
    assert view.year_to_date.value("spent_eur") == 881.0  # formats and communes do not apply


# ---- periods: partial years, after and before the data, across a year end -------------------------------

def test_a_year_counted_in_part_says_so_and_has_its_pro_rata_envelope(source):
    view = Budget(source, Filters(date(2024, 11, 1), date(2025, 1, 31)))
    assert view.partial_years == ["2024 : 01/11–31/12", "2025 : 01/01–27/01"]  # the data end on 27/01/2025
    assert "2024 : 01/11–31/12" in view.partial_note
    rsk = line(view.envelope_lines, 2024, "RSK", "individuel")
    assert (rsk["spent_eur"], rsk["envelope_eur"], rsk["days_counted"]) == (83.0, 500.0, 61)
    assert rsk["envelope_pro_rata_eur"] == pytest.approx(500 * 61 / 366)
    assert rsk["usage_pro_rata_pct"] == pytest.approx(83 / (500 * 61 / 366) * 100)
    assert rsk["usage_pct"] == pytest.approx(16.6)  # against the whole year's envelope
    assert line(view.envelope_lines, 2024, "RSN", "groupe")["envelope_pro_rata_eur"] is None  # uncapped
    # January 2025, RSN: the yearly fee of S12's patient, PE (S13) and PG (S17): 3 x 60
    assert line(view.envelope_lines, 2025, "RSN", "administratif")["spent_eur"] == 180.0
    # to date: 27/01/2025 (the last data), a year without envelope rows: no capped line, so no cards
    assert view.to_date == date(2025, 1, 27)
    assert view.year_to_date.is_empty and view.empty_message is None
    assert view.year_message.startswith("Aucune ligne plafonnée en 2025") and view.cumulative.is_empty
    assert view.capped_usage.row()["usage_pct"] is None and view.capped_usage.frame.height == 1
    assert view.admin_fee.frame["year"].to_list() == [2024, 2024, 2025, 2025]  # RSK too in January 2025 (PF, PG)


def test_a_period_after_the_data_has_no_day_to_date(budget_source):
    # budget fixture: the last session is on 25/12/2024 (K4); 2024 envelopes exist, so lines do too
    view = Budget(budget_source, Filters(date(2024, 12, 26), date(2024, 12, 31)))
    assert view.to_date is None and view.year is None and view.year_filters is None
    assert not view.lines.is_empty
    assert view.empty_message.startswith("Les données s'arrêtent au 25/12/2024")
    for result in (view.year_lines, view.monthly, view.projections, view.capped_totals, view.cumulative,
                   view.year_to_date):
        assert result.is_empty, result.name
    assert view.flag_warnings == [] and view.capped_usage.row()["usage_pct"] is None and view.year_message is None
    assert view.partial_years == ["2024 : aucun jour de données"]


def test_a_period_before_the_data_renders_zeros_against_the_envelopes(budget_source):
    # 1–5 January 2023, before the first session (10/01/2023): 2023 envelopes, nothing spent
    view = Budget(budget_source, Filters(date(2023, 1, 1), date(2023, 1, 5)))
    assert view.empty_message is None and view.to_date == date(2023, 1, 5)
    cards = view.year_to_date.row()
    assert (cards["spent_eur"], cards["envelope_eur"], cards["usage_pct"]) == (0.0, 2150.0, 0.0)
    ind = line(view.envelope_lines, 2023, "RSN", "individuel")
    assert (ind["days_counted"], ind["counted_label"]) == (5, "01/01–05/01")
    assert ind["envelope_pro_rata_eur"] == pytest.approx(2000 * 5 / 365)


def test_a_period_over_two_years(budget_source):
    view = Budget(budget_source, Filters(date(2023, 7, 1), date(2024, 6, 30), networks=("RSN",)))
    assert view.partial_years == ["2023 : 01/07–31/12", "2024 : 01/01–30/06"]
    ind23 = line(view.envelope_lines, 2023, "RSN", "individuel")
    assert (ind23["spent_eur"], ind23["days_counted"]) == (1200.0, 184)
    assert ind23["envelope_pro_rata_eur"] == pytest.approx(2000 * 184 / 365)
    assert ind23["usage_pro_rata_pct"] == pytest.approx(1200 / (2000 * 184 / 365) * 100)
    assert line(view.envelope_lines, 2023, "RSN", "administratif")["spent_eur"] == 60.0  # B's fee, July
    ind24 = line(view.envelope_lines, 2024, "RSN", "individuel")
    assert ind24["envelope_pro_rata_eur"] == pytest.approx(1500 * 182 / 366)
    # the to-date year is 2024 from 1 January: 660 of 1 620, seasonal 1 920 (tests/queries/test_budget.py)
    cards = view.year_to_date.row()
    assert (cards["spent_eur"], cards["envelope_eur"]) == (660.0, 1620.0)
    assert cards["seasonal_eur"] == pytest.approx(1920.0) and cards["seasonal_pct"] == pytest.approx(1920 / 16.2)
    assert view.has_seasonal and view.seasonal_note is None
    assert [f for f, _ in view.flag_warnings] == ["low", "high"]  # linear 81.9 %, seasonal 118.5 %
    assert view.envelope_lines.title == "Enveloppe et dépensé 2024 : 01/01–30/06"


def test_before_is_the_same_view_over_the_comparison_period(source):
    view = Budget(source, Y2024)
    assert view.before.filters == view.comparison and view.before.year == 2023


# ---- pure helpers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("period, last, expected", [
    ((date(2025, 11, 1), date(2026, 10, 31)), date(2026, 10, 31), "2025 : 01/11–31/12"),
    ((date(2025, 1, 1), date(2025, 12, 31)), date(2026, 10, 31), "2025"),
    ((date(2025, 1, 1), date(2025, 12, 31)), date(2025, 10, 31), "2025 : 01/01–31/10"),  # the data stop earlier
    ((date(2025, 11, 1), date(2025, 11, 30)), date(2025, 10, 31), "2025 : aucun jour de données"),
])
def test_year_label(period, last, expected):
    assert budget.year_label(2025, *period, last) == expected


def test_projections_of_an_empty_year_are_typed_for_their_filters():
    # the crash of issue 11: an empty projections frame typed Float64 met `category == TOTAL`
    empty = pl.DataFrame(schema={"year": pl.Int64, "network": pl.String, "category": pl.String,
                                 "category_label": pl.String, "capped": pl.Boolean, "envelope_eur": pl.Float64,
                                 "spent_eur": pl.Float64, "usage_pct": pl.Float64})
    monthly = pl.DataFrame(schema={"year": pl.Int64, "month": pl.Date, "network": pl.String,
                                   "category": pl.String, "spent_eur": pl.Float64})
    proj = budget.projections(empty, monthly, date(2026, 11, 30))
    assert proj.filter(pl.col("category") == budget.TOTAL).is_empty()
    assert proj.schema["category"] == pl.String and proj.schema["linear_flag"] == pl.String


# ---- charts on published tables -------------------------------------------------------------------------

def test_cost_chart_marks_a_hidden_cost_and_draws_no_bar_for_it(source):
    fig = charts.cost_by_category(Budget(source, Y2024).costs.published())
    bars = [t for t in fig.data if t.type == "bar" and t.name.startswith("RSN")]
    # RSN individuel: 4 sessions and 3 patients hidden, so both its costs: no bar height, a mark instead
    category = "Consultations<br>individuelles"
    for bar in bars:
        assert dict(zip(bar.x, bar.y))[category] is None
    marks = [t for t in fig.data if t.type == "scatter" and t.mode == "text" and "s. o." not in t.text]
    assert marks and all(set(t.text) == {"masqué"} for t in marks)
    assert any(category in t.x for t in marks)
    # groups and clairvisions have no patient: "s. o." where their cost per patient would be, not a mark
    absent = [t for t in fig.data if t.type == "scatter" and "s. o." in (t.text or ())]
    assert {x for t in absent for x in t.x} == {"Clairvisions", "Séances de<br>groupe"}


def test_every_budget_chart_draws_an_empty_table():
    for build in (charts.envelope_vs_spent, charts.projection_usage, charts.admin_fee_by_year, charts.cost_by_category):
        fig = build(pl.DataFrame())
        assert fig.layout.annotations[0].text  # the "no data" message
    fig = charts.cumulative_spend(pl.DataFrame(), pl.DataFrame(), pl.DataFrame({"date": [], "label_fr": []}), 2024)
    assert fig.layout.annotations[0].text


def test_partial_year_charts_draw_the_pro_rata_envelope(source):
    view = Budget(source, Filters(date(2024, 11, 1), date(2025, 1, 31)))
    admin = charts.admin_fee_by_year(view.admin_fee.published())
    pro_rata = [t for t in admin.data if t.name == "Enveloppe au prorata des jours comptés"]
    assert pro_rata and pro_rata[0].x == ("2024<br>01/11–31/12",) * 1
    assert pro_rata[0].y[0] == pytest.approx(200 * 61 / 366)  # RSK's 200 € fee envelope
    lines = Budget(source, Filters(date(2024, 11, 1), date(2024, 12, 31))).envelope_lines
    envelope = charts.envelope_vs_spent(lines.published())
    assert any(t.name == "Enveloppe au prorata des jours comptés" for t in envelope.data)
    assert not any(t.name == "Enveloppe au prorata des jours comptés"
                   for t in charts.envelope_vs_spent(Budget(source, Y2024).envelope_lines.published()).data)
