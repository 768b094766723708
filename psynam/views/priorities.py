"""The priorities view (Aînés et petite enfance): the elderly and early-childhood figures of a period — shares
of patients and sessions against the population, reach by arrondissement of residence, partners, tagged
groups and clairvisions, sessions by quarter — for the page, the committee report and the slides.

The two priorities share the patients and sessions they are shares of, so each result holds both side by
side (columns `elderly_*` and `early_childhood_*`, see `column()`) and is published once; a declared subset
per priority (`subset=priority`) is what one priority's chart or file shows.
"""

from __future__ import annotations

from functools import cached_property

import polars as pl

from psynam import labels, privacy, reference
from psynam.labels.priorities import TEXT
from psynam.views import Result, View, result

PRIORITIES = ("aines", "petite_enfance")                       # the codes of data/reference/priorities.csv
PREFIX = {"aines": "elderly", "petite_enfance": "early_childhood"}  # priority -> column and indicator prefix


def column(priority: str, name: str) -> str:
    """A priority's column of a result (`column("aines", "patients_pct")` is `elderly_patients_pct`)."""
    return f"{PREFIX[priority]}_{name}"


def indicator(priority: str, name: str) -> tuple[str, str]:
    """A priority's indicator name and definition (psynam/labels/priorities.py INDICATORS)."""
    key = column(priority, name)
    return labels.indicator(key), labels.definition(key)


def with_area_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """reach_by_arrondissement's rows named for reading and keyed by that name: `zone_label` the group of a
    row (Nord, Sud; Zones for the zone totals and the whole selection; the residents outside the
    province), `member_label` the row in its group, `parent_label` the member label of the row summing it."""
    zones, members, parents = [], [], []
    for level, area, zone in frame.select("level", "area", "zone").iter_rows():
        if level == "arrondissement":
            zones.append(TEXT[zone])
            members.append(area)
            parents.append(TEXT[zone])
        elif level == "zone":
            zones.append(TEXT["zones"])
            members.append(TEXT[zone])
            parents.append(TEXT["total"])
        elif level == "total":
            zones.append(TEXT["zones"])
            members.append(TEXT["total"])
            parents.append(None)
        else:
            zones.append(TEXT["hors_province"])
            members.append(TEXT["no_member"])
            parents.append(None)
    return frame.drop("parent_area").with_columns(
        pl.Series("zone_label", zones, dtype=pl.String),
        pl.Series("member_label", members, dtype=pl.String),
        pl.Series("parent_label", parents, dtype=pl.String),
    )


def quarter_label(day) -> str:
    return TEXT["quarter_tick"].format(q=(day.month - 1) // 3 + 1, year=day.year)


class Priorities(View):
    # ---- the results, both priorities side by side ------------------------------------------------
    @result
    def kpis(self) -> Result:
        """The headline figures (one row): patients, sessions, population, and per priority its patients,
        sessions, population, residents, their shares and its reach per 1,000 (priority_kpis.toml)."""
        return self.result("priorities/priority_kpis")

    @property
    def has_sessions(self) -> bool:
        return bool(self.kpis.value("sessions"))

    @result
    def reach(self) -> Result:
        """Reach by arrondissement of residence, with the zones, the whole selection and the residents
        outside the province (reach.toml): one publication for both priorities and every output."""
        return self.derived("priorities/reach", with_area_labels(self.result("priorities/reach_by_arrondissement").frame))

    @result
    def partners(self) -> Result:
        """Every partner of a priority sector registered or active in the period (partner_activity.toml)."""
        return self.result("priorities/partner_activity")

    @result
    def partner_totals(self) -> Result:
        """The partner cards (one row): per priority its registered and active partners (organisations)
        and the sessions and clairvisions at them (sums of `partners`)."""
        frame = self.partners.frame
        row: dict[str, int] = {}
        for priority in PRIORITIES:
            part = frame.filter(pl.col("priority") == priority)
            row[column(priority, "partners")] = int(part["is_registered"].sum())
            row[column(priority, "partners_active")] = int(part["is_active"].sum())
            row[column(priority, "partner_sessions")] = int(part["sessions"].sum())
            row[column(priority, "partner_clairvisions")] = int(part["clairvisions"].sum())
        return self.derived("priorities/partner_totals", pl.DataFrame([row], schema={k: pl.Int64 for k in row}))

    @result
    def tagged(self) -> Result:
        """Group sessions and clairvisions tagged for each priority, with their participants (one row)."""
        return self.result("priorities/tagged_groups_and_clairvisions")

    @result
    def trend(self) -> Result:
        """Sessions of each priority by quarter and their share of all sessions, with the quarter's name."""
        frame = self.result("priorities/trend_by_quarter").frame
        labelled = frame.with_columns(pl.Series("quarter_label", [quarter_label(q) for q in frame["quarter"]],
                                                dtype=pl.String))
        return self.derived("priorities/trend", labelled)

    @cached_property
    def milestones(self) -> pl.DataFrame:
        """The programme's policy dates, marked on the quarterly trend."""
        return reference.frame("ref_milestones").filter(pl.col("kind") == "programme")

    # ---- one priority's part, titled ---------------------------------------------------------------
    def reach_of(self, priority: str) -> Result:
        """The whole reach table titled for one priority (its chart and files show `subset=priority`)."""
        return self.reach.titled(*indicator(priority, "reach_by_arrondissement"))

    def arrondissements(self, priority: str) -> Result:
        """The arrondissement rows of the reach table by name (the report's lowest-reach finding), published
        as the whole table publishes them."""
        return self.reach_of(priority).where(pl.col("level") == "arrondissement").sort("area")

    def outside(self, priority: str) -> Result | None:
        """The row of the priority's residents outside the province, when there are any (else None)."""
        rows = self.reach.where((pl.col("level") == "hors_province") & (pl.col(column(priority, "patients")) > 0))
        return None if rows.is_empty else rows

    def partners_of(self, priority: str) -> Result:
        """The partners serving one priority, most active first (the query's order)."""
        return self.partners.where(pl.col("priority") == priority).titled(*indicator(priority, "partner_activity"))

    def trend_of(self, priority: str) -> Result:
        return self.trend.titled(*indicator(priority, "trend"))

    # ---- what rests on few people ------------------------------------------------------------------
    @property
    def small_count_threshold(self) -> int:
        return privacy.threshold_or_default(self.threshold)

    def rests_on_few(self, result: Result, priority: str) -> bool:
        """Whether a figure among the priority's columns of the rows shown rests on fewer people than the
        threshold (Result.rests_on_few: the coordinator's screen shows it; files and public mode do not)."""
        return result.rests_on_few(result.decl.subsets.get(priority, result.decl.names))
