"""Findings in plain French, computed from the figures: one function per finding, each taking figures
and returning a sentence or None (nothing to say, or the figure it rests on is masked).

Every number is formatted by psynam.formatting; a count in 1..threshold−1 or a figure derived from one is
never stated (callers pass None for a masked figure, and counts are checked here again).
"""

from __future__ import annotations

from psynam import formatting as fmt, privacy
from psynam.labels.report import TEXT as T

RSN_OUTSIDE_CARE_PCT = 68.0  # published by RSN (docs/domain.md)


def _plain(text: str) -> str:
    return fmt.plain(text)


def _count(value) -> str | None:
    """A count as it may be stated, or None when it is a small count."""
    if value is None or privacy.is_small(value):
        return None
    return fmt.integer(value)


def _change_pct(now, before) -> float | None:
    if now is None or before is None or float(before) == 0:
        return None
    return 100.0 * (float(now) - float(before)) / float(before)


def partners_count(registered, active) -> str | None:
    if not registered:
        return None
    return _plain(T["f_partners_count"].format(registered=fmt.integer(registered), active=fmt.integer(active),
                                               active_pct=fmt.percent(100.0 * active / registered)))


def partners_change(now, before) -> str | None:
    change = _change_pct(now, before)
    if change is None or round(change, 1) == 0:
        return None
    return _plain(T["f_partners_change"].format(direction=T["up"] if change > 0 else T["down"],
                                                change=fmt.percent(abs(change)), before=fmt.integer(before)))


def partners_new(new, ended) -> str | None:
    if not new and not ended:
        return None
    return _plain(T["f_partners_new"].format(new=fmt.integer(new or 0), ended=fmt.integer(ended or 0)))


def partners_outside_care(pct) -> str | None:
    if pct is None:
        return None
    gap = float(pct) - RSN_OUTSIDE_CARE_PCT
    return _plain(T["f_partners_outside"].format(pct=fmt.percent(pct), gap=T["points"].format(value=fmt.signed(gap))))


def lowest_reach(areas: list[dict], province_reach) -> str | None:
    """areas: {name, reach_per_1000} per arrondissement (reach None when masked)."""
    if not areas or province_reach is None or not float(province_reach):  # no patient anywhere: no gap to name
        return None
    if any(a["reach_per_1000"] is None for a in areas):
        return T["f_lowest_reach_masked"]
    lowest = min(areas, key=lambda a: a["reach_per_1000"])
    gap = 100.0 * (float(province_reach) - float(lowest["reach_per_1000"])) / float(province_reach)
    if gap <= 0:
        return None
    return _plain(T["f_lowest_reach"].format(name=lowest["name"], reach=fmt.decimal(lowest["reach_per_1000"]),
                                             gap=fmt.percent(gap, 0), province=fmt.decimal(province_reach)))


def south_share(share, population_share) -> str | None:
    if share is None or population_share is None:
        return None
    gap = float(share) - float(population_share)
    words = T["gap_below" if gap < 0 else "gap_above"].format(value=fmt.decimal(abs(gap)))
    return _plain(T["f_south_share"].format(share=fmt.percent(share), population=fmt.percent(population_share),
                                            gap=words))


def south_trend(share, before, population_share) -> str | None:
    """Is the south's share of sessions closing on its share of population?"""
    if share is None or before is None or population_share is None:
        return None
    if float(share) >= float(population_share):
        return _plain(T["f_south_trend_above"].format(before=fmt.percent(before)))
    change = float(share) - float(before)
    if round(change, 1) == 0:
        return _plain(T["f_south_trend_stable"].format(before=fmt.percent(before)))
    key = "f_south_trend_closing" if change > 0 else "f_south_trend_widening"
    return _plain(T[key].format(change=T["points"].format(value=fmt.signed(change)), before=fmt.percent(before)))


def priority_share(key: str, patients, share, population_share, *, hidden: bool = False) -> str | None:
    """key: 'elderly' or 'early'. patients is the published count the share rests on (None when hidden,
    `hidden` then true); a hidden share is said as such, never as a number."""
    if hidden or (patients is not None and privacy.is_small(patients)):
        return T[f"f_{key}_share_masked"]
    if not patients or population_share is None:
        return None
    if share is None:
        return _plain(T[f"f_{key}_share_hidden"].format(share=T["hidden_share"], population=fmt.percent(population_share)))
    return _plain(T[f"f_{key}_share"].format(share=fmt.percent(share), population=fmt.percent(population_share)))


def priority_reach(reach, areas: list[dict]) -> str | None:
    """reach: the selection's reach per 1,000 of the age band (None when masked); areas as lowest_reach."""
    if reach is None:
        return None
    shown = [a for a in areas if a["reach_per_1000"] is not None]
    if areas and len(shown) == len(areas) and len(areas) > 1:
        lowest = min(shown, key=lambda a: a["reach_per_1000"])
        return _plain(T["f_priority_reach"].format(reach=fmt.decimal(reach, 2), name=lowest["name"],
                                                   lowest=fmt.decimal(lowest["reach_per_1000"], 2)))
    return _plain(T["f_priority_reach_only"].format(reach=fmt.decimal(reach, 2)))


def priority_sessions(sessions, share, before) -> str | None:
    text = _count(sessions)
    if text is None or share is None:
        return None
    change = None if privacy.change_hidden(sessions, before) else _change_pct(sessions, before)
    if change is None or round(change, 1) == 0:
        return _plain(T["f_priority_sessions_plain"].format(sessions=text, share=fmt.percent(share)))
    return _plain(T["f_priority_sessions"].format(sessions=text, share=fmt.percent(share),
                                                  direction=T["up"] if change > 0 else T["down"],
                                                  change=fmt.percent(abs(change))))


def budget_usage(network: str, usage_pct, day) -> str | None:
    if usage_pct is None:
        return None
    return _plain(T["f_budget_usage"].format(network=network, usage=fmt.percent(usage_pct), day=fmt.day(day)))


def budget_projection(network: str, projected_eur, envelope_eur, flag: str | None) -> str | None:
    if projected_eur is None or not envelope_eur:
        return None
    pct = 100.0 * float(projected_eur) / float(envelope_eur)
    words = {"low": T["f_budget_low"], "high": T["f_budget_high"]}.get(flag or "", "")
    return _plain(T["f_budget_projection"].format(network=network, projected=fmt.percent(pct),
                                                  amount=fmt.euros(projected_eur), envelope=fmt.euros(envelope_eur),
                                                  flag=words))
