"""Products: the products feed, and the price reviews that make new versions of products.

The first batch writes the whole catalog (:mod:`storefront.simulate.catalog`), each product
effective from its launch at midnight. In a continuation batch a price review runs at midnight
every third Monday: a few products get a new list price (mostly a rise, sometimes a markdown;
x.99 prices stay x.99) and maybe a new unit cost, and that day's orders use the new price. A
batch writes at most one version per product; the reviews draw from the versions stream.
"""

from __future__ import annotations

import datetime as dt

from storefront.simulate import catalog as cat
from storefront.simulate.batch import Batch
from storefront.simulate.feeds import money

# Price reviews every PRICE_REVIEW_WEEKS weeks on a Monday, changing PRICE_CHANGES products.
PRICE_REVIEW_WEEKS = 3
PRICE_CHANGES = (2, 4)  # range
PRICE_RISE = (0.75, 3, 10)  # chance a change is a rise, and its range in percent
PRICE_CUT = (5, 15)  # a markdown otherwise, percent
COST_CHANGE = (0.5, 2, 8)  # chance the unit cost moves too, and its rise in percent


class Products:
    """The catalog's versions in a batch: written at opening, and after price reviews."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.shop = batch.shop
        self.versioned: set[int] = set()  # products given a version in this batch
        self.written = 0  # rows written to products.csv

    def launched(self, index: int) -> dt.date:
        """The day product ``index`` was launched (before the shop's first day)."""
        return self.shop.origin - dt.timedelta(days=120 + (index * 97) % 1400)

    def write_catalog(self) -> None:
        """First batch: every product, effective from its launch."""
        for index in range(len(cat.PRODUCTS)):
            self.write(index, f"{self.launched(index).isoformat()} 00:00:00")

    def write(self, index: int, updated: str) -> None:
        """A version of a product at its current price and cost, effective at ``updated``."""
        p, (list_cents, cost_cents) = cat.PRODUCTS[index], self.shop.prices[index]
        self.batch.out.files["products.csv"].write(
            f"{index + 1},{cat.CATEGORY_CODES[p.category]}-{index + 1:04d},{p.name},"
            f"{p.category},{money(list_cents)},{money(cost_cents)},{p.supplier},"
            f"{self.launched(index).isoformat()},true,{updated}\n")
        self.versioned.add(index)
        self.written += 1

    def review_prices(self, today: int) -> list[int]:
        """The price review of day ``today`` if it has one; returns the products repriced."""
        date = dt.date.fromordinal(today)
        if date.weekday() != 0 or (today // 7) % PRICE_REVIEW_WEEKS != 0:
            return []
        rng, repriced = self.batch.versions_rng, []
        count = rng.randint(*PRICE_CHANGES)
        for index in sorted(rng.sample(range(len(cat.PRODUCTS)), count)):
            if index in self.versioned:
                continue  # one version per product in a batch
            list_cents, cost_cents = self.shop.prices[index]
            rise, low, high = PRICE_RISE
            if rng.random() < rise:
                factor = 100 + rng.randint(low, high)
            else:
                factor = 100 - rng.randint(*PRICE_CUT)
            new_list = (list_cents * factor + 5000) // 10000 * 100  # whole units
            if list_cents % 100 == 99:
                new_list -= 1
            chance, low, high = COST_CHANGE
            new_cost = cost_cents
            if rng.random() < chance:
                new_cost = (cost_cents * (100 + rng.randint(low, high)) + 500) // 1000 * 10
            if new_list == list_cents or not 0 < new_cost < new_list:
                continue
            self.shop.prices[index] = [new_list, new_cost]
            self.write(index, f"{self.batch.day_text[today]} 00:00:00")
            repriced.append(index)
        return repriced
