"""The universalism view (Universalisme, docs/universalism.md): financial access (patients with the
preferential tariff, BIM), care pathways (new patients, single sessions, the wait from first to second
session, sessions per course), the supply of psychologists per 10,000 inhabitants and the co-payment check
— for the page, the committee report and the slides.

Every figure comes from one named query through its declaration; the view only names groups in French
(derived results `access/bim_by_group`, `pathways/by_group`, `supply/areas`, `rules/copayment`) and sums
new patients over care levels (`pathways/new_by_month`). A part of a result (one breakdown, the south
beside the north) is a selection of its rows: it hides what the whole hides.
"""

from __future__ import annotations

import polars as pl

from psynam import formatting as fmt, labels, privacy
from psynam.labels.access import TEXT
from psynam.views import Result, View, result

ACCESS_BREAKDOWNS = ("network", "zone", "arrondissement", "age_band")
PATHWAY_BREAKDOWNS = ("network", "care_level", "level_2021")


def group_name(breakdown: str, key: str | None, label: str | None) -> str | None:
    """The French name of a group of a breakdown table: its reference label, else the catalogue's word."""
    if label:
        return TEXT["arrondissement_of"].format(name=label) if breakdown == "arrondissement" else label
    if breakdown == "all":
        return TEXT["all"]
    if breakdown == "network" and key in labels.NETWORKS:
        return labels.NETWORKS[key]
    return TEXT.get(key or "", key)


def area_name(area: str) -> str:
    return TEXT[area] if area in ("north", "south", "province", "hors_province", "unknown") else \
        TEXT["arrondissement_of"].format(name=area)


def _named(frame: pl.DataFrame, partitions: tuple[str, ...], nested: str, inside: str) -> pl.DataFrame:
    """A breakdown table named in French and keyed for the small-count rule: `row_key` is
    `breakdown:group_key`; `of_all_by_<breakdown>` links each row of a partition to the whole selection's
    row; `of_<inside>` links a row of breakdown `nested` to the row of breakdown `inside` summing it."""
    names = [group_name(b, k, lab) for b, k, lab in frame.select("breakdown", "group_key", "group_label").iter_rows()]
    key = pl.concat_str([pl.col("breakdown"), pl.col("group_key")], separator=":")
    parents = [pl.when(pl.col("breakdown") == b).then(pl.lit("all:all")).otherwise(None).alias(f"of_all_by_{b}")
               for b in partitions]
    parents.append(pl.when(pl.col("breakdown") == nested).then(pl.lit(f"{inside}:") + pl.col("nested_in"))
                   .otherwise(None).alias(f"of_{inside}"))
    return frame.with_columns(pl.Series("group_label", names, dtype=pl.String), key.alias("row_key"), *parents)


