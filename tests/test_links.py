"""What a shared link may say about the period and the comparison (psynam/links.py), read without
Streamlit: every form gives a period or the default, and a French notice where the link could not be
shown as it asks — never an exception."""

from datetime import date

import pytest
from hypothesis import given, strategies as st

from psynam import links
from psynam.links import LinkPeriod, outside_data, period_of, read_comparison, read_period

D = date


@pytest.mark.parametrize("values,period", [
    (["2025-01-01", "2025-12-31"], (D(2025, 1, 1), D(2025, 12, 31))),
    (["2025-05-16", "2025-05-16"], (D(2025, 5, 16), D(2025, 5, 16))),     # a single day as the picker writes it
    (["2025-05-16"], (D(2025, 5, 16), D(2025, 5, 16))),                   # ... as Streamlit hands it over
    (["2025/05/16", " 2025-05-20 "], (D(2025, 5, 16), D(2025, 5, 20))),   # Streamlit's other form, spaces
    (["2016-01-01", "2021-12-31"], (D(2016, 1, 1), D(2021, 12, 31))),     # before the programme: as asked
    (["2026-11-01", "2099-12-31"], (D(2026, 11, 1), D(2099, 12, 31))),    # after the data and today: as asked
])
def test_a_link_gives_its_period(values, period):
    assert read_period(values) == LinkPeriod(period)


def test_no_period_in_the_link_is_the_default():
    assert read_period([]) == LinkPeriod(None) == read_period([""])


def test_reversed_dates_are_read_in_order_with_a_notice():
    got = read_period(["2025-12-31", "2025-01-01"])
    assert got.period == (D(2025, 1, 1), D(2025, 12, 31))
    assert got.notices == ("Les dates du lien étaient inversées : période lue du 01/01/2025 au 31/12/2025.",)


@pytest.mark.parametrize("values,words", [
    (["2025-02-30", "2025-03-01"], "date impossible (« 2025-02-30 »)"),
    (["2025-13-01"], "date impossible"),
    (["demain", "2025-03-01"], "date impossible (« demain »)"),
    (["31/12/2025", "2025-03-01"], "date impossible"),
    (["2025-01-01", "2025-02-01", "2025-03-01"], "3 dates"),
    (["1999-12-31", "2025-03-01"], "hors des limites du tableau de bord (31/12/1999"),
    (["2025-01-01", "2100-01-01"], "hors des limites"),
    (["0001-01-01"], "hors des limites"),
])
def test_a_link_that_cannot_be_read_gives_the_default_and_says_why(values, words):
    got = read_period(values)
    assert got.period is None
    assert len(got.notices) == 1 and words in got.notices[0] and "période par défaut" in got.notices[0]


@pytest.mark.parametrize("value,period", [
    ((D(2025, 1, 1), D(2025, 3, 31)), (D(2025, 1, 1), D(2025, 3, 31))),
    ((D(2025, 5, 16),), (D(2025, 5, 16), D(2025, 5, 16))),   # one date: that day
    (D(2025, 5, 16), (D(2025, 5, 16), D(2025, 5, 16))),
    ((), None), (None, None),
])
def test_a_picker_value_gives_its_period(value, period):
    assert period_of(value).period == period


@pytest.mark.parametrize("period,words", [
    ((D(2025, 1, 1), D(2025, 12, 31)), []),
    ((D(2021, 9, 1), D(2026, 10, 31)), []),                                  # the whole programme
    ((D(2021, 8, 31), D(2021, 9, 30)), ["avant le début du programme (01/09/2021)"]),
    ((D(2016, 1, 1), D(2021, 8, 31)), ["Toute la période précède le début du programme"]),
    ((D(2026, 10, 1), D(2026, 11, 30)), ["Les données s'arrêtent au 31/10/2026"]),
    ((D(2026, 11, 1), D(2026, 11, 30)), ["commence après la dernière donnée importée (31/10/2026)"]),
    ((D(2026, 11, 1), D(2027, 1, 31)), ["commence après la dernière donnée", "dans le futur (nous sommes le 02/12/2026)"]),
])
def test_a_period_reaching_outside_the_data_is_said(period, words):
    got = outside_data(*period, last=D(2026, 10, 31), today=D(2026, 12, 2))
    assert len(got) == len(words) and all(w in n for w, n in zip(words, got))


@pytest.mark.parametrize("values,mode,notice", [
    ([], "previous", False),
    (["Un an avant"], "year_before", False),
    (["Période précédente"], "previous", False),
    (["annee-precedente"], "previous", True),
    (["year_before"], "previous", True),       # the code is not the label the widget accepts
])
def test_the_comparison_in_a_link(values, mode, notice):
    got_mode, notices = read_comparison(values)
    assert got_mode == mode and bool(notices) == notice
    if notice:
        assert f"« {values[0]} »" in notices[0]


@given(st.lists(st.one_of(st.text(max_size=12), st.dates().map(date.isoformat)), max_size=4))
def test_any_link_value_gives_a_period_or_the_default(values):
    got = read_period(values)
    if got.period is not None:
        assert links.LINK_MIN <= got.period[0] <= got.period[1] <= links.LINK_MAX
    else:
        assert got.notices or not [v for v in values if v.strip()]
