"""Figures as text, from the exact values the marts give (``Decimal``): money with a currency
sign, thousands separators and cents; counts; fractions as percentages. Half away from zero,
as PostgreSQL's round()."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CURRENCY = "$"
NONE = "–"


def money(value: Decimal | int | None) -> str:
    """``$1,234,567.89``; ``-$12.50``; ``–`` for none."""
    if value is None:
        return NONE
    exact = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    sign = "-" if exact < 0 else ""
    return f"{sign}{CURRENCY}{abs(exact):,.2f}"


def count(value: int | Decimal | None) -> str:
    """``1,234``; ``–`` for none."""
    return NONE if value is None else f"{int(value):,}"


def percent(fraction: Decimal | None, places: int = 1) -> str:
    """A fraction as a percentage: ``0.1234`` -> ``12.3%``; ``-0.05`` -> ``-5.0%``."""
    if fraction is None:
        return NONE
    step = Decimal(1).scaleb(-places)
    return f"{(Decimal(fraction) * 100).quantize(step, rounding=ROUND_HALF_UP)}%"


def signed_percent(fraction: Decimal | None, places: int = 1) -> str:
    """A change as a percentage with its sign: ``+12.3%``, ``-5.0%``."""
    text = percent(fraction, places)
    return text if fraction is None or fraction < 0 else "+" + text


def rating(value: Decimal | None) -> str:
    return NONE if value is None else f"{value:.2f} / 5"
