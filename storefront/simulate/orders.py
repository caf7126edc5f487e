"""Orders: how many are placed a day, what each one holds, and the order_lines feed.

A day sells its share of the run's order lines (plus the lines refused the day before for
lack of stock), in orders of a few lines at times drawn from the shop's hourly traffic. An
order draws its device, priority, payment method and distinct products; a line is sold only
if stock covers it. Placing an order also takes the stock, fills its cart, pays for it and
schedules what follows (payment of a money order, return and refund, reviews).
"""

from __future__ import annotations

import datetime as dt

from storefront.simulate import catalog as cat
from storefront.simulate.batch import Batch, drawer
from storefront.simulate.carts import Carts
from storefront.simulate.customers import Customers
from storefront.simulate.feeds import DAY, money
from storefront.simulate.payments import Payments
from storefront.simulate.reviews import Reviews
from storefront.simulate.stock import Stock

_QUANTITY_TEXT = [f"{q}.0" for q in range(6)]
_DISCOUNT_TEXT = [f"0.{d}" for d in range(10)]


class Orders:
    """The orders of a batch: planned per day, placed one by one, written as order lines."""

    def __init__(self, batch: Batch, customers: Customers, stock: Stock, carts: Carts,
                 payments: Payments, reviews: Reviews) -> None:
        self.batch, self.shop, self.rng = batch, batch.shop, batch.rng
        self.customers, self.stock, self.carts = customers, stock, carts
        self.payments, self.reviews = payments, reviews
        self.file = batch.out.files["order_lines.csv"]
        self.order_ids, self.product_draw = batch.ids["order"], batch.product_draw
        self.day_text, self.times = batch.day_text, batch.times
        self.count = 0  # orders placed
        self.refused_lines = 0  # lines not sold for lack of stock
        self.max_quantity = [p.max_quantity for p in cat.PRODUCTS]
        self.size = 6 * 6 * len(cat.PRIORITIES)  # line values per product
        self.line_values = [value for index in range(len(cat.PRODUCTS))
                            for value in self._line_values(index)]
        self.gender_text = [gender for gender, _ in cat.GENDERS]
        rnd = batch.rng.random
        self.device_draw = drawer((w for _, w in cat.DEVICES), rnd)
        self.devices = [name for name, _ in cat.DEVICES]
        self.priority_draw = drawer((w for _, w in cat.PRIORITIES), rnd)
        self.priorities = [  # name, fewest half days of aging, range of them
            (name, cat.AGING_HALF_DAYS[name][0],
             cat.AGING_HALF_DAYS[name][1] - cat.AGING_HALF_DAYS[name][0] + 1)
            for name, _ in cat.PRIORITIES
        ]
        self.payment_draw = drawer((w for _, w in cat.PAYMENT_METHODS), rnd)
        self.methods = [name for name, _ in cat.PAYMENT_METHODS]
        self.lines_draw = drawer(cat.LINES_PER_ORDER, rnd)
        self.discount_draw = {kind: drawer(w, rnd) for kind, w in cat.DISCOUNT_TENTHS.items()}
        self.discounts = self.discount_draw["ordinary"]  # today's discount mix
        self.quantity_draw = {d: drawer(w, rnd) for d, w in cat.QUANTITY_BY_DISCOUNT.items()}

    def _line_values(self, index: int) -> list[tuple[int, str]]:
        """Sales in cents and the text from Product_Category to Shipping_Cost of an order
        line of product ``index`` at its current price, for every quantity, discount and
        priority (they repeat a lot). ``self.line_values`` holds them for every product:
        index ((product * 6 + quantity) * 6 + discount tenths) * 4 + priority index."""
        p = cat.PRODUCTS[index]
        list_cents, cost_cents = self.shop.prices[index]
        values = []
        for quantity in range(6):
            for tenths in range(6):
                for name, _ in cat.PRIORITIES:
                    sales = (list_cents * quantity * (10 - tenths) + 5) // 10  # half up
                    profit = sales - cost_cents * quantity
                    percent = cat.SHIPPING_PERCENT[name]
                    shipping = (p.ship_cents * (quantity + 1) * percent + 100) // 200
                    values.append((sales, f"{p.category},{p.name},{money(sales)},"
                                          f"{_QUANTITY_TEXT[quantity]},{_DISCOUNT_TEXT[tenths]},"
                                          f"{money(profit)},{money(shipping)}"))
        return values

    def reprice(self, index: int) -> None:
        """Product ``index`` has a new price: its order lines are worth something else."""
        self.line_values[index * self.size:(index + 1) * self.size] = self._line_values(index)

    def plan_day(self, date: dt.date, weight: float) -> tuple[list[int], list[int]]:
        """The orders of ``date`` (a day of ``weight``): their sizes in lines and their
        seconds of the day, in time order. Promotion days have their own discount mix."""
        shop = self.shop
        promotion = cat.holiday_factor(date) >= cat.PROMOTION_THRESHOLD
        self.discounts = self.discount_draw["promotion" if promotion else "ordinary"]
        shop.lines_expected += shop.lines_per_weight * weight
        planned = round(shop.lines_expected) - shop.lines_planned
        shop.lines_planned += planned
        quota = planned + shop.line_shortfall
        sizes = []
        while quota > 0:
            size = min(quota, self.lines_draw() + 1)
            sizes.append(size)
            quota -= size
        return sizes, sorted(self.batch.time_of_day() for _ in sizes)

    def place(self, abs_sec: int, today: int, size: int) -> int:
        """One order of up to ``size`` lines at ``abs_sec``; returns the lines sold."""
        shop, rnd = self.shop, self.rng.random
        # who, and how
        customer, login = self.customers.who_orders(abs_sec)
        gender = shop.genders[customer - 1]
        device = self.devices[self.device_draw()]
        priority_index = self.priority_draw()
        priority, low, spread = self.priorities[priority_index]
        method = self.methods[self.payment_draw()]
        aging_half_days = low + int(rnd() * spread)

        # what: distinct products, each sold only if stock covers it
        draw, discounts = self.product_draw[gender], self.discounts
        quantities, max_quantity, take = self.quantity_draw, self.max_quantity, self.stock.take
        lines: list[tuple[int, int, int]] = []  # product, quantity, discount tenths
        chosen: list[int] = []
        for _ in range(size):
            product = draw()
            if product in chosen:  # the same product twice: draw again, or give the line up
                product = draw()
                if product in chosen:
                    continue
            chosen.append(product)
            tenths = discounts() + 1
            quantity = quantities[tenths]() + 1
            if quantity > max_quantity[product]:
                quantity = max_quantity[product]
            if take(product, quantity, today):
                lines.append((product, quantity, tenths))
            else:
                self.refused_lines += 1
        if not lines:
            return 0

        order = next(self.order_ids)
        self.count += 1
        shop.ordered[customer - 1] = 1
        day_text, time_text = self.day_text[today], self.times[abs_sec - today * DAY]
        head = (f"{day_text},{time_text},{aging_half_days // 2}.{5 * (aging_half_days % 2)},"
                f"{customer},{self.gender_text[gender]},{device},{login},")
        tail = f",{priority},{method},{order}\n"
        write_line, line_values = self.file.write, self.line_values
        total = 0
        for product, quantity, tenths in lines:
            sales, text = line_values[((product * 6 + quantity) * 6 + tenths) * 4
                                      + priority_index]
            total += sales
            write_line(f"{head}{text}{tail}")
        self.stock.write_sales(order, f"{day_text} {time_text}", lines)

        # what follows: its cart, its payment (and maybe refund), reviews
        self.carts.converted(customer, order, abs_sec, lines)
        delivered = abs_sec + aging_half_days * DAY // 2
        refunded = self.payments.settle(order, abs_sec, today, method, total, delivered, lines)
        self.reviews.plan(customer, order, lines, delivered, refunded)
        return len(lines)
