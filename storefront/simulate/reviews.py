"""Reviews: who reviews what they bought, when, and the reviews feed.

A buyer may review each product of an order (more often when the order was refunded), once per
product, a few weeks after delivery. The rating follows the order's fate, and the title and
body are made from the catalog's templates for that rating.
"""

from __future__ import annotations

import csv

from storefront.simulate import catalog as cat
from storefront.simulate.batch import REVIEW, Batch, drawer
from storefront.simulate.feeds import DAY

REVIEW_CHANCE = {"ordinary": 0.07, "refunded": 0.30}


class Reviews:
    """The reviews of a batch: scheduled when an order is placed, written when they are due."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.shop = batch.shop
        self.rng, self.ts, self.review_ids = batch.rng, batch.ts, batch.ids["review"]
        self.writer = csv.writer(batch.out.files["reviews.csv"], lineterminator="\n")
        self.rating_draw = {kind: drawer(w, batch.rng.random)
                            for kind, w in cat.RATING_WEIGHTS.items()}

    def plan(self, customer: int, order: int, lines: list[tuple[int, int, int]],
             delivered: int, refunded: bool) -> None:
        """Schedule the reviews of an order's ``lines`` (product, quantity, discount)."""
        rnd, reviewed = self.rng.random, self.shop.reviewed
        kind = "refunded" if refunded else "ordinary"
        chance = REVIEW_CHANCE[kind]
        for product, _, _ in lines:
            if rnd() < chance:
                key = customer * 64 + product
                if key in reviewed:
                    continue
                reviewed.add(key)
                at = delivered + (1 + int(rnd() * 25)) * DAY + int(rnd() * 43200) - 21600
                rating = self.rating_draw[kind]() + 1
                self.batch.schedule(at // DAY, at % DAY, REVIEW,
                                    [product, customer, order, rating])

    def write(self, abs_sec: int, product: int, customer: int, order: int,
              rating: int) -> None:
        """A review, its title and body made from the rating's templates."""
        rnd = self.rng.random
        titles = cat.REVIEW_TITLES[rating]
        openers = cat.REVIEW_OPENERS[rating]
        opener = openers[int(rnd() * len(openers))].format(p=cat.PRODUCTS[product].name)
        closers = cat.REVIEW_CLOSERS[
            "unhappy" if rating <= 2 else ("neutral" if rating == 3 else "happy")]
        closer = closers[int(rnd() * len(closers))]
        body = f"{opener} {closer}".strip()
        self.writer.writerow((
            next(self.review_ids), product + 1, customer, order, rating,
            titles[int(rnd() * len(titles))], body, self.ts(abs_sec)))
