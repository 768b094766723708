"""The filter value object and the default period."""

from datetime import date, timedelta

import pytest
from hypothesis import given, strategies as st

from psynam.filters import Filters
from psynam.ui import _default_period


@pytest.mark.parametrize("last,expected", [
    (date(2026, 10, 31), (date(2025, 11, 1), date(2026, 10, 31))),   # complete last month
    (date(2026, 10, 5), (date(2025, 10, 1), date(2026, 9, 30))),     # partial month left out
    (date(2024, 12, 31), (date(2024, 1, 1), date(2024, 12, 31))),
    (date(2024, 3, 1), (date(2023, 3, 1), date(2024, 2, 29))),
])
def test_default_period_is_twelve_whole_months(last, expected):
    assert _default_period(last) == expected


@pytest.mark.parametrize("first,last,expected", [
    (date(2021, 9, 1), date(2022, 3, 31), (date(2021, 9, 1), date(2022, 3, 31))),    # not before 01/09/2021
    (date(2021, 9, 1), date(2022, 3, 15), (date(2021, 9, 1), date(2022, 2, 28))),
    (date(2021, 9, 10), date(2021, 9, 20), (date(2021, 9, 10), date(2021, 9, 20))),  # no whole month yet
    (None, date(2021, 9, 20), (date(2021, 9, 1), date(2021, 9, 20))),
    (date(2020, 1, 1), date(2021, 9, 20), (date(2021, 9, 1), date(2021, 9, 20))),   # older rows: from the start
])
def test_default_period_never_starts_before_the_programme_nor_ends_before_it_starts(first, last, expected):
    assert _default_period(last, first) == expected


def test_filters_normalise_and_bind_empty_lists_as_null():
    f = Filters(date(2024, 1, 1), date(2024, 1, 31), networks=["RSN", "RSN"], communes=[])
    assert f.networks == ("RSN",)
    assert f.params()["communes"] is None
    assert f.params("date_from", "networks") == {"date_from": date(2024, 1, 1), "networks": ["RSN"]}


def test_a_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError):
        Filters(date(2024, 2, 1), date(2024, 1, 31))


# ---- the comparison rule (docs/indicators.md, "comparison period") -----------------------------------

D = date


@pytest.mark.parametrize("period,previous,year_before", [
    # a calendar year -> the previous calendar year (not 31/12/2022-31/12/2023, the rule in days)
    ((D(2024, 1, 1), D(2024, 12, 31)), (D(2023, 1, 1), D(2023, 12, 31)), (D(2023, 1, 1), D(2023, 12, 31))),
    # a quarter -> the previous quarter, across a year end
    ((D(2025, 1, 1), D(2025, 3, 31)), (D(2024, 10, 1), D(2024, 12, 31)), (D(2024, 1, 1), D(2024, 3, 31))),
    ((D(2025, 4, 1), D(2025, 6, 30)), (D(2025, 1, 1), D(2025, 3, 31)), (D(2024, 4, 1), D(2024, 6, 30))),
    # a month -> the previous month (October: September, not 31/08-30/09)
    ((D(2024, 10, 1), D(2024, 10, 31)), (D(2024, 9, 1), D(2024, 9, 30)), (D(2023, 10, 1), D(2023, 10, 31))),
    ((D(2024, 3, 1), D(2024, 3, 31)), (D(2024, 2, 1), D(2024, 2, 29)), (D(2023, 3, 1), D(2023, 3, 31))),
    ((D(2025, 2, 1), D(2025, 2, 28)), (D(2025, 1, 1), D(2025, 1, 31)), (D(2024, 2, 1), D(2024, 2, 29))),
    ((D(2024, 2, 1), D(2024, 2, 29)), (D(2024, 1, 1), D(2024, 1, 31)), (D(2023, 2, 1), D(2023, 2, 28))),
    # whole months in general: the default twelve months, a half-year, two months
    ((D(2025, 11, 1), D(2026, 10, 31)), (D(2024, 11, 1), D(2025, 10, 31)), (D(2024, 11, 1), D(2025, 10, 31))),
    ((D(2025, 7, 1), D(2025, 12, 31)), (D(2025, 1, 1), D(2025, 6, 30)), (D(2024, 7, 1), D(2024, 12, 31))),
    ((D(2025, 2, 1), D(2025, 3, 31)), (D(2024, 12, 1), D(2025, 1, 31)), (D(2024, 2, 1), D(2024, 3, 31))),
    # any other range -> the range of equal length in days just before
    ((D(2025, 3, 16), D(2025, 3, 16)), (D(2025, 3, 15), D(2025, 3, 15)), (D(2024, 3, 16), D(2024, 3, 16))),
    ((D(2025, 3, 25), D(2025, 4, 15)), (D(2025, 3, 3), D(2025, 3, 24)), (D(2024, 3, 25), D(2024, 4, 15))),
    ((D(2024, 1, 15), D(2024, 12, 31)), (D(2023, 1, 28), D(2024, 1, 14)), (D(2023, 1, 15), D(2023, 12, 31))),
    ((D(2024, 2, 29), D(2024, 3, 10)), (D(2024, 2, 18), D(2024, 2, 28)), (D(2023, 2, 28), D(2023, 3, 10))),
])
def test_comparison_periods(period, previous, year_before):
    f = Filters(*period, networks=["RSN"], communes=["92094"])
    for mode, expected in (("previous", previous), ("year_before", year_before)):
        got = f.comparison(mode)
        assert (got.date_from, got.date_to) == expected, mode
        assert (got.networks, got.communes) == (("RSN",), ("92094",))  # the other filters are kept


