"""The view layer's core on small frames and on the tiny fixture: parameters bound from the query file,
one publication per result (a part shown is sliced from the whole), shares protecting their rest."""

from datetime import date

import polars as pl
import pytest

from psynam import db, views
from psynam.filters import Filters
from psynam.views.overview import Overview
from tests.queries.expected import YEAR_2024

Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))


def test_source_binds_exactly_the_parameters_a_query_declares(source):
    calls = []
    spy = views.Source(lambda name, **params: calls.append((name, params)) or source.run(name, **params))
    spy.frame("budget/budget_by_year", Y2024)
    assert set(calls[0][1]) == {"date_from", "date_to", "networks"}  # not communes, care levels...
    with pytest.raises(db.QueryParameterError):
        spy.frame("budget/budget_by_year", Y2024, dimension="sector")


def test_overview_view_gives_the_definitions_figures(source):
    view = Overview(source, Y2024)
    for key in ("sessions", "patients", "active_psychologists", "early_childhood_sessions", "elderly_patients"):
        assert view.activity.value(key) == YEAR_2024[key], key
    assert view.partners.value("registered_partners") == YEAR_2024["registered_partners"]
    # capped lines of 2024 to date: (332 + 180 + 249 + 120) / (1000 + 300 + 500 + 200)
    assert round(view.budget.value("usage_pct"), 2) == 44.05
    assert view.comparison == Y2024.comparison() and view.before.filters == Y2024.comparison()


def test_a_part_of_a_result_hides_what_the_whole_hides(source):
    monthly = Overview(source, Y2024).sessions_by_month
    whole = monthly.published()
    part = monthly.where(pl.col("network") == "RSK").sort("month", descending=True)
    shown = part.published()
    for i, row in enumerate(part._indices()["__row"].to_list()):
        for col in ("sessions", "individual_sessions", "group_sessions"):
            assert shown.mark(col, i) == whole.mark(col, row)
    assert part.exact().frame.height == shown.frame.height


def test_a_share_hides_when_its_rest_is_small(source):
    # 2024: 5 of the 9 province sessions are in the south, so the share would give the north's 4 back
    kpis = Overview(source, Y2024).activity
    published = kpis.published()
    assert published.mark("south_sessions_pct", 0) == "masqué"
    assert published.frame["south_sessions"][0] == 5  # the part itself is no small count
    assert "__rest_of_south_sessions_pct" not in published.frame.columns


def test_a_kpi_row_complements_a_small_part_of_a_total(source):
    # 2024: 10 sessions = 8 individual + 2 group; the 2 is small, so the 8 would give it back
    kpis = Overview(source, Y2024).activity.published()
    assert kpis.mark("group_sessions", 0) == "< 5"
    assert kpis.mark("individual_sessions", 0) == "masqué" and kpis.mark("sessions", 0) is None


def test_a_row_that_sums_other_rows_is_protected_with_them():
    from psynam import privacy
    # The south (row) is Dinant + Philippeville; Dinant's 3 is small. Without the parent relation the
    # south's 13 and Philippeville's 10 would give it back.
    frame = pl.DataFrame({"area": ["Dinant", "Philippeville", "south"], "parent": ["south", "south", None],
                          "patients": [3, 10, 13]})
    spec = privacy.Spec(dimensions=("area",), counts=("patients",), parents=(("parent", "area"),),
                        infer_totals=False)
    published = privacy.suppress(frame, spec)
    assert published.mark("patients", 0) == "< 5"
    assert published.mark("patients", 1) or published.mark("patients", 2)
    values, rels, _ = privacy.relations(frame, spec, 5)
    status = [1 if m == "< 5" else 2 if m else 0 for m in published.column_marks("patients")]
    import numpy as np
    assert not privacy.recomputable(values, np.array(status), rels, 5)


def test_a_network_is_hidden_when_all_minus_the_other_network_would_give_it(source):
    # 2024: 10 sessions, 6 RSN, 4 RSK. Publishing RSN's 6 beside "all" 10 would give RSK's 4 back.
    from dataclasses import replace
    shown = {}
    for networks in ((), ("RSN",), ("RSK",)):
        kpis = Overview(source, replace(Y2024, networks=networks)).activity.published()
        shown[networks] = kpis.cell("sessions", 0)
    assert shown[("RSK",)] == "< 5"
    assert shown[()] == 10 and shown[("RSN",)] == "masqué"


def test_a_table_split_by_network_is_published_as_one_with_its_filtered_views(source):
    from dataclasses import replace
    whole = Overview(source, Y2024).sessions_by_month.published()
    rsn = Overview(source, replace(Y2024, networks=("RSN",))).sessions_by_month
    part = rsn.published()
    months = dict(zip(zip(whole.frame["month"], whole.frame["network"]), range(whole.frame.height)))
    for i, (month, network) in enumerate(zip(part.frame["month"], part.frame["network"])):
        assert part.mark("sessions", i) == whole.mark("sessions", months[(month, network)])


def test_a_series_does_not_give_back_a_total_its_card_hides(source):
    """The months of RSN's series add up to RSN's sessions card; when the card hides it (the 4 of RSK
    beside the 10 of both networks), the series must not publish every month of RSN."""
    from dataclasses import replace
    card = Overview(source, replace(Y2024, networks=("RSN",))).activity.published()
    assert card.mark("sessions", 0) == "masqué"
    series = Overview(source, Y2024).sessions_by_month.published()
    rsn = [i for i, n in enumerate(series.frame["network"].to_list()) if n == "RSN"]
    assert any(series.mark("sessions", i) for i in rsn)
