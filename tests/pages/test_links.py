"""A link reopens exactly its view (issue 11): the filter bar on the tiny fixture (data 31/12/2023 -
27/01/2025), opened from query parameters as a browser would send them."""

from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from psynam import ROOT


@pytest.fixture
def open_link(tiny_db, monkeypatch, downloads):
    monkeypatch.setenv("PSYNAM_DB", str(tiny_db))

    def open_at(page: str | None = None, **params):
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        if page:
            at.switch_page(page).run()
        assert not at.exception, [e.message for e in at.exception]
        return at
    return open_at


def period(at) -> tuple[date, date]:
    filters = at.session_state["filters"]
    return filters.date_from, filters.date_to


def notices(at) -> str:
    return " ".join(w.value for w in at.warning)


def test_a_period_comes_back_from_its_link(open_link):
    at = open_link(periode=["2024-03-01", "2024-06-30"])
    assert period(at) == (date(2024, 3, 1), date(2024, 6, 30)) and not at.warning
    assert any("Du 01/03/2024 au 30/06/2024" in c.value for c in at.caption)


@pytest.mark.parametrize("values", [["2024-05-10", "2024-05-10"], ["2024-05-10"]])
def test_a_single_day_comes_back_as_that_day(open_link, values):
    """The picker writes a single day as two equal values; Streamlit keeps one: both are the day
    (before: 10/05/2024 to the last data day)."""
    at = open_link(periode=values)
    assert period(at) == (date(2024, 5, 10), date(2024, 5, 10))
    assert {m.label: m.value for m in at.metric}["Séances"] == "1"   # S03
    assert any("10/05/2024" in i.value for i in at.sidebar.info)     # how to make it a longer period


def test_a_reversed_period_is_read_in_order_with_a_french_notice(open_link):
    at = open_link(periode=["2024-12-31", "2024-01-01"])
    assert period(at) == (date(2024, 1, 1), date(2024, 12, 31))
    assert "inversées" in notices(at)
    assert {m.label: m.value for m in at.metric}["Séances"] == "10"


@pytest.mark.parametrize("values,words", [
    (["2024-02-30", "2024-03-01"], "date impossible"),
    (["2024-01-01", "2024-02-01", "2024-03-01"], "3 dates"),
    (["1990-01-01", "2024-03-01"], "hors des limites"),
])
def test_a_link_that_cannot_be_read_says_so_and_opens_the_default(open_link, values, words):
    at = open_link(periode=values)
    assert period(at) == (date(2024, 1, 1), date(2024, 12, 31))  # the last twelve whole months of data
    assert words in notices(at)


@pytest.mark.parametrize("values,asked,words", [
    (["2016-01-01", "2021-12-31"], (date(2016, 1, 1), date(2021, 12, 31)), ["avant le début du programme"]),
    (["2025-06-01", "2025-06-30"], (date(2025, 6, 1), date(2025, 6, 30)), ["après la dernière donnée"]),
    (["2024-12-01", "2099-12-31"], (date(2024, 12, 1), date(2099, 12, 31)), ["s'arrêtent au 27/01/2025",
                                                                              "dans le futur"]),
])
def test_a_period_outside_the_data_opens_as_asked_with_a_notice(open_link, values, asked, words):
    """Before 01/09/2021, after the data, after today: the picker widens to the link's period instead of
    silently showing the default twelve months."""
    at = open_link(periode=values)
    assert period(at) == asked
    assert at.date_input(key="periode").value == asked
    for w in words:
        assert w in notices(at)


def test_the_period_and_the_comparison_follow_to_another_page(open_link):
    at = open_link("pages/glossary.py", periode=["2024-05-10"], comparaison="Un an avant")
    assert period(at) == (date(2024, 5, 10), date(2024, 5, 10))
    assert at.session_state["filters"].comparison_mode == "year_before"
    assert at.query_params["periode"] in ("2024-05-10", ["2024-05-10"])


def test_the_comparison_choice_is_in_the_filters_and_the_link(open_link):
    at = open_link()
    assert at.session_state["filters"].comparison_mode == "previous"
    assert "comparaison" not in at.query_params                      # the default is not written
    at.radio(key="comparaison").set_value("year_before").run()
    assert at.session_state["filters"].comparison_mode == "year_before"   # the URL: tests/e2e (the browser writes it)
    assert at.radio(key="comparaison").options == ["Période précédente", "Un an avant"]


def test_an_unknown_comparison_in_a_link_says_so(open_link):
    at = open_link(comparaison="annee-precedente")
    assert at.session_state["filters"].comparison_mode == "previous"
    assert "Comparaison inconnue" in notices(at)


def test_the_presentation_reads_the_same_link(open_link):
    at = open_link(present="1", periode=["2024-12-31", "2024-01-01"], comparaison="Un an avant")
    footer = " ".join(m.value for m in at.markdown)
    assert "Du 01/01/2024 au 31/12/2024" in footer
    assert "inversées" in notices(at)
