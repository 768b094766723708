"""The network view (Vie du réseau, docs/universalism.md): the network's own activities — by type and
month, participants, partners and sectors represented, the communes where they took place, the registered
partners never seen, and the period's list of meetings for the yearly activity report.

Activities carry no network: the network filter applies to the registered partners only. Nothing here
counts patients or sessions of care (participants are professionals, partners organisations), so the
small-count rule has nothing to hide; the declarations say so column by column.
"""

from __future__ import annotations

import polars as pl

from psynam.labels.network import TEXT
from psynam.views import Result, View, result

TYPES = ("coordination", "intervision", "groupe_de_travail", "midi_de_reseau", "formation", "comite")


def type_name(code: str | None) -> str:
    """The French name of an activity type (free text in exports: an unknown code shows as typed)."""
    if code is None:
        return TEXT["other_type"]
    return TEXT.get(code, code) if code in TYPES else code


def _typed(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.Series("type_label", [type_name(t) for t in frame["type"]], dtype=pl.String))


class Network(View):
    @result
    def kpis(self) -> Result:
        """The headline figures of the network's life (one row)."""
        return self.result("network/network_kpis")

    @property
    def has_activities(self) -> bool:
        return bool(self.kpis.value("activities"))

    @result
    def by_month(self) -> Result:
        """Activities by month and type (network/by_month)."""
        frame = _typed(self.result("network/activities_by_month").frame)
        return self.derived("network/by_month", frame.select("month", "type", "type_label", "activities",
                                                             "online_activities", "participants", "partners_represented"))

    @result
    def by_type(self) -> Result:
        """Activities by type over the period, most frequent first (network/by_type)."""
        frame = _typed(self.result("network/activities_by_type").frame)
        return self.derived("network/by_type", frame.select(
            "type", "type_label", "activities", "online_activities", "participants", "participants_per_activity",
            "partners_represented", "sectors_represented", "communes"))

    @result
    def places(self) -> Result:
        """Every commune of the province with its activities, communes outside it, online apart."""
        frame = self.result("network/activities_by_commune").frame
        names = [TEXT["online"] if kind == "online" else (name or nis)
                 for kind, name, nis in frame.select("place_kind", "name_fr", "nis").iter_rows()]
        return self.derived("network/places", frame.with_columns(pl.Series("place_label", names, dtype=pl.String))
                            .select("place_kind", "nis", "place_label", "arrondissement", "is_south", "population",
                                    "activities", "participants", "partners_represented"))

    @property
    def hosting_places(self) -> Result:
        """The places that hosted at least one activity, most activities first."""
        return self.places.where(pl.col("activities") > 0).sort("activities", "place_label", descending=[True, False])

    @result
    def sectors(self) -> Result:
        """Partner sectors represented at the activities, with their partners never seen."""
        frame = self.result("network/sectors_represented").frame
        return self.derived("network/sectors", frame.with_columns(
            pl.col("sector_label").fill_null(TEXT["unknown_sector"])))

    @result
    def never_seen(self) -> Result:
        """Registered partners no activity of the period named."""
        return self.result("network/partners_never_seen")

    @result
    def meetings(self) -> Result:
        """The period's meetings, one line each, for the yearly activity report."""
        frame = _typed(self.result("network/meetings").frame)
        places = [TEXT["online"] if online else name for online, name in frame.select("is_online", "commune_name").iter_rows()]
        return self.derived("network/meeting_list", frame.with_columns(
            pl.Series("place_label", places, dtype=pl.String)).select(
            "activity_id", "activity_date", "type", "type_label", "place_label", "is_online", "participants",
            "partners_represented", "partner_names"))
