"""The report's universalism and network-life sections: financial access (BIM share, south beside north),
pathways (new patients, single sessions, the wait from first to second session), supply of psychologists,
the co-payment check and the network's own activities — from the Universalism and Network views, published
as the pages publish them, with findings in French computed from published cells only (a hidden cell
gives no sentence)."""

from __future__ import annotations

from psynam import formatting as fmt, labels, privacy, views
from psynam.charts import access as access_charts, network as network_charts
from psynam.filters import Filters
from psynam.labels.access import TEXT as A
from psynam.labels.network import TEXT as N
from psynam.report.model import ReportChart, Section, keep
from psynam.views.access import Universalism
from psynam.views.network import Network


def _cell(result, name: str):
    """A published cell of a result's first row shown (None when hidden or absent)."""
    table = result.published()
    return table.frame[name][0] if table.frame.height else None


def _count(value) -> str | None:
    return None if value is None or privacy.is_small(value) else fmt.integer(value)


def bim_finding(patients, bim, pct) -> str | None:
    if pct is None or _count(bim) is None or _count(patients) is None:
        return None
    return A["finding_bim"].format(bim=fmt.integer(bim), patients=fmt.integer(patients), pct=fmt.percent(pct))


def south_north_finding(south, north) -> str | None:
    if south is None or north is None:
        return None
    word = A["lower"] if south < north - 1 else (A["higher"] if south > north + 1 else A["similar"])
    return A["finding_south_north"].format(south=fmt.percent(south), north=fmt.percent(north), word=word)


def pathways_findings(row: dict) -> tuple[str, ...]:
    new, single = row.get("new_patients"), row.get("single_session_patients_pct")
    median, long_pct = row.get("median_days_first_to_second"), row.get("over_long_wait_pct")
    return keep(
        A["finding_new"].format(new=fmt.integer(new), patients=fmt.integer(row["patients"]))
        if _count(new) and _count(row.get("patients")) else None,
        A["finding_single"].format(pct=fmt.percent(single)) if single is not None else None,
        A["finding_wait"].format(days=fmt.decimal(median, 0), long=fmt.percent(long_pct))
        if median is not None and long_pct is not None else None)


def supply_finding(row: dict, without: int) -> str | None:
    rate = row.get("active_per_10000")
    if rate is None:
        return None
    return A["finding_supply"].format(rate=fmt.decimal(rate, 2), without=fmt.integer(without))


def access_section(source: views.Source, filters: Filters, comparison: Filters | None, threshold: int) -> Section:
    """Financial access, pathways, supply and the co-payment check (the Universalisme page)."""
    view = Universalism(source, filters, threshold, comparison)
    overall = view.overall.published()
    row = overall.frame.row(0, named=True) if overall.frame.height else {}
    zones = view.south_north.published()
    share = {k: v for k, v in zip(zones.frame["group_key"], zones.frame["bim_patients_pct"])}
    access = keep(bim_finding(row.get("patients"), row.get("bim_patients"), row.get("bim_patients_pct")),
                  south_north_finding(share.get("south"), share.get("north")))
    path_table = view.pathways_overall.published()
    paths = pathways_findings(path_table.frame.row(0, named=True)) if path_table.frame.height else ()
    supply_table = view.province_supply.published()
    supply = keep(supply_finding(supply_table.frame.row(0, named=True), view.communes_without.frame.height)
                  if supply_table.frame.height else None)
    charts = (
        ReportChart("report_bim_zone", view.access_by("zone"), access_charts.bim_by_group, access),
        ReportChart("report_wait_network", view.pathways_by("network").titled(
            A["wait_by"].format(breakdown=A["network"].lower()), labels.definition("median_days_first_to_second")),
            access_charts.wait_by_group, paths),
        ReportChart("report_supply", view.supply_areas, access_charts.supply_by_area, supply),
    )
    return Section("universalism", A["section"], access + paths + supply, charts)


def network_section(source: views.Source, filters: Filters, comparison: Filters | None, threshold: int) -> Section:
    """The network's own activities (the Vie du réseau page): nothing in it counts people."""
    view = Network(source, filters, threshold, comparison)
    k = view.kpis.row() if not view.kpis.is_empty else {}
    sentences = keep(
        N["finding_activities"].format(activities=fmt.integer(k["activities"]), participants=fmt.integer(k["participants"]),
                                       partners=fmt.integer(k["partners_represented"]),
                                       sectors=fmt.integer(k["sectors_represented"]))
        if k.get("activities") else None,
        N["finding_never_seen"].format(never=fmt.integer(k["partners_never_seen"]),
                                       registered=fmt.integer(k["registered_partners"]))
        if k.get("registered_partners") else None)
    charts = (ReportChart("report_network_types", view.by_type.titled(N["by_type"], labels.definition("network_activities")),
                          network_charts.activities_by_type, sentences),)
    return Section("network", N["section"], sentences, charts)
