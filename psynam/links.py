"""How a shared link carries the period and the comparison, read without Streamlit: the filter bar
(psynam/ui.py) and the presentation mode (psynam/present.py) both read them here, so a link means the
same thing everywhere, and every way a link can be wrong gives a French notice instead of an exception.

The period in a link (README, "Filters live in the URL"):
- `?periode=2025-01-01&periode=2025-12-31`: from the first to the second date, both included;
- `?periode=2025-05-16`: that one day. Streamlit removes repeated values of a query parameter, so the link
  of a single day, `?periode=2025-05-16&periode=2025-05-16` (what the picker writes), reaches the app as
  this one-date form; both mean the day, and so does a one-date value of the picker itself;
- no `periode`: the default period (the data's last twelve whole months);
- reversed dates are read in order, with a notice; an impossible date (`2025-02-30`), more than two dates
  or a date outside 01/01/2000-31/12/2099 give a notice and the default period;
- a period outside the data (before 01/09/2021, after the last data day, after today) opens as asked,
  with a notice saying what is missing.
The comparison: `?comparaison=Un+an+avant` (the label shown in the sidebar, as Streamlit writes every bound
filter); absent = the previous period; an unknown value gives a notice and the previous period.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Sequence

from psynam import formatting as fmt, labels
from psynam.filters import COMPARISONS, PREVIOUS, programme_start

# The dates a link may carry: wide enough for any period a committee asks about, narrow enough for the
# date picker and date arithmetic (a year after 9999 does not exist).
LINK_MIN, LINK_MAX = date(2000, 1, 1), date(2099, 12, 31)
PERIOD_KEY, COMPARISON_KEY = "periode", "comparaison"
T = labels.LINKS


@dataclass(frozen=True)
class LinkPeriod:
    """What a link's `periode` values ask for: the period read (None: use the default) and the notices."""

    period: tuple[date, date] | None
    notices: tuple[str, ...] = ()


def parse_day(text: str) -> date | None:
    """An ISO date (`2025-05-16`, or `2025/05/16` as Streamlit also reads), or None."""
    for pattern in ("%Y-%m-%d", "%Y/%m/%d"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def read_period(values: Sequence[str]) -> LinkPeriod:
    """The `periode` values of a link (st.query_params.get_all), as written or after Streamlit's clean-up."""
    values = [v for v in values if v.strip()]
    if not values:
        return LinkPeriod(None)
    if len(values) > 2:
        return LinkPeriod(None, (T["too_many_dates"].format(n=len(values)),))
    days = [parse_day(v) for v in values]
    bad = [v for v, d in zip(values, days) if d is None]
    if bad:
        return LinkPeriod(None, (T["impossible_date"].format(value=bad[0]),))
    outside = [d for d in days if not LINK_MIN <= d <= LINK_MAX]
    if outside:
        return LinkPeriod(None, (T["date_out_of_range"].format(
            day=fmt.day(outside[0]), min=fmt.day(LINK_MIN), max=fmt.day(LINK_MAX)),))
    return period_of(days)


def period_of(value) -> LinkPeriod:
    """The period a date picker value stands for: (start, end) as it is; one date (a one-day link, or the
    picker between its two clicks) is that day; reversed dates are put in order, with a notice; nothing
    or more than two dates: the default (None)."""
    if isinstance(value, date):
        value = (value,)
    days = [d for d in (value or ()) if d is not None]
    if not days or len(days) > 2:
        return LinkPeriod(None, (T["too_many_dates"].format(n=len(days)),) if days else ())
    start, end = days[0], days[-1]
    if start > end:
        return LinkPeriod((end, start), (T["reversed"].format(date_from=fmt.day(end), date_to=fmt.day(start)),))
    return LinkPeriod((start, end))


def outside_data(date_from: date, date_to: date, *, last: date | None, today: date) -> tuple[str, ...]:
    """Notices for a period that reaches where there are no data: before the programme, after the last
    data day, after today."""
    start = programme_start()
    notices = []
    if date_to < start:
        notices.append(T["before_programme_all"].format(start=fmt.day(start)))
    elif date_from < start:
        notices.append(T["before_programme"].format(start=fmt.day(start)))
    if last is not None and date_from > last:
        notices.append(T["after_data_all"].format(last=fmt.day(last)))
    elif last is not None and date_to > last:
        notices.append(T["after_data"].format(last=fmt.day(last)))
    if date_to > today:
        notices.append(T["future"].format(today=fmt.day(today)))
    return tuple(notices)


def comparison_labels() -> dict[str, str]:
    """Comparison mode -> the French label shown in the sidebar and written in the link."""
    return {mode: labels.FILTERS[f"comparison_{mode}"] for mode in COMPARISONS}


def read_comparison(values: Iterable[str]) -> tuple[str, tuple[str, ...]]:
    """The comparison mode of a link's `comparaison` values (the sidebar label, exactly: the bound widget
    accepts nothing else), and a notice for an unknown value."""
    values = [v for v in values if v.strip()]
    if not values:
        return PREVIOUS, ()
    by_label = {label: mode for mode, label in comparison_labels().items()}
    if values[-1] not in by_label:
        return PREVIOUS, (T["unknown_comparison"].format(value=values[-1], default=comparison_labels()[PREVIOUS]),)
    return by_label[values[-1]], ()
