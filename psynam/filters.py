"""The shared filters: one value object that every page, export and the command line turn into the
bound parameters of the queries (`$date_from`, `$networks`, ...), and the period it is compared with.

The comparison rule (docs/indicators.md, "comparison period"; README, "Definitions"):
- mode "previous": a calendar year is compared with the previous calendar year, a quarter with the previous
  quarter, a month with the previous month — and, generally, a range of whole calendar months with as many
  whole months just before it (a half-year with the previous half-year, the default twelve months with the
  twelve before); any other range with the range of equal length in days just before it;
- mode "year_before": the same period one year earlier (whole months stay whole months, so February 2025 is
  compared with the whole of February 2024; otherwise 29 February becomes 28 February);
- no comparison reaches before the programme's start (01/09/2021, data/reference/milestones.csv): then there
  is none (`comparison()` returns None) and the caller says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache

FILTER_LISTS = ("networks", "arrondissements", "communes", "care_levels", "formats", "settings")

# Comparison modes (Filters.comparison_mode, Filters.comparison(mode)).
PREVIOUS, YEAR_BEFORE = "previous", "year_before"
COMPARISONS = (PREVIOUS, YEAR_BEFORE)


@lru_cache(maxsize=1)
def programme_start() -> date:
    """The first day of the programme: the earliest `programme` milestone of the reference data."""
    from psynam import reference  # reference data are files; imported here to keep this module light

    milestones = reference.frame("ref_milestones")
    return min(d for d, kind in zip(milestones["date"], milestones["kind"]) if kind == "programme")


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def add_months(first_of_month: date, months: int) -> date:
    """The first day of the month `months` months after (before, if negative) `first_of_month`'s month."""
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def whole_months(date_from: date, date_to: date) -> int | None:
    """How many whole calendar months [date_from, date_to] covers, if it starts on a month's first day and
    ends on a month's last day; None otherwise."""
    if date_from.day != 1 or date_to != month_end(date_to) or date_to < date_from:
        return None
    return (date_to.year * 12 + date_to.month) - (date_from.year * 12 + date_from.month) + 1


def previous_period(date_from: date, date_to: date) -> tuple[date, date]:
    """Mode "previous": as many whole months just before, or as many days just before."""
    months = whole_months(date_from, date_to)
    if months:
        return add_months(date_from, -months), date_from - timedelta(days=1)
    days = (date_to - date_from).days + 1
    return date_from - timedelta(days=days), date_from - timedelta(days=1)


def year_before_period(date_from: date, date_to: date) -> tuple[date, date]:
    """Mode "year_before": the same months a year earlier, or the same days (29/02 -> 28/02)."""
    if whole_months(date_from, date_to):
        return add_months(date_from, -12), month_end(add_months(date_to.replace(day=1), -12))

    def back(day: date) -> date:
        return date(day.year - 1, day.month, 28 if (day.month, day.day) == (2, 29) else day.day)
    return back(date_from), back(date_to)


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
    # What the figures are compared with (COMPARISONS); the filter bar's "Comparer avec" choice, carried
    # here so that every consumer of the filters compares the same way.
    comparison_mode: str = PREVIOUS

    def __post_init__(self):
        if self.date_from > self.date_to:
            raise ValueError(f"period starts after it ends: {self.date_from} > {self.date_to}")
        if self.comparison_mode not in COMPARISONS:
            raise ValueError(f"unknown comparison mode {self.comparison_mode!r}: one of {COMPARISONS}")
        for name in FILTER_LISTS:  # accept any iterable, keep a hashable, ordered tuple
            object.__setattr__(self, name, tuple(sorted(set(getattr(self, name) or ()))))

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def comparison(self, mode: str | None = None, *, floor: date | None = None) -> "Filters | None":
        """The same filters over the comparison period (module docstring), or None when that period would
        start before `floor` (default: the programme's start, 01/09/2021). `mode` defaults to this filter
        set's comparison_mode; the result keeps the mode."""
        mode = mode or self.comparison_mode
        if mode not in COMPARISONS:
            raise ValueError(f"unknown comparison mode {mode!r}: one of {COMPARISONS}")
        floor = floor or programme_start()
        if self.date_from <= floor:  # every comparison ends before date_from: it would start before floor
            return None
        start, end = (previous_period if mode == PREVIOUS else year_before_period)(self.date_from, self.date_to)
        return None if start < floor else replace(self, date_from=start, date_to=end)

    def previous(self) -> "Filters":
        """The period of equal length in days that ends the day before this one starts (the rule before
        `comparison()`; kept for the callers not yet switched)."""
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
        return Filters(self.date_from, self.date_to, networks=self.networks, comparison_mode=self.comparison_mode)

    @property
    def finer_than_public(self) -> tuple[str, ...]:
        """The filters set here that public outputs leave out."""
        return tuple(n for n in FILTER_LISTS if n != "networks" and getattr(self, n))

    @property
    def has_activity_filter(self) -> bool:
        """Care level, format or setting set: clairvisions and partners do not carry these."""
        return bool(self.care_levels or self.formats or self.settings)