def test_the_mode_defaults_to_the_filters_own():
    f = Filters(D(2025, 3, 1), D(2025, 3, 31), comparison_mode="year_before")
    assert (f.comparison().date_from, f.comparison().date_to) == (D(2024, 3, 1), D(2024, 3, 31))
    assert f.comparison("previous").date_from == D(2025, 2, 1)
    assert f.comparison().comparison_mode == "year_before"
    assert Filters(D(2025, 3, 1), D(2025, 3, 31)).comparison().date_from == D(2025, 2, 1)
    with pytest.raises(ValueError):
        Filters(D(2025, 3, 1), D(2025, 3, 31), comparison_mode="last_week")
    with pytest.raises(ValueError):
        f.comparison("last_week")


@pytest.mark.parametrize("period,mode", [
    ((D(2021, 9, 1), D(2026, 10, 31)), "previous"),      # the whole programme: nothing before it
    ((D(2021, 9, 1), D(2026, 10, 31)), "year_before"),
    ((D(2022, 1, 1), D(2022, 12, 31)), "previous"),      # 2021 starts before 01/09/2021
    ((D(2022, 8, 31), D(2022, 8, 31)), "year_before"),   # 31/08/2021: the day before the start
    ((D(2021, 10, 1), D(2021, 12, 31)), "previous"),     # the previous quarter is July-September 2021
    ((D(2016, 1, 1), D(2021, 12, 31)), "previous"),      # a period before the programme
    ((D(1, 1, 1), D(1, 1, 2)), "year_before"),           # no overflow at the calendar's start
])
def test_no_comparison_reaches_before_the_programme(period, mode):
    assert Filters(*period).comparison(mode) is None


@pytest.mark.parametrize("period,mode,expected", [
    ((D(2021, 12, 1), D(2021, 12, 31)), "previous", (D(2021, 11, 1), D(2021, 11, 30))),
    ((D(2021, 10, 1), D(2021, 10, 31)), "previous", (D(2021, 9, 1), D(2021, 9, 30))),     # starts on the day
    ((D(2022, 9, 1), D(2022, 12, 31)), "year_before", (D(2021, 9, 1), D(2021, 12, 31))),
    ((D(2021, 9, 2), D(2021, 9, 2)), "previous", (D(2021, 9, 1), D(2021, 9, 1))),
])
def test_a_comparison_starting_on_the_programmes_first_day_exists(period, mode, expected):
    got = Filters(*period).comparison(mode)
    assert (got.date_from, got.date_to) == expected


def test_the_floor_can_be_given():
    f = Filters(D(2022, 1, 1), D(2022, 12, 31))
    assert f.comparison(floor=D(2021, 1, 1)).date_from == D(2021, 1, 1)
    assert Filters(D(2025, 1, 1), D(2025, 12, 31)).comparison(floor=D(2024, 6, 1)) is None


def test_the_programme_starts_on_the_first_milestone():
    from psynam.filters import programme_start
    assert programme_start() == D(2021, 9, 1)


def test_previous_is_kept_for_the_callers_not_yet_switched():
    got = Filters(D(2024, 1, 1), D(2024, 12, 31)).previous()
    assert (got.date_from, got.date_to) == (D(2022, 12, 31), D(2023, 12, 31))  # 366 days before


@given(st.dates(D(2020, 1, 1), D(2030, 12, 31)), st.integers(0, 1500), st.sampled_from(["previous", "year_before"]))
def test_comparison_properties(start, length, mode):
    """Any period: the comparison (when there is one) starts on or after 01/09/2021 and before the period,
    and has the period's length — in whole months for a range of whole months, else in days; "previous"
    ends the day before the period starts; there is none only when it would start before 01/09/2021."""
    from psynam.filters import whole_months
    f = Filters(start, start + timedelta(days=length))
    got = f.comparison(mode)
    reach = (f.date_from - D(2021, 9, 1)).days
    if got is None:
        assert reach < (length + 1 + 3 if mode == "previous" else 366)  # 3: months differ in days
        return
    assert D(2021, 9, 1) <= got.date_from < f.date_from and got.date_to < f.date_to
    months = whole_months(f.date_from, f.date_to)
    if months:
        assert whole_months(got.date_from, got.date_to) == months
    elif mode == "previous":
        assert got.days == f.days
    else:
        assert abs(got.days - f.days) <= 1 and 365 <= (f.date_from - got.date_from).days <= 366
    if mode == "previous":
        assert got.date_to == f.date_from - timedelta(days=1)
