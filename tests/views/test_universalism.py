"""The universalism view (financial access, pathways, supply, co-payment check) and the network view (Vie
du réseau), headless on the tiny fixture, and their chart builders. The figures are worked out by hand in
tests/queries/expected.py; here: the view names groups in French, keys its breakdown tables so that the
small-count rule knows every sum, and publishes what the declarations say."""

from datetime import date

import pytest

from psynam import privacy
from psynam.charts import access as access_charts, network as network_charts
from psynam.charts.reading import reading
from psynam.filters import Filters
from psynam.views.access import Universalism
from psynam.views.network import Network
from tests.queries.expected import ACCESS_2024, NETWORK_2024, PATHWAYS_2024

Y2024 = Filters(date(2024, 1, 1), date(2024, 12, 31))


@pytest.fixture
def view(source) -> Universalism:
    return Universalism(source, Y2024)


@pytest.fixture
def network(source) -> Network:
    return Network(source, Y2024)


def test_access_rows_are_the_querys_named_in_french(view):
    rows = {(r["breakdown"], r["group_key"]): r for r in view.access.frame.iter_rows(named=True)}
    assert set(rows) == set(ACCESS_2024)
    for key, (patients, bim, _) in ACCESS_2024.items():
        assert (rows[key]["patients"], rows[key]["bim_patients"]) == (patients, bim)
    assert rows[("all", "all")]["group_label"] == "Ensemble"
    assert rows[("zone", "south")]["group_label"].startswith("Sud")
    assert rows[("arrondissement", "Dinant")]["group_label"] == "Arr. de Dinant"
    assert rows[("arrondissement", "Dinant")]["of_zone"] == "zone:south"
    assert rows[("network", "RSN")]["of_all_by_network"] == "all:all"


def test_every_figure_of_the_tiny_fixture_rests_on_few_people_and_is_hidden_when_published(view):
    overall = view.overall
    assert overall.value("patients") == 5 and overall.value("bim_patients") == 1
    published = overall.published()
    assert published.mark("bim_patients", 0) in (privacy.primary_mark(), privacy.SECONDARY)
    assert published.mark("bim_patients_pct", 0) is not None  # a share of a hidden count
    assert view.rests_on_few(overall)


def test_the_south_beside_the_north(view):
    assert [r["group_key"] for r in view.south_north.frame.iter_rows(named=True)] == ["north", "south"]


def test_pathways_and_the_median_wait_hidden_with_the_few_it_is_over(view):
    row = view.pathways_overall.row()
    for name, value in PATHWAYS_2024[("all", "all")].items():
        assert row[name] == value, name
    published = view.pathways_overall.published()
    assert published.mark("median_days_first_to_second", 0) is not None  # over 3 new patients seen twice
    months = view.new_by_month.frame
    assert int(months["new_patients"].sum()) >= 4 and set(months["network"]) <= {"RSN", "RSK"}


def test_bim_by_month_with_one_network_has_no_all_rows(source):
    rsn = Universalism(source, Filters(date(2024, 1, 1), date(2024, 12, 31), networks=("RSN",)))
    assert set(rsn.access_by_month.frame["network"]) == {"RSN"}
    assert "all" in set(Universalism(source, Y2024).access_by_month.frame["network"])


def test_supply_and_copayment_are_named(view):
    assert view.province_supply.value("area_label") == "Province"
    assert view.supply_areas.frame.height >= 6
    assert view.copayment.frame["rule_label"].null_count() == 0
    assert "séances contrôlées" in view.copayment_summary()


def test_network_view(network):
    kpis = network.kpis.row()
    for name, value in NETWORK_2024.items():
        assert kpis[name] == value, name
    assert network.meetings.frame.height == NETWORK_2024["activities"]
    assert "activity_id" not in [c.name for c in network.meetings.columns()]  # the id never leaves
    assert all(label for label in network.by_type.frame["type_label"])
    assert "En ligne" in network.meetings.frame["place_label"].to_list()
    assert not network.kpis.published().any_hidden  # meetings and organisations: nothing to hide


def test_chart_builders_draw_published_tables(view, network):
    for figure in (access_charts.bim_by_group(view.access_by("zone").published()),
                   access_charts.bim_by_month(view.access_by_month.published()),
                   access_charts.new_by_month(view.new_by_month.published()),
                   access_charts.wait_by_group(view.pathways_by("network").published()),
                   access_charts.supply_by_area(view.supply_areas.published()),
                   network_charts.activities_by_month(network.by_month.published()),
                   network_charts.activities_by_type(network.by_type.published()),
                   network_charts.sectors(network.sectors.published()),
                   network_charts.places(network.hosting_places.published())):
        assert figure.data
    hidden = access_charts.bim_by_group(view.access_by("network").published())
    texts = [t for trace in hidden.data for t in (trace.text or ()) if t]
    assert any(str(t).startswith(("<", "masqué")) for t in texts)  # a mark, never a bar


def test_a_share_of_no_one_is_written_not_left_as_an_empty_row(view):
    """Tiny 2024 has no patient without a commune: that zone's share is undefined, not 0 % and not hidden."""
    figure = access_charts.bim_by_group(view.access_by("zone").exact())
    bars, written = figure.data
    assert dict(zip(bars.y, bars.x))["Commune inconnue"] is None  # no bar, and nothing the reading takes as 0
    assert dict(zip(written.y, written.text)) == {"Commune inconnue": "aucun patient"}
    assert "Commune inconnue" not in reading(figure)
    published = access_charts.bim_by_group(view.access_by("zone").published()).data
    marks = {n: t for trace in published[1:] for n, t in zip(trace.y, trace.text)}
    assert marks["Commune inconnue"] == "masqué"  # in public, the rule's mark wins over the word


@pytest.mark.parametrize("filters", [
    Y2024, Filters(date(2024, 8, 1), date(2024, 8, 1)),  # a day of a group session alone
    Filters(date(2022, 1, 1), date(2022, 12, 31)),  # before the data
    Filters(date(2024, 1, 1), date(2024, 12, 31), formats=("groupe",)),
    Filters(date(2024, 1, 1), date(2024, 12, 31), networks=("RSK",)),
    Filters(date(2024, 1, 1), date(2024, 12, 31), communes=("93056",)),
    Filters(date(2024, 1, 1), date(2024, 12, 31), settings=("partenaire",), networks=("RSN",)),
], ids=["2024", "group-day", "before", "groups", "rsk", "philippeville", "rsn-partner"])
def test_has_patients_says_what_the_access_table_counts(source, filters):
    """The page's opening test reads filters/has_patients, not the access table: both must agree."""
    view = Universalism(source, filters)
    assert view.has_patients == (view.overall.value("patients") > 0)
