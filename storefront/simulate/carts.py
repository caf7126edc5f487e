"""Carts: the carts and cart_items feeds.

Every order comes from a converted cart, opened minutes (sometimes hours) before it and never
before the customer signed up. Beside them, shoppers open carts they abandon (0.45 per
order on a day), written a day later, when they count as abandoned.
"""

from __future__ import annotations

from storefront.simulate.batch import CART_ABANDONED, CART_OPEN, Batch, Event
from storefront.simulate.customers import Customers
from storefront.simulate.feeds import DAY

ABANDONED_PER_ORDER = 0.45  # abandoned carts per order


class Carts:
    """The carts of a batch, converted or abandoned."""

    def __init__(self, batch: Batch, customers: Customers) -> None:
        self.batch = batch
        self.customers = customers
        self.shop, self.rng, self.ts = batch.shop, batch.rng, batch.ts
        self.cart_ids, self.item_ids = batch.ids["cart"], batch.ids["cart_item"]
        self.carts_file = batch.out.files["carts.csv"]
        self.items_file = batch.out.files["cart_items.csv"]

    def plan_abandoned(self, orders: int, events: list[Event]) -> None:
        """Today's abandoned carts (for ``orders`` orders planned), at times during the day."""
        batch = self.batch
        for _ in range(int(orders * ABANDONED_PER_ORDER + self.rng.random())):
            batch.add_event(events, batch.time_of_day(), CART_OPEN, None)

    def open_abandoned(self, abs_sec: int, today: int) -> None:
        """A cart that will be abandoned: written a day later, when it counts as abandoned."""
        rnd = self.rng.random
        customer = self.customers.pick()
        draw = self.batch.product_draw[self.shop.genders[customer - 1]]
        items: list[int] = []
        created = max(abs_sec, self.shop.signed_up[customer - 1] + 1)
        added = created
        for _ in range(1 + int(rnd() * rnd() * 4)):
            product = draw()
            if product in items[0::3]:
                continue
            items += [product, 1 + int(rnd() * rnd() * 3), added]
            added += 20 + int(rnd() * 600)
        sec = abs_sec - today * DAY
        self.batch.schedule(today + 1, sec, CART_ABANDONED, [customer, created, items])

    def converted(self, customer: int, order: int, abs_sec: int,
                  lines: list[tuple[int, int, int]]) -> None:
        """The cart an order placed at ``abs_sec`` came from, its items added in between."""
        rnd = self.rng.random
        delay = 60 + int(rnd() * 2400) if rnd() < 0.85 else 3600 + int(rnd() * 30 * 3600)
        created = max(abs_sec - delay, self.shop.signed_up[customer - 1] + 1)
        items: list[int] = []
        span = abs_sec - created
        for index, (product, quantity, _) in enumerate(lines):
            items += (product, quantity, created + span * index // len(lines))
        self.write(customer, created, "converted", order, items)

    def write(self, customer: int, created: int, status: str, order: int | str,
              items: list[int]) -> None:
        """A cart and its items (``items`` is flat: product, quantity, added time, ...)."""
        cart, ts = next(self.cart_ids), self.ts
        self.carts_file.write(f"{cart},{customer},{ts(created)},{status},{order}\n")
        write, item_ids = self.items_file.write, self.item_ids
        for i in range(0, len(items), 3):
            write(f"{next(item_ids)},{cart},{items[i] + 1},{items[i + 1]},{ts(items[i + 2])}\n")