class Universalism(View):
    # ---- financial access ------------------------------------------------------------------------
    @result
    def access(self) -> Result:
        """BIM patients and their share, sessions per patient by BIM status, for the whole selection and
        by network, zone and arrondissement of residence and age band (access/bim_by_group)."""
        frame = _named(self.result("access/bim_share_by_group").frame, ("network", "zone", "age_band"),
                       "arrondissement", "zone")
        return self.derived("access/bim_by_group", frame.select(self._names("access/bim_by_group")))

    @result
    def sessions_by_bim(self) -> Result:
        """Sessions per patient by BIM status, for the whole selection and each network (access/sessions_by_bim)."""
        frame = _named(self.result("access/bim_share_by_group").frame, ("network",), "none", "none") \
            .filter(pl.col("breakdown").is_in(["all", "network"])).rename({"of_all_by_network": "of_all"})
        return self.derived("access/sessions_by_bim", frame.select(self._names("access/sessions_by_bim")))

    @property
    def sessions_overall(self) -> Result:
        return self.sessions_by_bim.where(pl.col("row_key") == "all:all")

    @result
    def access_by_month(self) -> Result:
        """The BIM share month by month, per network and all together (access/bim_by_month); with one
        network selected, its rows only (the `all` rows would repeat them)."""
        frame = self.result("access/bim_share_by_month").frame
        if len(self.filters.networks) == 1:
            frame = frame.filter(pl.col("network") != "all")
        month = pl.col("month").cast(pl.String)
        frame = frame.with_columns(
            pl.concat_str([month, pl.col("network")], separator=":").alias("row_key"),
            pl.when(pl.col("network") != "all").then(month + pl.lit(":all")).otherwise(None).alias("of_all"))
        return self.derived("access/bim_by_month", frame.select(self._names("access/bim_by_month")))

    @property
    def has_patients(self) -> bool:
        """Any patient under the filters (filters/has_patients: one individual session is enough), without
        the access table, which only the first tab reads."""
        return bool(self.source.frame("filters/has_patients", self.filters)["has_patients"][0])

    @property
    def overall(self) -> Result:
        """The whole selection's row of the access table."""
        return self.access.where(pl.col("breakdown") == "all")

    def access_by(self, breakdown: str) -> Result:
        """One breakdown's rows of the access table (in the query's order), titled."""
        return self.access.where(pl.col("breakdown") == breakdown).titled(
            TEXT["bim_by"].format(breakdown=TEXT[breakdown].lower()))

    @property
    def south_north(self) -> Result:
        """The south's BIM share beside the north's (residence)."""
        return self.access.where((pl.col("breakdown") == "zone") & pl.col("group_key").is_in(["south", "north"])) \
            .titled(labels.indicator("bim_share_south_north"), labels.definition("bim_share_south_north"))

    # ---- pathways ----------------------------------------------------------------------------------
    @result
    def pathways(self) -> Result:
        """New, returning and single-session patients, the wait from first to second session and sessions
        per course, for the whole selection, by network, care level and 2021 level (pathways/by_group)."""
        frame = _named(self.result("pathways/pathways_by_group").frame, ("network", "care_level", "level_2021"),
                       "care_level", "level_2021")
        return self.derived("pathways/by_group", frame.select(self._names("pathways/by_group")))

    def pathways_by(self, breakdown: str) -> Result:
        return self.pathways.where(pl.col("breakdown") == breakdown).titled(
            TEXT["pathways_by"].format(breakdown=TEXT[breakdown].lower()))

    @property
    def pathways_overall(self) -> Result:
        return self.pathways.where(pl.col("breakdown") == "all")

    @result
    def new_by_month(self) -> Result:
        """New and returning patients by month and network (summed over care levels)."""
        frame = self.result("pathways/new_patients_by_month").frame
        summed = (frame.group_by("month", "network", maintain_order=True)
                  .agg(pl.col("patients").sum(), pl.col("new_patients").sum(), pl.col("returning_patients").sum())
                  .sort("month", pl.col("network"), descending=[False, True]))
        return self.derived("pathways/new_by_month", summed.cast({c: pl.Int64 for c in
                                                                  ("patients", "new_patients", "returning_patients")}))

    # ---- supply --------------------------------------------------------------------------------------
    @result
    def supply(self) -> Result:
        """Psychologists registered and active per 10,000 inhabitants by arrondissement, zone and the province,
        with the communes where none practises (supply/areas)."""
        frame = self.result("supply/psychologists_by_area").frame
        named = frame.with_columns(pl.Series("area_label", [area_name(a) for a in frame["area"]], dtype=pl.String))
        return self.derived("supply/areas", named.select(self._names("supply/areas")))

    @result
    def supply_communes(self) -> Result:
        """Every commune of the province with its psychologists per 10,000 inhabitants."""
        return self.result("supply/psychologists_by_commune")

    @property
    def province_supply(self) -> Result:
        return self.supply.where(pl.col("area") == "province")

    @property
    def supply_areas(self) -> Result:
        """The arrondissements, zones and the province (the chart; outside rows apart)."""
        return self.supply.where(pl.col("area_kind").is_in(["arrondissement", "zone", "province"])) \
            .titled(TEXT["supply_areas"], labels.definition("active_psychologists_per_10000"))

    @property
    def communes_without(self) -> Result:
        """The communes where no active psychologist practises, largest population first."""
        return self.supply_communes.where(pl.col("without_psychologist")).sort("population", descending=True) \
            .titled(labels.indicator("communes_without_psychologist"), labels.definition("communes_without_psychologist"))

    # ---- co-payment check ------------------------------------------------------------------------------
    @result
    def copayment(self) -> Result:
        """Sessions whose patient share differs from the rule in force, by rule, network and share."""
        frame = self.result("rules/copayment_check").frame
        return self.derived("rules/copayment", frame.with_columns(
            pl.col("rule_label").fill_null(TEXT["no_rule"])))

    def copayment_totals(self) -> dict[str, int]:
        """Exact sums of the check (the coordinator's screen; the report publishes rows, not these sums)."""
        frame = self.copayment.frame
        return {c: int(frame[c].sum() or 0) for c in ("sessions", "mismatched_sessions", "overcharged_sessions",
                                                      "undercharged_sessions", "unchecked_sessions")}

    def copayment_summary(self) -> str:
        """The check in one French sentence, exact (the coordinator's screen only)."""
        t = self.copayment_totals()
        return TEXT["copayment_summary"].format(
            sessions=fmt.integer(t["sessions"]), mismatched=fmt.integer(t["mismatched_sessions"]),
            over=fmt.integer(t["overcharged_sessions"]), under=fmt.integer(t["undercharged_sessions"]),
            unchecked=fmt.integer(t["unchecked_sessions"]))

    # ---- helpers ------------------------------------------------------------------------------------------
    def _names(self, name: str) -> list[str]:
        from psynam import declarations
        return list(declarations.load(name).names)

    @property
    def small_count_threshold(self) -> int:
        return privacy.threshold_or_default(self.threshold)

    def rests_on_few(self, result: Result) -> bool:
        """Whether a figure of the rows shown rests on fewer people than the threshold (Result.rests_on_few)."""
        return result.rests_on_few()
