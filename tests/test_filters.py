"""The filter value object and the default period."""

from datetime import date

import pytest

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


def test_filters_normalise_and_bind_empty_lists_as_null():
    f = Filters(date(2024, 1, 1), date(2024, 1, 31), networks=["RSN", "RSN"], communes=[])
    assert f.networks == ("RSN",)
    assert f.params()["communes"] is None
    assert f.params("date_from", "networks") == {"date_from": date(2024, 1, 1), "networks": ["RSN"]}


def test_a_period_must_not_end_before_it_starts():
    with pytest.raises(ValueError):
        Filters(date(2024, 2, 1), date(2024, 1, 31))
