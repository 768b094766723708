"""Budget: envelope against spent per year, network and category; the year's cumulative spend with its
projected year-end; the yearly administrative fee; cost per session and per patient by category."""

from datetime import date

import polars as pl
import streamlit as st

from psynam import budget, formatting as fmt, labels, reference, ui
from psynam.charts import budget as charts
from psynam.labels.budget import TEXT

filters = st.session_state.get("filters")
st.title(labels.PAGES["budget"])
if filters is None:
    st.stop()

params = filters.params("date_from", "date_to", "networks")
last_date = ui.frame("filters/data_bounds")["last_date"][0]
day = budget.to_date(filters.date_to, last_date)
st.caption(" · ".join([
    labels.MESSAGES["period"].format(date_from=fmt.day(filters.date_from), date_to=fmt.day(filters.date_to)),
    TEXT["to_date"].format(year=day.year, day=fmt.day(day))]))
st.info(TEXT["scope"], icon=":material/info:")
ignored = [labels.FILTERS[name] for name in ("arrondissements", "communes", "care_levels", "formats", "settings")
           if getattr(filters, name)]
if ignored:
    st.caption(TEXT["scope_ignored"].format(names=", ".join(ignored)))

lines = budget.envelope_lines(ui.frame("budget/budget_by_year", **params)).sort(
    "year", "network", "category_label", descending=[True, False, False])
if lines.is_empty():
    st.info(labels.MESSAGES["no_data"])
    st.stop()
st.markdown(f"**{budget.uncapped_rule(reference.frame('ref_budget_categories'))}**")

# The year of the period's end, from 1 January to date; the previous year gives the seasonal profile.
year_params = {**params, "date_from": date(day.year, 1, 1), "date_to": day}
year_lines = ui.frame("budget/budget_by_year", **year_params) if day >= filters.date_from else lines.clear()
monthly = ui.frame("budget/spent_by_month", **{**year_params, "date_from": date(day.year - 1, 1, 1)})
projections = budget.projections(year_lines, monthly, day)
totals = projections.filter(pl.col("category") == budget.TOTAL)

if not totals.is_empty():
    sums = totals.select(pl.col("spent_eur", "envelope_eur", "linear_eur", "seasonal_eur").sum()).row(0, named=True)
    share = (lambda v: 100.0 * v / sums["envelope_eur"] if sums["envelope_eur"] else None)
    has_seasonal = totals["seasonal_eur"].is_not_null().all()
    cards = st.columns(5)
    ui.kpi(cards[0], "budget_spent_to_date", sums["spent_eur"], None, kind="eur", value_text=fmt.euros(sums["spent_eur"]))
    ui.kpi(cards[1], "budget_capped_envelope", sums["envelope_eur"], None, kind="eur",
           value_text=fmt.euros(sums["envelope_eur"]))
    ui.kpi(cards[2], "budget_usage_to_date", share(sums["spent_eur"]), None, kind="pct")
    ui.kpi(cards[3], "budget_projection_linear", share(sums["linear_eur"]), None, kind="pct")
    ui.kpi(cards[4], "budget_projection_seasonal", share(sums["seasonal_eur"]) if has_seasonal else None, None,
           kind="pct", help_extra=None if has_seasonal else TEXT["no_seasonal"])
    for row in totals.iter_rows(named=True):  # the flags of each network's capped total; lines in the table
        for kind in ("linear", "seasonal"):
            if row[f"{kind}_flag"] in ("low", "high"):
                st.warning(TEXT["flag_sentence"].format(
                    network=row["network"], line=row["category_label"], kind=TEXT[f"kind_{kind}"],
                    pct=fmt.percent(row[f"{kind}_pct"], 0), flag=row[f"{kind}_flag_label"]),
                    icon=":material/trending_up:" if row[f"{kind}_flag"] == "high" else ":material/trending_down:")

ui.chart_block("budget_envelope", charts.envelope_vs_spent, lines, budget.ENVELOPE_COLUMNS, budget.ENVELOPE_SPEC,
               title=TEXT["envelope_title"].format(year=lines["year"].max()),
               definition=labels.definition("budget_envelope_vs_spent"), filters=filters)
st.caption(TEXT["table_all_years"])
st.dataframe(budget.screen_table(lines, budget.ENVELOPE_COLUMNS, budget.ENVELOPE_SPEC, ui.public_mode()),
             hide_index=True, key="budget_envelope_table")

cumulative = budget.cumulative(year_lines, monthly, day)
milestones = reference.frame("ref_milestones")
ui.chart_block("budget_cumulative", lambda f: charts.cumulative_spend(f, projections, milestones, day.year),
               cumulative, budget.CUMULATIVE_COLUMNS, budget.CUMULATIVE_SPEC,
               title=TEXT["cumulative_title"].format(year=day.year),
               definition=" ".join([labels.definition("budget_cumulative")] + [
                   f"{labels.indicator(k)} : {labels.definition(k)}"
                   for k in ("budget_projection_linear", "budget_projection_seasonal")]), filters=filters)

ui.chart_block("budget_projection", charts.projection_usage, projections, budget.PROJECTION_COLUMNS,
               budget.PROJECTION_SPEC, title=TEXT["projection_title"].format(year=day.year),
               definition=labels.definition("budget_projection_flag"), filters=filters)
if not projections.is_empty() and projections["seasonal_eur"].is_null().all():
    st.caption(TEXT["no_seasonal"])
st.dataframe(budget.screen_table(projections, budget.PROJECTION_COLUMNS, budget.PROJECTION_SPEC, ui.public_mode()),
             hide_index=True, key="budget_projection_table")

admin = lines.filter(pl.col("category") == "administratif")
ui.chart_block("budget_admin_fee", charts.admin_fee_by_year, admin, budget.ADMIN_COLUMNS, budget.ENVELOPE_SPEC,
               title=TEXT["admin_title"], definition=labels.definition("budget_admin_fee"), filters=filters)
st.caption(budget.admin_tariff(reference.frame("ref_tariffs"), day))

costs = ui.frame("budget/cost_by_category", **params)
ui.chart_block("budget_cost", charts.cost_by_category, costs, budget.COST_COLUMNS, budget.COST_SPEC,
               title=TEXT["cost_title"], filters=filters,
               definition=" ".join([labels.definition("budget_cost_per_session"),
                                    labels.definition("budget_cost_per_patient")]))
st.dataframe(budget.screen_table(costs, budget.COST_COLUMNS, budget.COST_SPEC, ui.public_mode()),
             hide_index=True, key="budget_cost_table")
