"""The shared filters: one value object that every page, export and the command line turn into the
bound parameters of the queries (`$date_from`, `$networks`, ...), and its previous period.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

FILTER_LISTS = ("networks", "arrondissements", "communes", "care_levels", "formats", "settings")


@dataclass(frozen=True)
class Filters:
    date_from: date
    date_to: date
    networks: tuple[str, ...] = field(default=())
    arrondissements: tuple[str, ...] = field(default=())
    communes: tuple[str, ...] = field(default=())
    care_levels: tuple[str, ...] = field(default=())
    formats: tuple[str, ...] = field(default=())
    settings: tuple[str, ...] = field(default=())

    def __post_init__(self):
        if self.date_from > self.date_to:
            raise ValueError(f"period starts after it ends: {self.date_from} > {self.date_to}")
        for name in FILTER_LISTS:  # accept any iterable, keep a hashable, ordered tuple
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name) or ()))))

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def previous(self) -> "Filters":
        """The period of equal length that ends the day before this one starts."""
        return replace(self, date_from=self.date_from - timedelta(days=self.days),
                       date_to=self.date_from - timedelta(days=1))

    def params(self, *names: str) -> dict:
        """Bound parameters for a query; `names` restricts to a subset (e.g. the partner queries)."""
        all_params = {"date_from": self.date_from, "date_to": self.date_to,
                      **{name: list(getattr(self, name)) or None for name in FILTER_LISTS}}
        return {k: all_params[k] for k in names} if names else all_params

    def public(self) -> "Filters":
        """The filters public outputs honour: the period and the network. A finer cut (a commune, a care
        level, a format, a setting) would let an outsider difference two public views and recompute a small
        count; those figures stay in the tables' rows, where one rule protects them (README, Privacy)."""
        return Filters(self.date_from, self.date_to, networks=self.networks)

    @property
    def finer_than_public(self) -> tuple[str, ...]:
        """The filters set here that public outputs leave out."""
        return tuple(n for n in FILTER_LISTS if n != "networks" and getattr(self, n))

    @property
    def has_activity_filter(self) -> bool:
        """Care level, format or setting set: clairvisions and partners do not carry these."""
        return bool(self.care_levels or self.formats or self.settings)
