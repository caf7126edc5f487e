"""What the parts of the simulation share while one batch is simulated.

Each domain of the shop (customers, products, stock, orders, payments, carts, reviews) is a
small class given the one :class:`Batch` of the run: the shop's lasting state, the feed files,
the random streams, the id counters, and the calendar of events scheduled for later days. All
randomness of a batch comes from ``Batch.rng`` (seeded from the seed and the batch's first
day), except the versions of products and customers, which draw from ``Batch.versions_rng`` so
that the orders, stock and payments of a batch are what they would be without them. The order
of the draws decides the output: moving a draw changes every file after it.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from bisect import bisect_right
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from storefront.simulate import catalog as cat
from storefront.simulate.feeds import DAY, FEEDS, DayText, Writers, times_of_day
from storefront.simulate.state import Shop

# Event kinds, in the order same-second events run (saved in the state: never renumber).
(RECEIPT, RETURN, ADJUST, CAPTURE, REVIEW, SIGNUP, CART_OPEN, CART_ABANDONED,
 CUSTOMER_CHANGE) = range(9)

Draw = Callable[[], int]
Event = list[Any]  # [second of the day, sequence number, kind, payload]


def drawer(weights: Iterable[float], rnd: Callable[[], float]) -> Draw:
    """A categorical draw from fixed weights: each call returns the index of a drawn item."""
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]

    def draw() -> int:
        return bisect_right(cumulative, rnd() * total)

    return draw


def product_weights() -> list[list[float]]:
    """Per gender (as in ``cat.GENDERS``), how often shoppers pick each product: its
    popularity, tilted by that gender's taste for its category."""
    return [[p.popularity * cat.GENDER_CATEGORY_TILT[gender][p.category] for p in cat.PRODUCTS]
            for gender, _ in cat.GENDERS]


class Batch:
    """The state one batch shares: shop, files, random streams, ids, scheduled events."""

    def __init__(self, shop: Shop, folder: Path) -> None:
        self.shop = shop
        self.first_batch = shop.next_day == shop.origin
        self.out = Writers(folder, list(FEEDS))
        self.rng = random.Random(f"{shop.seed}/{shop.next_day.isoformat()}")
        self.versions_rng = random.Random(f"{shop.seed}/versions/{shop.next_day.isoformat()}")
        self.ids = {name: itertools.count(value) for name, value in shop.next_ids.items()}
        self.times = times_of_day()
        self.day_text = DayText()
        self.weights: dict[int, float] = {}
        self.hour_draw = drawer(cat.HOUR_WEIGHTS, self.rng.random)
        # the product a shopper picks (for an order or a cart), per gender
        self.product_draw = [drawer(weights, self.rng.random) for weights in product_weights()]

    def ts(self, abs_sec: int) -> str:
        """``YYYY-MM-DD HH:MM:SS`` of a time in seconds since 0001-01-01."""
        return f"{self.day_text[abs_sec // DAY]} {self.times[abs_sec % DAY]}"

    def weight(self, ordinal: int) -> float:
        """The expected business of a day (see ``cat.day_weight``), remembered."""
        value = self.weights.get(ordinal)
        if value is None:
            value = self.weights[ordinal] = cat.day_weight(dt.date.fromordinal(ordinal),
                                                           self.shop.origin)
        return value

    def time_of_day(self) -> int:
        """A second of the day, drawn from the shop's hourly traffic."""
        sec = self.hour_draw() * 3600 + int(self.rng.random() * 3600)
        return sec or 1

    def add_event(self, events: list[Event], sec: int, kind: int, payload: Any) -> None:
        """Add an event at ``sec`` to a day's ``events``, after those already added."""
        self.shop.seq += 1
        events.append([sec, self.shop.seq, kind, payload])

    def schedule(self, day: int, sec: int, kind: int, payload: list[Any]) -> None:
        """Schedule an event for a later day (kept in the state until that day runs)."""
        self.add_event(self.shop.calendar.setdefault(day, []), sec, kind, payload)
