"""The budget view: envelopes against spending for the period (years counted in part marked, with the
envelope pro rata of the days counted), and "to date" — the year of the period's end from 1 January to that
day, or to the last data date if earlier — computed here once for every output (the Budget page, the
Overview's card, the report, the slides, the command line): the cards, the cumulative spend, the projected
year-end and its flags, the cost per session and per patient.

A period that starts after the last data date has no day "to date": `to_date` is None, the year's results
are empty and `empty_message` says why, in French, instead of a figure or an exception.
"""

from __future__ import annotations

from datetime import date
from functools import cached_property

import polars as pl

from psynam import budget, db, formatting as fmt, labels, reference
from psynam.filters import FILTER_LISTS, Filters
from psynam.labels.budget import TEXT
from psynam.views import Result, View, result

ADMIN = "administratif"


class Budget(View):
    # ---- the days counted --------------------------------------------------------------------------
    @cached_property
    def last_date(self) -> date | None:
        return self.data_bounds["last_date"]

    @cached_property
    def to_date(self) -> date | None:
        """The last day counted "to date": the period's end, or the last data date if earlier; None when the
        data end before the period starts (no day of the period has data yet) or there are no data."""
        if self.last_date is None or self.last_date < self.filters.date_from:
            return None
        return budget.to_date(self.filters.date_to, self.last_date)

    @property
    def year(self) -> int | None:
        """The to-date year (the cards, the cumulative spend and the projections are of that year)."""
        return self.to_date.year if self.to_date else None

    @cached_property
    def year_filters(self) -> Filters | None:
        """1 January of the to-date year to the to-date day, with the period's network filter."""
        if self.to_date is None:
            return None
        return type(self.filters)(date(self.to_date.year, 1, 1), self.to_date, networks=self.filters.networks)

    @cached_property
    def ignored_filters(self) -> list[str]:
        """The French names of the filters set that the budget queries do not take (envelopes are set per
        network and category, not per commune or care level): read from the SQL's own parameters."""
        taken = db.query_parameters("budget/budget_by_year")
        return [labels.FILTERS[name] for name in FILTER_LISTS if getattr(self.filters, name) and name not in taken]

    @cached_property
    def empty_message(self) -> str | None:
        """Why there is nothing to show (a French sentence), or None."""
        if self.lines.is_empty:
            return labels.MESSAGES["no_data"]
        if self.to_date is None:
            return TEXT["after_data"].format(last=fmt.day(self.last_date)) if self.last_date else labels.MESSAGES["no_data"]
        return None

    @cached_property
    def year_message(self) -> str | None:
        """Why the to-date year has no cards, cumulative spend or projection chart (no capped line), or None."""
        if self.to_date is None or not self.year_to_date.is_empty:
            return None
        return TEXT["no_capped_year"].format(year=self.year)

    # ---- the period's lines --------------------------------------------------------------------------
    @result
    def lines(self) -> Result:
        """budget_by_year over the period, as the query returns it (the command line's `budget` list)."""
        return self.result("budget/budget_by_year")

    @result
    def envelope_lines(self) -> Result:
        """The period's lines as shown: uncapped lines without envelope, each year's days counted, capped
        lines' envelope pro rata of those days. Titled with the last year (the chart draws it)."""
        frame = budget.envelope_lines(self.lines.frame, self.filters.date_from, self.filters.date_to, self.last_date)
        result = self.derived("budget/envelope_lines", frame)
        year = frame["year"].max()
        title = TEXT["envelope_title"].format(year=self.year_label(year) if year is not None else "")
        return result.sort("year", "network", "category_label", descending=[True, False, False]).titled(
            title.strip(), labels.definition("budget_envelope_vs_spent"))

    def year_label(self, year: int) -> str:
        """"2025", or "2025 : 01/11–31/12" when the period counts only part of the year."""
        return budget.year_label(year, self.filters.date_from, self.filters.date_to, self.last_date)

    @cached_property
    def partial_years(self) -> list[str]:
        """The years of the period counted only in part, as "2025 : 01/11–31/12" (oldest first)."""
        years = sorted(self.lines.frame["year"].unique().to_list())
        return [self.year_label(y) for y in years if self.year_label(y) != str(y)]

    @cached_property
    def partial_note(self) -> str | None:
        """The sentence under the envelope table when a year is counted only in part, else None."""
        return TEXT["partial_note"].format(years=" ; ".join(self.partial_years)) if self.partial_years else None

    @result
    def admin_fee(self) -> Result:
        """The administrative-fee lines of the period, by year and network (export subset `admin`)."""
        return self.envelope_lines.where(pl.col("category") == ADMIN).sort("year", "network").titled(
            TEXT["admin_title"], " ".join([labels.definition("budget_admin_fee"), self.admin_tariff]).strip())

    @result
    def costs(self) -> Result:
        return self.result("budget/cost_by_category").titled(TEXT["cost_title"], " ".join(
            [labels.definition("budget_cost_per_session"), labels.definition("budget_cost_per_patient")]))

    # ---- the to-date year ----------------------------------------------------------------------------
    @result
    def year_lines(self) -> Result:
        """budget_by_year over the to-date year, from 1 January to date (no row without a day to date)."""
        lines = self.result("budget/budget_by_year", self.year_filters or self.filters)
        return lines if self.year_filters else lines.where(pl.lit(False))

    @result
    def monthly(self) -> Result:
        """spent_by_month from 1 January of the year before the to-date year to date (the seasonal profile)."""
        if self.year_filters is None:
            return self.result("budget/spent_by_month").where(pl.lit(False))
        start = date(self.to_date.year - 1, 1, 1)
        return self.result("budget/spent_by_month", type(self.filters)(start, self.to_date,
                                                                       networks=self.filters.networks))

    @result
    def projections(self) -> Result:
        """The projected year-end per network and line, with each network's capped total (`capped_totals`)."""
        frame = budget.projections(self.year_lines.frame, self.monthly.frame, self.to_date or self.filters.date_to)
        return self.derived("budget/projections", frame).titled(
            TEXT["projection_title"].format(year=self.year or ""), labels.definition("budget_projection_flag"))

    @result
    def capped_totals(self) -> Result:
        """Each network's capped total in the projections (the report's table: subset `report`)."""
        return self.projections.where(pl.col("category") == budget.TOTAL)

    @cached_property
    def has_seasonal(self) -> bool:
        totals = self.capped_totals.frame
        return not totals.is_empty() and totals["seasonal_eur"].is_not_null().all()

    @property
    def seasonal_note(self) -> str | None:
        """Why there is no seasonal projection, or None when there is one."""
        return None if self.has_seasonal else TEXT["no_seasonal"]

    @result
    def year_to_date(self) -> Result:
        """The capped lines of the to-date year, networks together: the Budget page's cards (one row, or none
        when the year has no capped line to date)."""
        totals = self.capped_totals.frame
        schema = {"year": pl.Int32, "to_date": pl.Date, "spent_eur": pl.Float64, "envelope_eur": pl.Float64,
                  "usage_pct": pl.Float64, "linear_eur": pl.Float64, "linear_pct": pl.Float64,
                  "seasonal_eur": pl.Float64, "seasonal_pct": pl.Float64, "units": pl.Int64}
        if totals.is_empty():
            return self.derived("budget/year_to_date", pl.DataFrame(schema=schema))
        spent, linear = float(totals["spent_eur"].sum()), float(totals["linear_eur"].sum())
        envelope = float(totals["envelope_eur"].sum() or 0) or None
        seasonal = float(totals["seasonal_eur"].sum()) if self.has_seasonal else None

        def share(value):
            return 100.0 * value / envelope if envelope and value is not None else None

        frame = pl.DataFrame({"year": [self.year], "to_date": [self.to_date], "spent_eur": [spent],
                              "envelope_eur": [envelope], "usage_pct": [share(spent)], "linear_eur": [linear],
                              "linear_pct": [share(linear)], "seasonal_eur": [seasonal],
                              "seasonal_pct": [share(seasonal)], "units": [int(totals["units"].sum())]},
                             schema=schema)
        return self.derived("budget/year_to_date", frame)

    @result
    def capped_usage(self) -> Result:
        """The capped budget used to date, one row (the Overview's card, the report's key figures)."""
        frame = self.year_to_date.frame.select("year", "to_date", "spent_eur", "envelope_eur", "usage_pct", "units")
        if frame.is_empty():  # always one row: the card shows "—", never nothing
            frame = pl.DataFrame({"year": [self.year or self.filters.date_to.year], "to_date": [self.to_date]},
                                 schema_overrides={"year": pl.Int32, "to_date": pl.Date}).with_columns(
                [pl.lit(None, pl.Float64).alias(c) for c in ("spent_eur", "envelope_eur", "usage_pct")]
                + [pl.lit(0, pl.Int64).alias("units")])
        return self.derived("budget/capped_usage", frame)

    @cached_property
    def flag_warnings(self) -> list[tuple[str, str]]:
        """(flag, sentence) for each network's capped total projected below 85 % or above 100 % of its
        envelope (linear, then seasonal); the lines' own flags are in the projections table."""
        out = []
        for row in self.capped_totals.frame.iter_rows(named=True):
            for kind in ("linear", "seasonal"):
                if row[f"{kind}_flag"] in ("low", "high"):
                    out.append((row[f"{kind}_flag"], TEXT["flag_sentence"].format(
                        network=row["network"], line=row["category_label"], kind=TEXT[f"kind_{kind}"],
                        pct=fmt.percent(row[f"{kind}_pct"], 0), flag=row[f"{kind}_flag_label"])))
        return out

    @result
    def cumulative(self) -> Result:
        """The capped spend of the to-date year, cumulated month by month, against the capped envelope (no
        row when the year has no capped line)."""
        lines = self.year_lines.frame if not self.year_to_date.is_empty else self.year_lines.frame.clear()
        frame = budget.cumulative(lines, self.monthly.frame, self.to_date or self.filters.date_to)
        return self.derived("budget/cumulative", frame).titled(
            TEXT["cumulative_title"].format(year=self.year or ""),
            " ".join([labels.definition("budget_cumulative")] + [
                f"{labels.indicator(k)} : {labels.definition(k)}"
                for k in ("budget_projection_linear", "budget_projection_seasonal")]))

    # ---- the rules in words ----------------------------------------------------------------------------
    @cached_property
    def uncapped_rule(self) -> str:
        return budget.uncapped_rule(reference.frame("ref_budget_categories"))

    @cached_property
    def admin_tariff(self) -> str:
        return budget.admin_tariff(reference.frame("ref_tariffs"), self.to_date or self.filters.date_to)
