"""The ceiling-check view (Plafonds par patient): for each year the period touches (counted from 1 January
to the period's end), network, 2021 level, format and age group, the patients at and over their yearly
ceiling and the distribution of sessions per patient — counts only, never ids. One year is shown at a time
(`year`, the latest by default); every year is published together, so a year shown hides what the whole
result hides.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import polars as pl

from psynam import budget, labels, reference
from psynam.labels.budget import TEXT
from psynam.views import Result, View, result


@dataclass
class Rules(View):
    year: int | None = None

    def for_year(self, year: int) -> "Rules":
        """The same view showing another year."""
        return replace(self, year=year)

    # ---- every year of the period --------------------------------------------------------------------
    @result
    def distribution(self) -> Result:
        """Patients by number of sessions in the year, every year of the period; `level_label` says what
        the 2021 level groups that year ("Première ligne (soutien, communautaire)")."""
        raw = self.result("rules/sessions_per_patient")
        frame = budget.with_level_groups(raw.frame, reference.frame("ref_care_levels"), self.filters.date_to)
        return self.derived("rules/sessions_per_patient", frame)

    @result
    def status(self) -> Result:
        """Patients checked, at the ceiling, over it and their mean sessions, every year of the period."""
        return self.derived("rules/ceiling_status", budget.ceiling_status(self.distribution.frame))

    @cached_property
    def years(self) -> list[int]:
        return sorted(self.distribution.frame["year"].unique().to_list())

    @property
    def selected_year(self) -> int | None:
        """The year shown: the one asked for if the period touches it, else the latest."""
        if not self.years:
            return None
        return self.year if self.year in self.years else self.years[-1]

    # ---- the year shown --------------------------------------------------------------------------------
    @property
    def _shown(self) -> pl.Expr:
        return pl.col("year") == self.selected_year if self.selected_year is not None else pl.lit(False)

    @result
    def year_status(self) -> Result:
        """The shown year's lines (export subset `by_year`)."""
        return self.status.where(self._shown).titled(
            TEXT["counts_title"].format(year=self.selected_year),
            " ".join([labels.definition("patients_at_ceiling"), labels.definition("patients_over_ceiling")]))

    @result
    def year_distribution(self) -> Result:
        """The shown year's distribution (export subset `by_year`)."""
        return self.distribution.where(self._shown).titled(
            TEXT["histogram_title"].format(year=self.selected_year),
            labels.definition("sessions_per_patient_distribution"))

    @result
    def totals(self) -> Result:
        """The shown year in three figures (one row): patients checked, at the ceiling, over it."""
        lines = self.year_status.frame
        frame = pl.DataFrame({"year": [self.selected_year],
                              **{c: [int(lines[c].sum())] for c in
                                 ("patients", "patients_at_ceiling", "patients_over_ceiling")}},
                             schema={"year": pl.Int32, "patients": pl.Int64, "patients_at_ceiling": pl.Int64,
                                     "patients_over_ceiling": pl.Int64})
        return self.derived("rules/ceiling_totals", frame)

    # ---- the rules in words ------------------------------------------------------------------------------
    @cached_property
    def notes(self) -> list[str]:
        """The check's rules, stated from the reference data (ceilings, care-level mapping, age groups)."""
        return [line for line in (
            labels.definition("ceiling_check"),
            budget.specialised_rule(reference.frame("ref_ceilings")),
            budget.level_mapping(reference.frame("ref_care_levels")),
            TEXT["rules_levels"],
            TEXT["rules_age"],
        ) if line]
