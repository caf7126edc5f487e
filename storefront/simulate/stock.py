"""Stock: what is on the shelf, and the inventory_movements feed.

The first batch opens with enough of each product for the first weeks. Sales take stock (an
order line is sold only if stock covers it), returns give it back, and a recount on the first
of a month corrects a few products. When a product falls below its reorder point (the demand
expected over the longest lead time, with a safety margin) the shop orders from the supplier,
who delivers after a lead time, sometimes late, enough for the coming weeks.
"""

from __future__ import annotations

from storefront.simulate import catalog as cat
from storefront.simulate.batch import ADJUST, RECEIPT, Batch, Event, product_weights
from storefront.simulate.feeds import DAY

LEAD_DAYS = (2, 5)  # supplier lead time, days
SUPPLIER_DELAY = (0.06, 6, 16)  # chance a delivery is late, and by how many days (range)
REORDER_COVER_DAYS = 21  # a purchase order covers this many days of expected demand
SAFETY = 1.6  # reorder point = SAFETY x expected demand over the longest lead time + 2 days
ADJUSTMENT_CHANCE = 0.3  # products recounted with a difference on the first of a month


class Stock:
    """Stock levels, purchase orders and deliveries, and the inventory movements they make."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.shop = batch.shop
        self.rng, self.ts, self.movement_ids = batch.rng, batch.ts, batch.ids["movement"]
        self.file = batch.out.files["inventory_movements.csv"]
        self.n_products = len(cat.PRODUCTS)
        # expected share of lines and units per line, per product (for reorder points)
        by_gender = product_weights()
        gender_share = [w / 1000 for _, w in cat.GENDERS]
        self.product_share = [
            sum(share * weights[index] / sum(weights)
                for share, weights in zip(gender_share, by_gender, strict=True))
            for index in range(self.n_products)
        ]
        ordinary = cat.DISCOUNT_TENTHS["ordinary"]
        self.units_per_line = [
            sum(dw * sum(min(q + 1, p.max_quantity) * qw
                         for q, qw in enumerate(cat.QUANTITY_BY_DISCOUNT[d + 1]))
                / sum(cat.QUANTITY_BY_DISCOUNT[d + 1])
                for d, dw in enumerate(ordinary)) / sum(ordinary)
            for p in cat.PRODUCTS
        ]
        self.reorder_point = [0] * self.n_products

    def expected_units(self, product: int, ordinal: int, days: int) -> float:
        """Units of ``product`` expected to sell in ``days`` days from day ``ordinal``."""
        weight = self.batch.weight
        lines = self.shop.lines_per_weight * sum(weight(ordinal + i) for i in range(days))
        return lines * self.product_share[product] * self.units_per_line[product]

    def open(self) -> None:
        """First batch: the opening stock, received at midnight of the first day."""
        shop = self.shop
        origin = shop.origin.toordinal()
        for product in range(self.n_products):
            opening = self.expected_units(product, origin, REORDER_COVER_DAYS + LEAD_DAYS[1])
            quantity = max(10, -(-int(opening * SAFETY) // 10) * 10)
            shop.stock[product] = quantity
            self.movement(product, origin * DAY, "receipt", quantity)

    def start_day(self, today: int) -> None:
        """Today's reorder points, from the demand expected until a reorder could arrive."""
        horizon = LEAD_DAYS[1] + 2
        for product in range(self.n_products):
            self.reorder_point[product] = int(
                SAFETY * self.expected_units(product, today, horizon)) + 1

    def plan_recounts(self, events: list[Event]) -> None:
        """The recount of the first of a month: a few products found off by a unit or three."""
        rng, rnd = self.rng, self.rng.random
        for product in range(self.n_products):
            if rnd() < ADJUSTMENT_CHANCE:
                delta = 1 if rnd() < 0.2 else -rng.randint(1, 3)
                self.batch.add_event(events, 5 * 3600 + 37 * product, ADJUST, [product, delta])

    def take(self, product: int, quantity: int, today: int) -> bool:
        """Take ``quantity`` units of ``product`` for a sale if stock covers them (reordering
        when stock falls below the reorder point); False if it does not."""
        stock = self.shop.stock
        if stock[product] < quantity:
            return False
        stock[product] -= quantity
        if stock[product] < self.reorder_point[product] and not self.shop.on_order[product]:
            self.reorder(product, today)
        return True

    def write_sales(self, order: int, stamp: str, lines: list[tuple[int, int, int]]) -> None:
        """The sale movements of an order's ``lines`` (product, quantity, discount)."""
        write, movement_ids = self.file.write, self.movement_ids
        for product, quantity, _ in lines:
            write(f"{next(movement_ids)},{product + 1},{stamp},sale,{-quantity},{order}\n")

    def reorder(self, product: int, today: int) -> None:
        """Order from the supplier: arrives after the lead time, covers the coming weeks."""
        lead = self.rng.randint(*LEAD_DAYS)
        chance, least, most = SUPPLIER_DELAY
        if self.rng.random() < chance:  # the supplier is late: the shop may run out
            lead += self.rng.randint(least, most)
        quantity = self.expected_units(product, today + lead, REORDER_COVER_DAYS)
        quantity = max(10, -(-int(quantity) // 10) * 10)
        self.shop.on_order[product] = 1
        self.batch.schedule(today + lead, 6 * 3600 + 37 * product, RECEIPT, [product, quantity])

    def receive(self, abs_sec: int, today: int, product: int, quantity: int) -> None:
        """A delivery arrives; reorder at once if stock is still below the reorder point."""
        shop = self.shop
        shop.stock[product] += quantity
        shop.on_order[product] = 0
        self.movement(product, abs_sec, "receipt", quantity)
        if shop.stock[product] < self.reorder_point[product]:
            self.reorder(product, today)

    def recount(self, abs_sec: int, product: int, delta: int) -> None:
        """A recount finds ``delta`` units more (or fewer, never below zero)."""
        delta = max(delta, -self.shop.stock[product])
        if delta:
            self.shop.stock[product] += delta
            self.movement(product, abs_sec, "adjustment", delta)

    def take_back(self, abs_sec: int, order: int, lines: list[int]) -> None:
        """A return: ``lines`` is flat (product, quantity, ...) as the order bought them."""
        for i in range(0, len(lines), 2):
            self.shop.stock[lines[i]] += lines[i + 1]
            self.movement(lines[i], abs_sec, "return", lines[i + 1], order)

    def movement(self, product: int, abs_sec: int, kind: str, quantity: int,
                 order: int | str = "") -> None:
        """One inventory movement of ``quantity`` units (negative: out of stock)."""
        self.file.write(f"{next(self.movement_ids)},{product + 1},{self.ts(abs_sec)},{kind},"
                        f"{quantity},{order}\n")
