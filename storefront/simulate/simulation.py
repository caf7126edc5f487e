"""The synthetic shop, simulated day by day, writing every feed as it goes.

:func:`simulate` advances a :class:`~storefront.simulate.state.Shop` (the state that lasts:
customers, prices, stock, ids, events already scheduled for later days) over a run of days and
streams the rows of every feed into CSV files; the caller saves the state as JSON between
batches, so a dataset can be extended. This module is the day loop; each domain of the shop
is its own module, all sharing one :class:`~storefront.simulate.batch.Batch`:
:mod:`~storefront.simulate.customers`, :mod:`~storefront.simulate.products` (versions, price
reviews), :mod:`~storefront.simulate.stock` (inventory movements, reorders),
:mod:`~storefront.simulate.orders` (order lines), :mod:`~storefront.simulate.payments`,
:mod:`~storefront.simulate.carts` and :mod:`~storefront.simulate.reviews`.

Versions: the first batch writes every product and customer (``updated_at``: the product's launch
at midnight, the customer's sign-up). A continuation batch writes new versions: products whose
price or cost changed (price reviews at midnight every third Monday; the day's orders use the new
price) and customers who moved or flipped their marketing opt-in, next to the new sign-ups; one
version per product or customer per batch. Version changes draw from their own random stream, so
the orders, stock and payments of a batch are what they would be without them.

Within a day everything happens in time order: scheduled events (deliveries, money-order
payments, returns, reviews, abandoned carts, sign-ups) are merged with the day's orders, so a
customer orders only after signing up and stock is checked at the moment of each sale. Money is
integer cents throughout. All randomness comes from one ``random.Random`` seeded from the seed
and the batch's first day; nothing depends on the clock or on set/dict ordering.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from storefront.simulate import batch as ev
from storefront.simulate.batch import Batch, Event
from storefront.simulate.carts import Carts
from storefront.simulate.customers import Customers
from storefront.simulate.feeds import DAY
from storefront.simulate.orders import Orders
from storefront.simulate.payments import Payments
from storefront.simulate.products import Products
from storefront.simulate.reviews import Reviews
from storefront.simulate.state import Shop
from storefront.simulate.stock import Stock


@dataclass
class BatchResult:
    """What one call of :func:`simulate` wrote."""

    first_day: dt.date
    last_day: dt.date
    rows: dict[str, int]  # feed file name -> data rows written
    orders: int
    refused_lines: int  # order lines not sold because stock did not cover them


def simulate(shop: Shop, folder: Path, days: int,
             progress: Callable[[dt.date, int], None] | None = None) -> BatchResult:
    """Advance ``shop`` by ``days`` days from ``shop.next_day``, writing every feed into
    ``folder`` (existing files are replaced). The first batch also writes the catalog, the
    opening stock and the customers registered before opening; later batches the new versions
    of products and customers. ``shop`` is changed in place; save it only when this returns."""
    return _Simulation(shop, folder).run(days, progress)


class _Simulation:
    """One batch: the shop's domains around the day loop."""

    def __init__(self, shop: Shop, folder: Path) -> None:
        self.batch = batch = Batch(shop, folder)
        self.customers = Customers(batch)
        self.products = Products(batch)
        self.stock = Stock(batch)
        self.payments = Payments(batch)
        self.carts = Carts(batch, self.customers)
        self.reviews = Reviews(batch)
        self.orders = Orders(batch, self.customers, self.stock, self.carts, self.payments,
                             self.reviews)
        self.lines_sold = 0

    def run(self, days: int, progress: Callable[[dt.date, int], None] | None) -> BatchResult:
        batch, shop = self.batch, self.batch.shop
        first_day = shop.next_day
        complete = False
        try:
            if batch.first_batch:  # the catalog, the customers before opening, opening stock
                self.products.write_catalog()
                self.customers.register_before_opening()
                self.stock.open()
            for offset in range(days):
                day = first_day + dt.timedelta(days=offset)
                self.simulate_day(day.toordinal())
                if progress is not None:
                    progress(day, self.lines_sold)
            complete = True
        finally:
            batch.out.close(complete)
        shop.next_day = first_day + dt.timedelta(days=days)
        started = shop.next_ids
        shop.next_ids = {name: next(counter) for name, counter in batch.ids.items()}
        made = {name: shop.next_ids[name] - started[name] for name in started}
        rows = {
            "products.csv": self.products.written,
            "customers.csv": self.customers.written,
            "order_lines.csv": self.lines_sold,
            "inventory_movements.csv": made["movement"],
            "payments.csv": made["payment"],
            "carts.csv": made["cart"],
            "cart_items.csv": made["cart_item"],
            "reviews.csv": made["review"],
        }
        return BatchResult(first_day, shop.next_day - dt.timedelta(days=1), rows,
                           self.orders.count, self.orders.refused_lines)

    def simulate_day(self, today: int) -> None:
        """Plan the day (orders, sign-ups, abandoned carts, recounts, versions), then run its
        orders and events in time order."""
        batch, shop = self.batch, self.batch.shop
        date = dt.date.fromordinal(today)
        weight = batch.weight(today)
        self.stock.start_day(today)
        sizes, order_secs = self.orders.plan_day(date, weight)
        events = shop.calendar.pop(today, [])
        self.customers.plan_signups(weight, events)
        self.carts.plan_abandoned(len(sizes), events)
        if date.day == 1 and today != shop.origin.toordinal():
            self.stock.plan_recounts(events)
        if not batch.first_batch:  # versions: prices at midnight, customers during the day
            for index in self.products.review_prices(today):
                self.orders.reprice(index)
            self.customers.plan_changes(events)
        events.sort(key=lambda e: (e[0], e[2], e[1]))

        sold = 0
        position = 0
        base = today * DAY
        for sec, size in zip(order_secs, sizes, strict=True):
            while position < len(events) and events[position][0] < sec:
                self.handle(events[position], today)
                position += 1
            sold += self.orders.place(base + sec, today, size)
        for event in events[position:]:
            self.handle(event, today)
        shop.line_shortfall = sum(sizes) - sold
        self.lines_sold += sold
        self.customers.end_day()

    def handle(self, event: Event, today: int) -> None:
        """Run one event of the day, by its kind."""
        sec, _, kind, payload = event
        abs_sec = today * DAY + sec
        if kind == ev.SIGNUP:
            self.customers.sign_up(abs_sec)
        elif kind == ev.CART_OPEN:
            self.carts.open_abandoned(abs_sec, today)
        elif kind == ev.RECEIPT:
            self.stock.receive(abs_sec, today, *payload)
        elif kind == ev.ADJUST:
            self.stock.recount(abs_sec, *payload)
        elif kind == ev.RETURN:
            order, method, amount, lines = payload
            self.stock.take_back(abs_sec, order, lines)
            self.payments.write(order, abs_sec, method, amount, "refunded")
        elif kind == ev.CAPTURE:
            order, method, amount = payload
            self.payments.write(order, abs_sec, method, amount, "captured")
        elif kind == ev.REVIEW:
            self.reviews.write(abs_sec, *payload)
        elif kind == ev.CART_ABANDONED:
            customer, created, items = payload
            self.carts.write(customer, created, "abandoned", "", items)
        elif kind == ev.CUSTOMER_CHANGE:
            self.customers.change(payload[0], abs_sec)
        else:  # pragma: no cover - a corrupt state file
            raise ValueError(f"unknown event kind {kind}")
