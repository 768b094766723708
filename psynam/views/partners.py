"""The partners view: registered, active, new and ended partners (organisations, never suppressed) and what
they did — sessions and clairvisions at or for them (counts of sessions, suppressed when small), network
activities, tripartite agreements — for the Partners page, the report and the command line.

Everything the page used to compute is here: the partners without activity, the agreements in force and
their hours summed, the French names of group codes, the partner list (search words, "without activity
only") and its most active partners. Parts shown (the list after a search, the top partners) are
selections of one result, so they hide what the whole list hides.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import polars as pl

from psynam import declarations, labels, reference
from psynam.labels.partners import TEXT
from psynam.privacy import Published
from psynam.views import Result, View, result

TOP_PARTNERS = 15
# The counts of the first row of cards, in order; a rise of the last two is bad news.
COUNTS = ("registered_partners", "active_partners", "inactive_partners", "new_partners", "ended_partners")
# What the activity chart adds up per partner to rank them.
ACTIVITY = ("sessions", "clairvisions", "activities_attended")
# The words matched by the list's search box.
SEARCHED = ("name", "commune_name", "sector_label")


def sector_names() -> dict[str, str]:
    sectors = reference.frame("ref_sectors")
    return dict(zip(sectors["sector"].to_list(), sectors["label_fr"].to_list()))


def named(frame: pl.DataFrame, names: dict[str, str], *, code: str = "group_code", missing: str | None = None,
          to: str = "group_label") -> pl.DataFrame:
    """`to` holds the French word of each code of `code` (the code itself when it has none; `missing`, by
    default "statut inconnu", when the code is null)."""
    return frame.with_columns(pl.col(code).cast(pl.String).replace(names).fill_null(missing or TEXT["inconnu"])
                              .alias(to))


def _fold(expr: pl.Expr) -> pl.Expr:
    """Lower case, accents and typographic apostrophes folded: `Crèche d’Éghezée` -> `creche d'eghezee`."""
    return (expr.fill_null("").str.normalize("NFKD").str.replace_all(r"\p{M}", "")
            .str.replace_all("[’‘`´]", "'").str.to_lowercase())


def matches(text: str | None, columns: tuple[str, ...] = SEARCHED) -> pl.Expr:
    """Rows whose name, commune or sector holds every word of `text`, case- and accent-insensitive. The words
    are matched literally (never as a pattern), so any character typed is safe; no word matches every row."""
    words = pl.select(_fold(pl.lit(text or ""))).item().split()
    if not words:
        return pl.lit(True)
    haystack = _fold(pl.concat_str([pl.col(c).fill_null("") for c in columns], separator=" "))
    return pl.all_horizontal([haystack.str.contains(w, literal=True) for w in words])


def top_rows(table: Published, columns: tuple[str, ...], n: int) -> list[int]:
    """The rows of the n partners with the most activity (the sum of `columns`; then in the list's order, by
    name), among those with any: ranked on the table's cells, so a published table ranks on published
    figures only (a hidden cell counts 0, and a partner whose activity is all hidden still shows its marks)."""
    frame = table.frame.with_row_index("__row").with_columns(
        __total=pl.sum_horizontal([pl.col(c).fill_null(0) for c in columns]),
        __marked=pl.Series([any(table.hidden(c, i) for c in columns) for i in range(table.frame.height)],
                           dtype=pl.Boolean))
    ranked = (frame.filter((pl.col("__total") > 0) | pl.col("__marked"))
              .sort(["__total", "__row"], descending=[True, False]).head(n))
    return ranked["__row"].to_list()


# core candidate: a top-n that, once published, is chosen and ordered on the published figures. Ranking
# the published rows by their exact totals would give hidden cells away (a partner ranked above another
# whose drawn bar is longer has hidden activity worth at least the difference).
@dataclass(frozen=True, eq=False)
class Top(Result):
    """The top `n` rows of a result by the sum of `ranked_on` (exact rows on the coordinator's screen; the
    published rows re-ranked on the published table). Not to be narrowed further (where, sort, head)."""

    ranked_on: tuple[str, ...] = ()
    n: int = 0

    @classmethod
    def of_result(cls, result: Result, columns: tuple[str, ...], n: int) -> "Top":
        rows = tuple(top_rows(Published(result.whole, {}), columns, n))
        return cls(result.decl, result.whole, rows, result.threshold, result.title_text, result.definition_text,
                   ranked_on=columns, n=n)

    def published(self) -> Published:
        whole = self._published_whole()  # with its network variants, as every result
        return whole.take(top_rows(whole, self.ranked_on, self.n))


# dimension of partners_by_group -> (its result, the French names of its codes)
GROUPS = {
    "sector": ("partners/partners_by_sector", sector_names),
    "care": ("partners/partners_by_care", lambda: {k: TEXT[k] for k in ("soins", "hors_soins")}),
    "membership": ("partners/partners_by_membership",
                   lambda: {k: TEXT[k] for k in ("effectif", "adherent", "inconnu")}),
    "network": ("partners/partners_by_network", lambda: labels.NETWORKS),
    "arrondissement": ("partners/partners_by_arrondissement", lambda: {"hors_province": TEXT["hors_province"]}),
}


class Partners(View):
    # ---- headline figures ------------------------------------------------------------------------------
    @result
    def headline(self) -> Result:
        """overview/partner_kpis: registered, active, new, ended partners and the two published shares."""
        return self.result("overview/partner_kpis")

    @result
    def kpis(self) -> Result:
        """The page's cards (one row): the headline figures, the partners without activity, the agreements in
        force and their monthly hours. The report's partner sentences read this row (now and `before`)."""
        row = self.headline.row()
        agreements = self.agreements_by_sector.frame
        frame = pl.DataFrame({
            **{k: [row[k]] for k in ("registered_partners", "active_partners")},
            "inactive_partners": [row["registered_partners"] - row["active_partners"]],
            **{k: [row[k]] for k in ("new_partners", "ended_partners", "partners_outside_care",
                                     "partners_outside_care_pct", "partners_full_members_pct")},
            "agreements_in_force": [int(agreements["agreements_in_force"].sum())],
            "agreed_hours_per_month": [float(agreements["hours_per_month"].cast(pl.Float64).sum())],
        }, schema_overrides={"partners_outside_care_pct": pl.Float64, "partners_full_members_pct": pl.Float64})
        return self.derived("partners/kpis", frame)

    @property
    def has_partners(self) -> bool:
        """Partners registered in the period, or that joined or left in it (a partner leaving on the
        period's first day ended in it)."""
        return any(self.headline.value(c) for c in ("registered_partners", "new_partners", "ended_partners"))

    # ---- over time -------------------------------------------------------------------------------------
    @result
    def partners_by_month(self) -> Result:
        """Registered, active, new, ended partners and agreements per month (subsets `partners`, `agreements`)."""
        return self.result("partners/partners_by_month")

    @result
    def agreements_by_month(self) -> Result:
        """The same monthly result, titled as the agreements chart (export its `agreements` subset)."""
        return self.partners_by_month.titled(labels.indicator("agreements_by_month"),
                                             labels.definition("agreements_by_month"))

    @property
    def period(self) -> tuple[date, date]:
        return self.filters.date_from, self.filters.date_to

    @cached_property
    def milestones(self) -> pl.DataFrame:
        return reference.frame("ref_milestones")

    # ---- who and where -----------------------------------------------------------------------------------
    def by_group(self, dimension: str) -> Result:
        """partners_by_group's rows along `dimension` (a key of GROUPS), its codes named in French."""
        name, names = GROUPS[dimension]
        every = self.result("partners/partners_by_group").frame  # all five dimensions: one query
        frame = named(every.filter(pl.col("dimension") == dimension), names())
        # population and the rate per 10,000 are the arrondissement's only (null along other dimensions)
        return self.derived(name, frame.select(declarations.load(name).names))

    @result
    def partners_by_sector(self) -> Result:
        return self.by_group("sector")

    @result
    def partners_by_care(self) -> Result:
        """Care / outside care: the report's partners chart."""
        return self.by_group("care")

    @result
    def partners_by_membership(self) -> Result:
        return self.by_group("membership")

    @result
    def partners_by_network(self) -> Result:
        return self.by_group("network")

    @result
    def partners_by_arrondissement(self) -> Result:
        return self.by_group("arrondissement")

    @result
    def partners_by_commune(self) -> Result:
        """Partners per commune; the partners outside the province in a row named "Hors province" (export
        the `chart` subset)."""
        frame = self.result("partners/partners_by_commune").frame
        return self.derived("partners/partners_by_commune",
                            frame.with_columns(pl.col("commune_name").fill_null(TEXT["hors_province"])))

    # ---- agreements ------------------------------------------------------------------------------------
    @result
    def agreements_by_sector(self) -> Result:
        """Agreements in force and their hours by sector of the partner, sectors named in French."""
        frame = self.result("partners/agreements_by_sector").frame
        return self.derived("partners/agreement_hours_by_sector",
                            named(frame, sector_names(), code="sector", missing=TEXT["unknown_partner"]))

    # ---- activity and the partner list -------------------------------------------------------------------
    @result
    def partners_table(self) -> Result:
        """Every registered partner with its activity, in French words (subsets `table`, `activity`)."""
        frame = self.result("partners/partner_activity").frame
        membership = {"effectif": TEXT["effectif"], "adherent": TEXT["adherent"]}
        frame = frame.with_columns(
            commune_name=pl.col("commune_name").fill_null(TEXT["hors_province"]),
            membership_label=pl.col("membership").replace_strict(membership, default=TEXT["inconnu"],
                                                                 return_dtype=pl.String),
            # a partner that left on the period's first day is listed (it ended in the period) but was not
            # registered in it: neither active nor without activity
            active_label=pl.when(pl.col("is_active")).then(pl.lit(TEXT["yes"]))
            .when(~pl.col("is_registered")).then(pl.lit(TEXT["not_registered"])).otherwise(pl.lit(TEXT["no"])),
            agreed_hours_per_month=pl.col("agreed_hours_per_month").cast(pl.Float64),
        )
        return self.derived("partners/partners_table", frame)

    @result
    def most_active(self) -> Result:
        """The TOP_PARTNERS partners with the most sessions, clairvisions and network activities together (a
        selection of partners_table, titled as the activity chart; export its `activity` subset). Exact on the
        coordinator's screen; published, the top is ranked on the published figures (see Top)."""
        return Top.of_result(self.partners_table, ACTIVITY, TOP_PARTNERS).titled(
            labels.indicator("activity_by_partner"), labels.definition("activity_by_partner"))

    def listed(self, search: str | None = None, *, inactive_only: bool = False) -> Result:
        """The partner list as the table shows it: the rows matching every word of `search` (name, commune,
        sector; accents and case ignored), only the partners without activity when `inactive_only`."""
        shown = self.partners_table.where(matches(search))
        return shown.where(pl.col("is_registered") & ~pl.col("is_active")) if inactive_only else shown
