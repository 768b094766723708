"""Proportionate universalism in figures (docs/universalism.md): financial access, care pathways, supply of
psychologists, the co-payment check and the network's own life, as named results run headless.

Each result is one named query; `frame(run, name, filters)` binds exactly the `$parameters` its SQL file
declares from a filter set, so a caller never lists them. Until the pages and their views exist, this
registry is what runs these queries (the `metrics` command reads the whole-selection rows); a view of the
area can take the same names.
"""

from __future__ import annotations

from typing import Callable

import polars as pl

from psynam import db
from psynam.filters import Filters

Run = Callable[..., pl.DataFrame]

# area -> the named results of that area (queries/<folder>/<result>.sql)
RESULTS: dict[str, tuple[str, ...]] = {
    "access": ("access/bim_share_by_group", "access/bim_share_by_month"),
    "pathways": ("pathways/pathways_by_group", "pathways/new_patients_by_month"),
    "supply": ("supply/psychologists_by_area", "supply/psychologists_by_commune"),
    "copayment": ("rules/copayment_check",),
    "network": ("network/network_kpis", "network/activities_by_month", "network/activities_by_type",
                "network/activities_by_commune", "network/sectors_represented",
                "network/partners_never_seen", "network/meetings"),
}


def frame(run: Run, name: str, filters: Filters, **extra) -> pl.DataFrame:
    """Run one named result with the parameters its SQL declares, taken from `filters` (then `extra`)."""
    wanted = db.query_parameters(name)
    given = {**filters.params(), **extra}
    unknown = set(extra) - wanted
    if unknown:
        raise db.QueryParameterError(f"query {name}: unexpected {sorted(unknown)}")
    return run(name, **{k: given[k] for k in wanted})


def area(run: Run, name: str, filters: Filters) -> dict[str, pl.DataFrame]:
    """Every result of one area for a filter set: result name -> frame."""
    return {result: frame(run, result, filters) for result in RESULTS[name]}


def whole_selection(run: Run, filters: Filters) -> dict[str, dict]:
    """The row of each headline result that reads the whole selection: breakdown 'all' of the access and
    pathway results, the province of supply, the one row of network life (activities carry no network:
    the network filter is not passed to them)."""
    def only(name: str, column: str | None = None, value: str | None = None, **extra) -> dict:
        out = frame(run, name, filters, **extra)
        return (out.filter(pl.col(column) == value) if column else out).row(0, named=True)

    return {
        "access/bim_share_by_group": only("access/bim_share_by_group", "breakdown", "all"),
        "pathways/pathways_by_group": only("pathways/pathways_by_group", "breakdown", "all"),
        "supply/psychologists_by_area": only("supply/psychologists_by_area", "area", "province"),
        "network/network_kpis": only("network/network_kpis", networks=None),
    }
