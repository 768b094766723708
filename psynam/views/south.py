"""The south view: the 38 communes read against their population (reach, offer, coverage index, active
partners), north against south and each arrondissement, the south's monthly share of sessions, and one
commune month by month — what the south page, the report's south section, the slides and the pack read.

Every chart of the communes shows rows of one result (`coverage`), published once: the map, the scatter,
the coverage gaps, the communes without offer and the focus panel hide the same cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Callable

import polars as pl

from psynam import labels, privacy
from psynam.labels import south as words
from psynam.privacy import Published
from psynam.views import Result, View, result
from psynam.views.overview import Overview

GAP_THRESHOLD = 0.5  # docs/indicators.md: a coverage index below 0.5 is a gap to show
GAPS_SHOWN = 12      # the coverage gaps chart: the communes furthest below the province's reach
# Read against the province's reach, i.e. the province's patients as well as the row's own.
PROVINCE_READ = ("coverage_index", "patients_gap", "province_reach_per_1000")
# The figures of one commune the south page's focus panel shows (from `commune(nis)`).
FOCUS_FIGURES = ("population", "patients", "reach_per_1000", "offer_per_10000", "coverage_index", "active_partners")


def area_label(area: str | None) -> str | None:
    """French name of an area of reach_by_area (north, south, province, outside, or an arrondissement)."""
    if area is None:
        return None
    named = {"north": "north", "south": "south", "province": "province", "hors_province": "hors_province",
             "unknown": "unknown_area"}
    return words.TEXT[named[area]] if area in named else words.TEXT["arrondissement_of"].format(name=area)


# core candidate: a rate resting on a cell outside its row. psynam.privacy hides a rate with the counts of
# its own row; the coverage index (a commune's or an area's reach over the province's) and the patients a
# commune lacks are read against the province's patients too, and give that count back wherever it is
# hidden (e.g. a commune without patients: its patients missing = province reach x population / 1 000).
@dataclass(frozen=True, eq=False)
class Anchored(Result):
    """A result whose `resting` columns are read against one cell published elsewhere (another row, another
    result): where `anchor_hidden(whole)` — given this result's whole publication — says that cell is
    hidden, they are hidden (`masqué`) in every row, as a rate of a hidden count is."""

    resting: tuple[str, ...] = ()
    anchor_hidden: Callable[[Published], bool] | None = None

    def published(self) -> Published:
        whole = self._published_whole()  # with its network variants, as every result
        if self.anchor_hidden is not None and self.resting and self.anchor_hidden(whole):
            whole = hide_columns(whole, self.resting)
        return whole.take(self.rows)


def hide_columns(table: Published, columns) -> Published:
    """The table with every value of `columns` hidden (`masqué`); empty cells stay empty, marks stay."""
    frame, marks = table.frame, dict(table.marks)
    nulled = []
    for col in columns:
        if col not in frame.columns:
            continue
        old = table.column_marks(col)
        marks[col] = [m or (privacy.SECONDARY if v is not None else None) for v, m in zip(frame[col].to_list(), old)]
        nulled.append(pl.lit(None, frame.schema[col]).alias(col))
    return Published(frame.with_columns(nulled) if nulled else frame, marks, table.exposed, table.refused)


def _anchored(result: Result, resting: tuple[str, ...], anchor_hidden: Callable[[Published], bool]) -> Anchored:
    return Anchored(result.decl, result.whole, result.rows, result.threshold, result.title_text,
                    result.definition_text, resting=resting, anchor_hidden=anchor_hidden)


class South(View):
    # ---- areas: north, south, arrondissements, province, outside ---------------------------------------
    @result
    def reach_by_area(self) -> Result:
        """The query's rows as they come, the province's and those outside it (exact; outputs show
        `areas` and `outside`, published apart)."""
        return self.result("south/reach_by_area")

    def _labelled(self, kinds: list[str]) -> pl.DataFrame:
        return self.reach_by_area.frame.filter(pl.col("area_kind").is_in(kinds)).with_columns(
            pl.col("area").map_elements(area_label, return_dtype=pl.Utf8).alias("area_label"),
            pl.col("parent_area").map_elements(area_label, return_dtype=pl.Utf8).alias("parent_label"))

    @result
    def areas(self) -> Anchored:
        """The province's areas with French names (`area_label`, `parent_label`): the three arrondissements,
        the north and the south, the province — the north-south chart's rows, the report's arrondissements
        and province line. The rows outside the province are published apart (`outside`): no row here sums
        them, and kept here their sum with the province's (the overview's totals) would be read as a
        margin of this table, which it is not."""
        frame = self._labelled(["arrondissement", "zone", "province"])
        areas = frame["area"].to_list()
        province = areas.index("province") if "province" in areas else None
        return _anchored(self.derived("south/areas", frame), ("coverage_index",),
                         lambda whole: province is not None and whole.hidden("patients", province))

    def north_south(self, glossary: str) -> Result:
        """The areas titled with the indicator the chart shows (its glossary key)."""
        return self.areas.titled(f"{labels.indicator('north_south')} — {labels.indicator(glossary)}")

    @result
    def outside(self) -> Result:
        """Patients residing, and sessions held, outside the 38 communes and without a commune (0-2 rows)."""
        frame = self._labelled(["outside"]).select("area", "area_label", "patients", "sessions", "active_partners")
        return self.derived("south/outside", frame)

    @cached_property
    def province_hidden(self) -> bool:
        """Whether the province's patient count is hidden where figures leave the coordinator's screen
        (then every coverage index and patients-missing figure, read against it, is hidden too)."""
        province = self.province.published()
        return province.frame.height > 0 and province.hidden("patients", 0)

    @result
    def arrondissements(self) -> Result:
        """The three arrondissements, by name (the report's reach chart)."""
        return self.areas.where(pl.col("area_kind") == "arrondissement").sort("area")

    @result
    def province(self) -> Result:
        """The province's row (its reach: the report's province line)."""
        return self.areas.where(pl.col("area") == "province")

    @result
    def outside_province(self) -> Result:
        """Patients residing, and sessions held, outside the 38 communes (no row when none)."""
        return self.outside.where(pl.col("area") == "hors_province")

    @result
    def unknown_commune(self) -> Result:
        """Patients and sessions without a commune (no row when none)."""
        return self.outside.where(pl.col("area") == "unknown")

    @property
    def has_sessions(self) -> bool:
        rows = self.reach_by_area.frame.filter(pl.col("area_kind").is_in(["province", "outside"]))
        return bool(rows["sessions"].sum())

    # ---- communes ------------------------------------------------------------------------------------
    @result
    def coverage(self) -> Anchored:
        """Every commune of the province (the map's rows)."""
        return _anchored(self.result("south/coverage_by_commune"), PROVINCE_READ, lambda _: self.province_hidden)

    def coverage_map(self, glossary: str, note: str) -> Result:
        """The map's rows, titled with the indicator it is coloured by (its glossary key) and the map's note."""
        return self.coverage.titled(f"{labels.indicator('south_map')} — {labels.indicator(glossary)}",
                                    f"{labels.definition(glossary)} {labels.definition('south_map')} {note}")

    @cached_property
    def selected(self) -> set[str] | None:
        """The communes inside the shared geography filter, None when it selects everything."""
        if not self.filters.arrondissements and not self.filters.communes:
            return None
        return set(self.coverage.frame.filter(pl.col("in_selection"))["nis"])

    @result
    def offer_vs_reach(self) -> Result:
        return self.coverage.where(pl.col("in_selection")).titled(
            labels.indicator("offer_vs_reach"), labels.definition("offer_vs_reach"))

    @result
    def coverage_gaps(self) -> Result:
        """The communes of the selection furthest below the province's reach: lowest coverage index first
        (ties: most populous first), at most GAPS_SHOWN."""
        below = pl.col("in_selection") & pl.col("coverage_index").is_not_null() & (pl.col("coverage_index") < 1)
        return (self.coverage.where(below)
                .sort(["coverage_index", "population", "nis"], descending=[False, True, False]).head(GAPS_SHOWN)
                .titled(labels.indicator("coverage_gaps"), labels.definition("coverage_gaps")))

    @result
    def without_offer(self) -> Result:
        """The communes of the selection with no session delivered and no active partner, largest first."""
        return (self.coverage.where(pl.col("in_selection") & pl.col("without_offer"))
                .sort(["population", "nis"], descending=[True, False])
                .titled(labels.indicator("communes_without_offer"), labels.definition("communes_without_offer")))

    @result
    def no_offer_summary(self) -> Result:
        """How many communes of the selection are without offer, their inhabitants and their share."""
        selection = self.coverage.frame.filter(pl.col("in_selection"))
        without = selection.filter(pl.col("without_offer"))
        population, total = int(without["population"].sum() or 0), int(selection["population"].sum() or 0)
        return self.derived("south/no_offer_summary", pl.DataFrame(
            {"communes": [without.height], "population": [population],
             "population_pct": [100.0 * population / total if total else None]},
            schema={"communes": pl.Int64, "population": pl.Int64, "population_pct": pl.Float64}))

    def commune(self, nis: str) -> Result:
        """One commune's row (the focus panel)."""
        return self.coverage.where(pl.col("nis") == nis)

    def commune_name(self, nis: str) -> str | None:
        row = self.commune(nis)
        return None if row.is_empty else row.value("name_fr")

    def commune_by_month(self, nis: str) -> Result:
        """The commune month by month, titled with its name."""
        return self.result("south/commune_by_month", commune=nis).titled(
            f"{labels.indicator('commune_by_month')} — {self.commune_name(nis)}")

    # ---- the south's share of sessions ------------------------------------------------------------------
    @result
    def south_share_by_month(self) -> Result:
        return self.result("south/south_share_by_month")

    @result
    def share(self) -> Result:
        """The period's south share of sessions and of population, one row (the overview's activity
        figures: south_sessions, province_sessions, south_sessions_pct, south_population_pct); with
        `before.share`, what the report's findings compare."""
        return Overview(self.source, self.filters, self.threshold).activity
