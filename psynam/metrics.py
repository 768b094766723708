"""Headless figures: `python -m psynam metrics --from --to [--network] --json`, computed by the same
named queries the Overview page runs, with no suppression (docs/indicators.md)."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Callable

import polars as pl

from psynam import db
from psynam.filters import Filters
from psynam.universalism import whole_selection

PARTNER_PARAMS = ("date_from", "date_to", "networks", "arrondissements", "communes")
BUDGET_PARAMS = ("date_from", "date_to", "networks")

COUNT_KEYS = ("sessions", "individual_sessions", "group_sessions", "patients", "active_psychologists")
ACTIVITY_TAIL = ("south_sessions_pct", "south_population_pct", "elderly_patients", "elderly_patients_pct",
                 "early_childhood_sessions")
# Proportionate universalism (psynam/universalism.py): key -> (named result, column of its whole-selection row).
UNIVERSALISM_KEYS = {
    "bim_patients": ("access/bim_share_by_group", "bim_patients"),
    "bim_patients_pct": ("access/bim_share_by_group", "bim_patients_pct"),
    "new_patients": ("pathways/pathways_by_group", "new_patients"),
    "single_session_patients": ("pathways/pathways_by_group", "single_session_patients"),
    "median_days_first_to_second": ("pathways/pathways_by_group", "median_days_first_to_second"),
    "active_psychologists_per_10000": ("supply/psychologists_by_area", "active_per_10000"),
    "network_activities": ("network/network_kpis", "activities"),
    "activity_participants": ("network/network_kpis", "participants"),
}


def _number(value):
    if value is None:
        return None
    if isinstance(value, Decimal):
        return float(round(value, 2))
    if isinstance(value, float):
        return round(value, 2)
    return int(value)


def runner(con) -> Callable[..., pl.DataFrame]:
    """`run(name, **params)` over an open connection (the app passes its cached equivalent instead)."""
    return partial(db.run, con)


def activity(run, filters: Filters) -> dict:
    return run("overview/activity_kpis", **filters.params()).row(0, named=True)


def partners(run, filters: Filters) -> dict:
    return run("overview/partner_kpis", **filters.params(*PARTNER_PARAMS)).row(0, named=True)


def budget_lines(run, filters: Filters) -> pl.DataFrame:
    return run("budget/budget_by_year", **filters.params(*BUDGET_PARAMS))


def budget_usage_to_date(run, filters: Filters) -> tuple[int, float | None]:
    """Usage of the capped lines of the period's last year, from 1 January to the period's end."""
    year = filters.date_to.year
    year_to_date = replace(filters, date_from=date(year, 1, 1))
    lines = budget_lines(run, year_to_date).filter(pl.col("capped") & (pl.col("year") == year))
    envelope = lines["envelope_eur"].sum()
    if lines.is_empty() or not envelope:
        return year, None
    return year, 100.0 * float(lines["spent_eur"].sum()) / float(envelope)


def universalism(run, filters: Filters) -> dict:
    """Financial access, pathways, supply and network life, keyed as UNIVERSALISM_KEYS says."""
    rows = whole_selection(run, filters)
    return {key: _number(rows[query][column]) for key, (query, column) in UNIVERSALISM_KEYS.items()}


def headline(run, filters: Filters) -> dict:
    """The headline figures, keyed as the `metrics --json` contract says."""
    activity_row, partner_row = activity(run, filters), partners(run, filters)
    budget = budget_lines(run, filters)
    out = {key: _number(activity_row[key]) for key in COUNT_KEYS}
    out["registered_partners"] = _number(partner_row["registered_partners"])
    out["active_partners"] = _number(partner_row["active_partners"])
    out["partners_outside_care_pct"] = _number(partner_row["partners_outside_care_pct"])
    out.update({key: _number(activity_row[key]) for key in ACTIVITY_TAIL})
    out.update(universalism(run, filters))
    out["budget"] = [
        {"year": row["year"], "network": row["network"], "category": row["category"],
         "envelope_eur": _number(row["envelope_eur"]), "spent_eur": _number(row["spent_eur"]),
         "usage_pct": _number(row["usage_pct"])}
        for row in budget.iter_rows(named=True)
    ]
    return out


def cli(args) -> int:
    try:
        filters = Filters(date.fromisoformat(args.date_from), date.fromisoformat(args.date_to),
                          networks=(args.network,) if args.network else ())
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    path = db.db_path(args.db)
    if not path.exists():
        print(f"error: no database at {path} (build it with `python -m psynam build` or import an export)",
              file=sys.stderr)
        return 2
    con = db.connect(path, read_only=True)
    figures = headline(runner(con), filters)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        for key, value in figures.items():
            if key != "budget":
                print(f"{key:28} {value}")
        for line in figures["budget"]:
            print(f"budget {line['year']} {line['network']} {line['category']:14} "
                  f"envelope={line['envelope_eur']} spent={line['spent_eur']} usage_pct={line['usage_pct']}")
    return 0
