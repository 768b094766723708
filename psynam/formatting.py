"""Belgian French number and date formats for the interface: `1 234`, `1 234,5 €`, `23,4 %`, `31/12/2024`.

Thousands are separated by a no-break space (U+00A0) so that a figure never wraps inside a card;
`plain()` turns it into an ordinary space where a plain-text export wants one.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

NBSP = "\u00a0"
MISSING = "—"


def _group(number: float, decimals: int) -> str:
    rounded = round(float(number), decimals) + 0.0  # + 0.0 turns -0.0 into 0.0
    return f"{rounded:,.{decimals}f}".replace(",", NBSP).replace(".", ",")


def integer(value) -> str:
    return MISSING if value is None else _group(round(float(value)), 0)


def decimal(value, decimals: int = 1) -> str:
    return MISSING if value is None else _group(float(value), decimals)


def euros(value, decimals: int = 0) -> str:
    return MISSING if value is None else f"{_group(float(value), decimals)}{NBSP}€"


def percent(value, decimals: int = 1) -> str:
    return MISSING if value is None else f"{_group(float(value), decimals)}{NBSP}%"


def day(value: date | datetime | None) -> str:
    return MISSING if value is None else value.strftime("%d/%m/%Y")


def month(value: date | None) -> str:
    return MISSING if value is None else value.strftime("%m/%Y")


def signed(value: float, decimals: int = 1) -> str:
    """`+12,3` / `-4,0` / `0,0`, for deltas."""
    text = _group(float(value), decimals)
    return text if text.startswith("-") or round(float(value), decimals) == 0 else "+" + text


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def as_float(value) -> float | None:
    if value is None:
        return None
    return float(value) if isinstance(value, (Decimal, int, float)) else float(value)


def value(value, kind: str = "text", decimals: int | None = None) -> str:
    """A value as the interface writes it, by its declared kind (psynam.declarations): a mark (`< 5`,
    `masqué`) or any other text is shown as it is; an empty cell is `—`."""
    if isinstance(value, str):
        return value
    if value is None or value != value:  # None, NaN
        return MISSING
    if isinstance(value, bool):
        return "oui" if value else "non"
    if kind == "int":
        return integer(value)
    if kind == "pct":
        return percent(value, 1 if decimals is None else decimals)
    if kind == "eur":
        return euros(value, 0 if decimals is None else decimals)
    if kind in ("decimal", "index"):
        return decimal(value, (2 if kind == "index" else 1) if decimals is None else decimals)
    if kind == "date":
        return day(value)
    if kind == "month":
        return month(value)
    if kind == "year":
        return str(int(value))
    if kind == "change":
        return f"{signed(float(value), 1 if decimals is None else decimals)}{NBSP}%"
    if kind == "points":
        return f"{signed(float(value), 1 if decimals is None else decimals)}{NBSP}pt"
    return str(value)
