"""The budget view: envelopes against spending for the period, and "to date" — the year of the period's end
from 1 January to that day, or to the last data date if earlier — computed here once for every output
(the Budget page, the Overview's card, the report, the command line)."""

from __future__ import annotations

from datetime import date
from functools import cached_property

import polars as pl

from psynam import budget
from psynam.views import Result, View, result


class Budget(View):
    @cached_property
    def to_date(self) -> date:
        """The last day counted "to date": the period's end, or the last data date if earlier."""
        return budget.to_date(self.filters.date_to, self.data_bounds["last_date"])

    @cached_property
    def year_filters(self):
        """1 January of the to-date year to the to-date day, with the period's network filter."""
        return type(self.filters)(date(self.to_date.year, 1, 1), self.to_date, networks=self.filters.networks)

    @result
    def year_lines(self) -> Result:
        """budget_by_year over the to-date year, from 1 January to date."""
        return self.result("budget/budget_by_year", self.year_filters)

    @result
    def capped_usage(self) -> Result:
        """The capped lines of the to-date year used to date (one row)."""
        lines = self.year_lines.frame.filter(pl.col("capped").fill_null(False)
                                             & (pl.col("year") == self.to_date.year))
        envelope = float(lines["envelope_eur"].sum() or 0)
        spent = float(lines["spent_eur"].sum() or 0)
        frame = pl.DataFrame({
            "year": [self.to_date.year], "to_date": [self.to_date], "spent_eur": [spent],
            "envelope_eur": [envelope or None],
            "usage_pct": [100.0 * spent / envelope if envelope else None],
        }, schema={"year": pl.Int32, "to_date": pl.Date, "spent_eur": pl.Float64, "envelope_eur": pl.Float64,
                   "usage_pct": pl.Float64})
        return self.derived("budget/capped_usage", frame)
