"""The synthetic shop, simulated day by day, writing every feed as it goes.

One :class:`Shop` holds the state that lasts (customers, prices, stock, ids, events already
scheduled for later days); :func:`simulate` advances it over a run of days and streams the rows of
every feed into CSV files. The state is saved as JSON between batches, so a dataset can be
extended.

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

import contextlib
import csv
import datetime as dt
import functools
import itertools
import random
import re
from bisect import bisect_right
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from storefront.simulate import catalog as cat

STATE_FORMAT = 2
DAY = 86400

# Feeds in dependency order: file name -> header.
FEEDS: dict[str, tuple[str, ...]] = {
    "products.csv": ("product_id", "sku", "product_name", "category", "list_price",
                     "unit_cost", "supplier", "launch_date", "is_active", "updated_at"),
    "customers.csv": ("customer_id", "first_name", "last_name", "email", "gender", "country",
                      "region", "city", "signed_up_at", "marketing_opt_in", "updated_at"),
    "order_lines.csv": ("Order_Date", "Time", "Aging", "Customer_Id", "Gender", "Device_Type",
                        "Customer_Login_type", "Product_Category", "Product", "Sales",
                        "Quantity", "Discount", "Profit", "Shipping_Cost", "Order_Priority",
                        "Payment_method", "Order_Id"),
    "inventory_movements.csv": ("movement_id", "product_id", "moved_at", "movement_type",
                                "quantity", "order_id"),
    "payments.csv": ("payment_id", "order_id", "processed_at", "payment_method", "amount",
                     "status"),
    "carts.csv": ("cart_id", "customer_id", "created_at", "status", "order_id"),
    "cart_items.csv": ("cart_item_id", "cart_id", "product_id", "quantity", "added_at"),
    "reviews.csv": ("review_id", "product_id", "customer_id", "order_id", "rating", "title",
                    "body", "reviewed_at"),
}

# Customer tiers: share of sign-ups and relative ordering rate (a few loyal, many occasional).
TIERS = ((0.02, 25), (0.18, 4), (0.80, 1))
LINES_PER_CUSTOMER = 5  # --customers N sizes the run to N * 5 order lines, and back
FIRST_SIGNUP_ORDER = 0.04  # chance a new customer orders right after signing up
NEW_CUSTOMER_DAYS = 7  # a first order within this many days of signing up is "New"
ABANDONED_PER_ORDER = 0.45  # abandoned carts per order
MONEY_ORDER_UNPAID = 0.08  # money orders never paid
CARD_FAILURE = 0.035  # first card attempts that fail
CARD_RETRY_SUCCESS = 0.75  # failed attempts followed by a successful one
REFUNDED = 0.045  # paid orders returned and refunded
REVIEW_CHANCE = {"ordinary": 0.07, "refunded": 0.30}
OPT_IN = {0: 0.55, 1: 0.45, 2: 0.35}  # marketing opt-in by tier
LEAD_DAYS = (2, 5)  # supplier lead time, days
SUPPLIER_DELAY = (0.06, 6, 16)  # chance a delivery is late, and by how many days (range)
REORDER_COVER_DAYS = 21  # a purchase order covers this many days of expected demand
SAFETY = 1.6  # reorder point = SAFETY x expected demand over the longest lead time + 2 days
ADJUSTMENT_CHANCE = 0.3  # products recounted with a difference on the first of a month
# Versions (continuation batches only): price reviews every PRICE_REVIEW_WEEKS weeks on a
# Monday, changing PRICE_CHANGES products (range); customers changing address or opt-in.
PRICE_REVIEW_WEEKS = 3
PRICE_CHANGES = (2, 4)
PRICE_RISE = (0.75, 3, 10)  # chance a change is a rise, and its range in percent
PRICE_CUT = (5, 15)  # a markdown otherwise, percent
COST_CHANGE = (0.5, 2, 8)  # chance the unit cost moves too, and its rise in percent
CUSTOMER_CHANGES_PER_DAY = 0.0005  # share of the registered customers changing a day
MOVE_SHARE = 0.6  # of those, moving (new city, maybe region and country); else opt-in flips

# Event kinds, in the order same-second events run.
(RECEIPT, RETURN, ADJUST, CAPTURE, REVIEW, SIGNUP, CART_OPEN, CART_ABANDONED,
 CUSTOMER_CHANGE) = range(9)


@functools.cache
def times_of_day() -> list[str]:
    """``HH:MM:SS`` of every second of a day (made once, on first use)."""
    return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)]


_QUANTITY_TEXT = [f"{q}.0" for q in range(6)]
_DISCOUNT_TEXT = [f"0.{d}" for d in range(10)]


def money(cents: int) -> str:
    """Exact decimal text of an amount in cents, like the export: 140.0, 46.5, 12.34."""
    if cents < 0:
        return "-" + money(-cents)
    whole, frac = divmod(cents, 100)
    return f"{whole}.{frac:02d}" if frac % 10 else f"{whole}.{frac // 10}"


Draw = Callable[[], int]


def drawer(weights: Any, rnd: Callable[[], float]) -> Draw:
    """A categorical draw from fixed weights: each call returns the index of a drawn item."""
    cumulative = list(itertools.accumulate(weights))
    total = cumulative[-1]

    def draw() -> int:
        return bisect_right(cumulative, rnd() * total)

    return draw


@dataclass
class Shop:
    """Everything that carries over from one batch to the next (saved as JSON)."""

    seed: int
    origin: dt.date  # the dataset's first day
    next_day: dt.date  # the first day not simulated yet
    lines_per_weight: float  # expected order lines on a day of weight 1
    signups_per_weight: float  # expected sign-ups on a day of weight 1
    lines_expected: float = 0.0  # running sum of expected lines (for exact rounding)
    lines_planned: int = 0
    signups_expected: float = 0.0
    signups_planned: int = 0
    line_shortfall: int = 0  # lines not sold for lack of stock, made up the next day
    registered_before: int = 0  # customers registered before the first day
    seq: int = 0  # tie-breaker of scheduled events
    next_ids: dict[str, int] = field(default_factory=dict)
    stock: list[int] = field(default_factory=list)
    on_order: list[int] = field(default_factory=list)  # 1 while a purchase order is open
    prices: list[list[int]] = field(default_factory=list)  # per product: list, cost cents
    genders: list[int] = field(default_factory=list)  # per customer (index = id - 1)
    tiers: list[int] = field(default_factory=list)
    signed_up: list[int] = field(default_factory=list)  # seconds since 0001-01-01
    ordered: list[int] = field(default_factory=list)  # 1 once the customer has ordered
    # The customer's current attributes, as indexes: first name (in the pool of their
    # gender), last name, e-mail domain, place (see _Text); and the marketing opt-in (0/1).
    first_names: list[int] = field(default_factory=list)
    last_names: list[int] = field(default_factory=list)
    domains: list[int] = field(default_factory=list)
    places: list[int] = field(default_factory=list)
    opt_ins: list[int] = field(default_factory=list)
    reviewed: set[int] = field(default_factory=set)  # customer_id * 64 + product index
    calendar: dict[int, list[list[Any]]] = field(default_factory=dict)  # day ordinal -> events

    def to_json(self) -> dict[str, Any]:
        return {
            "format": STATE_FORMAT,
            "seed": self.seed,
            "origin": self.origin.isoformat(),
            "next_day": self.next_day.isoformat(),
            "lines_per_weight": self.lines_per_weight,
            "signups_per_weight": self.signups_per_weight,
            "lines_expected": self.lines_expected,
            "lines_planned": self.lines_planned,
            "signups_expected": self.signups_expected,
            "signups_planned": self.signups_planned,
            "line_shortfall": self.line_shortfall,
            "registered_before": self.registered_before,
            "seq": self.seq,
            "next_ids": self.next_ids,
            "stock": self.stock,
            "on_order": self.on_order,
            "prices": self.prices,
            "customers": {"gender": self.genders, "tier": self.tiers,
                          "signed_up": self.signed_up, "ordered": self.ordered,
                          "first_name": self.first_names, "last_name": self.last_names,
                          "domain": self.domains, "place": self.places,
                          "opt_in": self.opt_ins},
            "reviewed": sorted(self.reviewed),
            "calendar": {str(day): events for day, events in sorted(self.calendar.items())},
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Shop:
        if data.get("format") != STATE_FORMAT:
            raise ValueError(f"state format {data.get('format')!r}, this generator reads "
                             f"{STATE_FORMAT}: generate the dataset again (--out DIR --force)")
        customers = data["customers"]
        return cls(
            seed=data["seed"],
            origin=dt.date.fromisoformat(data["origin"]),
            next_day=dt.date.fromisoformat(data["next_day"]),
            lines_per_weight=data["lines_per_weight"],
            signups_per_weight=data["signups_per_weight"],
            lines_expected=data["lines_expected"],
            lines_planned=data["lines_planned"],
            signups_expected=data["signups_expected"],
            signups_planned=data["signups_planned"],
            line_shortfall=data["line_shortfall"],
            registered_before=data["registered_before"],
            seq=data["seq"],
            next_ids=data["next_ids"],
            stock=data["stock"],
            on_order=data["on_order"],
            prices=data["prices"],
            genders=customers["gender"],
            tiers=customers["tier"],
            signed_up=customers["signed_up"],
            ordered=customers["ordered"],
            first_names=customers["first_name"],
            last_names=customers["last_name"],
            domains=customers["domain"],
            places=customers["place"],
            opt_ins=customers["opt_in"],
            reviewed=set(data["reviewed"]),
            calendar={int(day): events for day, events in data["calendar"].items()},
        )


def new_shop(seed: int, start: dt.date, days: int, order_lines: int, customers: int) -> Shop:
    """A shop about to open on ``start``, sized so ``days`` days sell ``order_lines`` lines
    and end with ``customers`` registered customers (half of them registered before)."""
    total_weight = sum(cat.day_weight(start + dt.timedelta(days=i), start) for i in range(days))
    before = max(1, customers // 2)
    return Shop(
        seed=seed,
        origin=start,
        next_day=start,
        lines_per_weight=order_lines / total_weight,
        signups_per_weight=max(0, customers - before) / total_weight,
        next_ids={"customer": 1, "order": 1, "movement": 1, "payment": 1, "review": 1,
                  "cart": 1, "cart_item": 1},
        stock=[0] * len(cat.PRODUCTS),
        on_order=[0] * len(cat.PRODUCTS),
        prices=[[p.list_cents, p.cost_cents] for p in cat.PRODUCTS],
        registered_before=before,
    )


@dataclass
class BatchResult:
    """What one call of :func:`simulate` wrote."""

    first_day: dt.date
    last_day: dt.date
    rows: dict[str, int]  # feed file name -> data rows written
    orders: int
    refused_lines: int  # order lines not sold because stock did not cover them


PART = ".part"  # suffix of a feed file being written; renamed to .csv when the batch is done


class _Writers:
    """One buffered CSV file per feed, header first; plain rows are written as text.

    Files are written as ``<feed>.csv.part`` and renamed to ``<feed>.csv`` only once the whole
    batch is written, so an interrupted run never leaves a partial CSV for a loader to find.
    """

    def __init__(self, folder: Path, names: list[str]) -> None:
        self.folder = folder
        self.files: dict[str, TextIO] = {}
        self.stack = contextlib.ExitStack()
        for name in names:
            handle = self.stack.enter_context(open(  # noqa: SIM115 - closed by the stack
                folder / (name + PART), "w", encoding="utf-8", newline="", buffering=1 << 20))
            handle.write(",".join(FEEDS[name]) + "\n")
            self.files[name] = handle

    def close(self, complete: bool) -> None:
        self.stack.close()
        if complete:
            for name in self.files:
                (self.folder / (name + PART)).replace(self.folder / name)


class _DayText(dict):
    """Day ordinal -> ISO date text, made on first use."""

    def __missing__(self, day: int) -> str:
        text = self[day] = dt.date.fromordinal(day).isoformat()
        return text


class _Text:
    """Faker-made name pools (drawn once per batch, from the seed) and the places to live."""

    def __init__(self, seed: int) -> None:
        from faker import Faker  # imported here: it takes a while, and only generating needs it

        fake = Faker("en_US")
        fake.seed_instance(seed)
        self.first = ([fake.first_name_male() for _ in range(400)],
                      [fake.first_name_female() for _ in range(400)])
        self.last = [fake.last_name() for _ in range(800)]
        self.places = []  # (country, region, city, weight)
        for country, weight, regions in cat.GEOGRAPHY:
            cities = [(region, city) for region, names in regions for city in names]
            for region, city in cities:
                self.places.append((country, region, city, weight / len(cities)))


def email_local_part(first: str, last: str) -> str:
    """The name part of an e-mail address: ``first.last`` in lowercase ASCII letters."""
    return re.sub(r"[^a-z]", "", first.lower()) + "." + re.sub(r"[^a-z]", "", last.lower())


def simulate(shop: Shop, folder: Path, days: int,
             progress: Callable[[dt.date, int], None] | None = None) -> BatchResult:
    """Advance ``shop`` by ``days`` days from ``shop.next_day``, writing every feed into
    ``folder`` (existing files are replaced). The first batch also writes the catalog, the
    opening stock and the customers registered before opening; later batches the new versions
    of products and customers. ``shop`` is changed in place; save it only when this returns."""
    return _Simulation(shop, folder).run(days, progress)


class _Simulation:
    def __init__(self, shop: Shop, folder: Path) -> None:
        self.shop = shop
        self.first_batch = shop.next_day == shop.origin
        self.out = _Writers(folder, list(FEEDS))
        self.rng = random.Random(f"{shop.seed}/{shop.next_day.isoformat()}")
        # Versions of products and customers draw from their own stream (see the docstring).
        self.versions_rng = random.Random(f"{shop.seed}/versions/{shop.next_day.isoformat()}")
        self.text = _Text(shop.seed)
        self.times = times_of_day()
        self.products = cat.PRODUCTS
        self.n_products = len(cat.PRODUCTS)
        self.max_quantity = [p.max_quantity for p in self.products]
        self.line_values = [value for index in range(self.n_products)
                            for value in self._line_values(index)]
        self.reviews_writer = csv.writer(self.out.files["reviews.csv"], lineterminator="\n")
        self.customers_writer = csv.writer(self.out.files["customers.csv"], lineterminator="\n")
        self.ids = {name: itertools.count(value) for name, value in shop.next_ids.items()}
        # Products and customers given a version in this batch (a file holds one per key), and
        # the customers registered before it (the ones who can change).
        self.versioned_products: set[int] = set()
        self.versioned_customers: set[int] = set()
        self.customers_before = len(shop.genders)
        self.versions = {"products.csv": 0, "customers.csv": 0}
        self.tier_members: list[list[int]] = [[], [], []]
        for index, tier in enumerate(shop.tiers):
            self.tier_members[tier].append(index + 1)
        self.first_signups: deque[tuple[int, int]] = deque()
        self.day_text = _DayText()
        self.weights: dict[int, float] = {}
        self.orders = 0
        self.lines_sold = 0
        self.refused_lines = 0
        # draws
        rnd = self.rng.random
        self.place_draw = drawer((place[3] for place in self.text.places), rnd)
        self.move_draw = drawer((place[3] for place in self.text.places),
                                self.versions_rng.random)
        self.gender_draw = drawer((w for _, w in cat.GENDERS), rnd)
        self.tier_share_draw = drawer((share for share, _ in TIERS), rnd)
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
        self.hour_draw = drawer(cat.HOUR_WEIGHTS, rnd)
        self.discount_draw = {kind: drawer(w, rnd) for kind, w in cat.DISCOUNT_TENTHS.items()}
        self.discounts = self.discount_draw["ordinary"]  # today's discount mix
        self.quantity_draw = {d: drawer(w, rnd) for d, w in cat.QUANTITY_BY_DISCOUNT.items()}
        self.rating_draw = {kind: drawer(w, rnd) for kind, w in cat.RATING_WEIGHTS.items()}
        self.gender_text = [g for g, _ in cat.GENDERS]
        by_gender = [[p.popularity * cat.GENDER_CATEGORY_TILT[g][p.category]
                      for p in self.products] for g in self.gender_text]
        self.product_draw = [drawer(weights, rnd) for weights in by_gender]
        # expected share of lines and units per line, per product (for reorder points)
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
            for p in self.products
        ]
        self.reorder_point = [0] * self.n_products

    def _line_values(self, index: int) -> list[tuple[int, str]]:
        """Sales in cents and the text from Product_Category to Shipping_Cost of an order
        line of product ``index`` at its current price, for every quantity, discount and
        priority (they repeat a lot). ``self.line_values`` holds them for every product:
        index ((product * 6 + quantity) * 6 + discount tenths) * 4 + priority index."""
        p = self.products[index]
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

    # -- helpers ---------------------------------------------------------------------------
    def ts(self, abs_sec: int) -> str:
        """``YYYY-MM-DD HH:MM:SS`` of a time in seconds since 0001-01-01."""
        return f"{self.day_text[abs_sec // DAY]} {self.times[abs_sec % DAY]}"

    def weight(self, ordinal: int) -> float:
        value = self.weights.get(ordinal)
        if value is None:
            value = self.weights[ordinal] = cat.day_weight(dt.date.fromordinal(ordinal),
                                                           self.shop.origin)
        return value

    def expected_units(self, product: int, ordinal: int, days: int) -> float:
        lines = self.shop.lines_per_weight * sum(self.weight(ordinal + i) for i in range(days))
        return lines * self.product_share[product] * self.units_per_line[product]

    def time_of_day(self) -> int:
        sec = self.hour_draw() * 3600 + int(self.rng.random() * 3600)
        return sec or 1

    def schedule(self, day: int, sec: int, kind: int, payload: list[Any]) -> None:
        self.shop.seq += 1
        self.shop.calendar.setdefault(day, []).append([sec, self.shop.seq, kind, payload])

    def movement(self, product: int, abs_sec: int, kind: str, quantity: int,
                 order: int | str = "") -> None:
        self.out.files["inventory_movements.csv"].write(
            f"{next(self.ids['movement'])},{product + 1},{self.ts(abs_sec)},{kind},"
            f"{quantity},{order}\n")

    def payment(self, order: int, abs_sec: int, method: str, amount: int, status: str) -> None:
        self.out.files["payments.csv"].write(
            f"{next(self.ids['payment'])},{order},{self.ts(abs_sec)},{method},{money(amount)},"
            f"{status}\n")

    def reorder(self, product: int, today: int) -> None:
        """Order from the supplier: arrives after the lead time, covers the coming weeks."""
        lead = self.rng.randint(*LEAD_DAYS)
        chance, least, most = SUPPLIER_DELAY
        if self.rng.random() < chance:  # the supplier is late: the shop may run out
            lead += self.rng.randint(least, most)
        quantity = self.expected_units(product, today + lead, REORDER_COVER_DAYS)
        quantity = max(10, -(-int(quantity) // 10) * 10)
        self.shop.on_order[product] = 1
        self.schedule(today + lead, 6 * 3600 + 37 * product, RECEIPT, [product, quantity])

    def pick_customer(self) -> int:
        """A registered customer, loyal ones far more often than occasional ones."""
        (loyal, regular, occasional), rnd = self.tier_members, self.rng.random
        weight_loyal = len(loyal) * TIERS[0][1]
        weight_regular = len(regular) * TIERS[1][1]
        r = rnd() * (weight_loyal + weight_regular + len(occasional) * TIERS[2][1])
        group = loyal if r < weight_loyal else (
            regular if r < weight_loyal + weight_regular else occasional)
        return group[int(rnd() * len(group))]

    # -- customers -------------------------------------------------------------------------
    def register(self, abs_sec: int) -> int:
        shop, rnd, text = self.shop, self.rng.random, self.text
        customer = next(self.ids["customer"])
        gender = self.gender_draw()
        tier = self.tier_share_draw()
        shop.genders.append(gender)
        shop.tiers.append(tier)
        shop.signed_up.append(abs_sec)
        shop.ordered.append(0)
        self.tier_members[tier].append(customer)
        shop.first_names.append(int(rnd() * len(text.first[gender])))
        shop.last_names.append(int(rnd() * len(text.last)))
        shop.domains.append(int(rnd() * len(cat.EMAIL_DOMAINS)))
        shop.places.append(self.place_draw())
        shop.opt_ins.append(int(rnd() < OPT_IN[tier]))
        self.write_customer(customer, abs_sec)
        return customer

    def write_customer(self, customer: int, updated: int) -> None:
        """A version of a customer as they are now, effective at ``updated``."""
        shop, text, i = self.shop, self.text, customer - 1
        gender = shop.genders[i]
        first, last = text.first[gender][shop.first_names[i]], text.last[shop.last_names[i]]
        country, region, city, _ = text.places[shop.places[i]]
        self.customers_writer.writerow((
            customer, first, last,
            f"{email_local_part(first, last)}.{customer}@{cat.EMAIL_DOMAINS[shop.domains[i]]}",
            self.gender_text[gender], country, region, city, self.ts(shop.signed_up[i]),
            "true" if shop.opt_ins[i] else "false", self.ts(updated)))
        self.versioned_customers.add(customer)

    def change_customer(self, customer: int, abs_sec: int) -> None:
        """A customer moves (a new city, maybe region and country) or flips their opt-in."""
        shop, rnd, i = self.shop, self.versions_rng.random, customer - 1
        if rnd() < MOVE_SHARE:
            place = self.move_draw()
            if place == shop.places[i]:
                place = (place + 1) % len(self.text.places)
            shop.places[i] = place
        else:
            shop.opt_ins[i] = 1 - shop.opt_ins[i]
        self.write_customer(customer, abs_sec)
        self.versions["customers.csv"] += 1

    # -- products --------------------------------------------------------------------------
    def write_product(self, index: int, updated: str) -> None:
        """A version of a product at its current price and cost, effective at ``updated``."""
        p, (list_cents, cost_cents) = self.products[index], self.shop.prices[index]
        launched = self.shop.origin - dt.timedelta(days=120 + (index * 97) % 1400)
        self.out.files["products.csv"].write(
            f"{index + 1},{cat.CATEGORY_CODES[p.category]}-{index + 1:04d},{p.name},"
            f"{p.category},{money(list_cents)},{money(cost_cents)},{p.supplier},"
            f"{launched.isoformat()},true,{updated}\n")
        self.versioned_products.add(index)

    def review_prices(self, today: int) -> None:
        """A price review at midnight: a few products get a new list price (mostly a rise,
        sometimes a markdown; x.99 prices stay x.99) and maybe a new unit cost."""
        rng = self.versions_rng
        count = rng.randint(*PRICE_CHANGES)
        for index in sorted(rng.sample(range(self.n_products), count)):
            if index in self.versioned_products:
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
            size = len(self.line_values) // self.n_products
            self.line_values[index * size:(index + 1) * size] = self._line_values(index)
            self.write_product(index, f"{self.day_text[today]} 00:00:00")
            self.versions["products.csv"] += 1

    # -- the run ---------------------------------------------------------------------------
    def open_shop(self) -> None:
        """First batch: catalog, customers registered before opening, opening stock."""
        shop = self.shop
        origin = shop.origin.toordinal()
        for index in range(self.n_products):
            launched = shop.origin - dt.timedelta(days=120 + (index * 97) % 1400)
            self.write_product(index, f"{launched.isoformat()} 00:00:00")
        since = (origin - 730) * DAY
        times = sorted(since + int(self.rng.random() * 730 * DAY)
                       for _ in range(shop.registered_before))
        for abs_sec in times:
            self.register(abs_sec)
        for product in range(self.n_products):
            opening = self.expected_units(product, origin, REORDER_COVER_DAYS + LEAD_DAYS[1])
            quantity = max(10, -(-int(opening * SAFETY) // 10) * 10)
            shop.stock[product] = quantity
            self.movement(product, origin * DAY, "receipt", quantity)

    def run(self, days: int, progress: Callable[[dt.date, int], None] | None) -> BatchResult:
        shop = self.shop
        first_day = shop.next_day
        complete = False
        try:
            if self.first_batch:
                self.open_shop()
            for offset in range(days):
                day = first_day + dt.timedelta(days=offset)
                self.simulate_day(day.toordinal())
                if progress is not None:
                    progress(day, self.lines_sold)
            complete = True
        finally:
            self.out.close(complete)
        shop.next_day = first_day + dt.timedelta(days=days)
        started = shop.next_ids
        shop.next_ids = {name: next(counter) for name, counter in self.ids.items()}
        made = {name: shop.next_ids[name] - started[name] for name in started}
        rows = {
            "products.csv": self.n_products if self.first_batch else self.versions["products.csv"],
            "customers.csv": made["customer"] + self.versions["customers.csv"],
            "order_lines.csv": self.lines_sold,
            "inventory_movements.csv": made["movement"],
            "payments.csv": made["payment"],
            "carts.csv": made["cart"],
            "cart_items.csv": made["cart_item"],
            "reviews.csv": made["review"],
        }
        return BatchResult(first_day, shop.next_day - dt.timedelta(days=1), rows,
                           self.orders, self.refused_lines)

    def simulate_day(self, today: int) -> None:
        shop, rng = self.shop, self.rng
        rnd = rng.random
        date = dt.date.fromordinal(today)
        weight = self.weight(today)
        promotion = cat.holiday_factor(date) >= cat.PROMOTION_THRESHOLD
        self.discounts = self.discount_draw["promotion" if promotion else "ordinary"]
        horizon = LEAD_DAYS[1] + 2
        for product in range(self.n_products):
            self.reorder_point[product] = int(
                SAFETY * self.expected_units(product, today, horizon)) + 1

        shop.lines_expected += shop.lines_per_weight * weight
        planned = round(shop.lines_expected) - shop.lines_planned
        shop.lines_planned += planned
        quota = planned + shop.line_shortfall
        sizes = []
        while quota > 0:
            size = min(quota, self.lines_draw() + 1)
            sizes.append(size)
            quota -= size
        order_secs = sorted(self.time_of_day() for _ in sizes)

        shop.signups_expected += shop.signups_per_weight * weight
        signups = round(shop.signups_expected) - shop.signups_planned
        shop.signups_planned += signups

        events = shop.calendar.pop(today, [])
        for _ in range(signups):
            shop.seq += 1
            events.append([self.time_of_day(), shop.seq, SIGNUP, None])
        for _ in range(int(len(sizes) * ABANDONED_PER_ORDER + rnd())):
            shop.seq += 1
            events.append([self.time_of_day(), shop.seq, CART_OPEN, None])
        if date.day == 1 and today != shop.origin.toordinal():
            for product in range(self.n_products):
                if rnd() < ADJUSTMENT_CHANCE:
                    delta = 1 if rnd() < 0.2 else -rng.randint(1, 3)
                    shop.seq += 1
                    events.append([5 * 3600 + 37 * product, shop.seq, ADJUST, [product, delta]])
        if not self.first_batch:
            self.plan_versions(today, date, events)
        events.sort(key=lambda e: (e[0], e[2], e[1]))

        sold = 0
        position = 0
        base = today * DAY
        for sec, size in zip(order_secs, sizes, strict=True):
            while position < len(events) and events[position][0] < sec:
                self.handle(events[position], today)
                position += 1
            sold += self.place_order(base + sec, today, size)
        for event in events[position:]:
            self.handle(event, today)
        shop.line_shortfall = sum(sizes) - sold
        self.lines_sold += sold
        self.first_signups.clear()

    def plan_versions(self, today: int, date: dt.date, events: list[list[Any]]) -> None:
        """Continuation batches only: a price review every PRICE_REVIEW_WEEKS weeks on a Monday
        (at midnight, so all the day's orders use the new prices), and the customers who
        change today, at times during the day."""
        if date.weekday() == 0 and (today // 7) % PRICE_REVIEW_WEEKS == 0:
            self.review_prices(today)
        rnd, shop = self.versions_rng.random, self.shop
        for _ in range(int(self.customers_before * CUSTOMER_CHANGES_PER_DAY + rnd())):
            customer = 1 + int(rnd() * self.customers_before)
            sec = 7 * 3600 + int(rnd() * 15 * 3600)
            if customer in self.versioned_customers:
                continue  # one version per customer in a batch
            self.versioned_customers.add(customer)
            shop.seq += 1
            events.append([sec, shop.seq, CUSTOMER_CHANGE, [customer]])

    def handle(self, event: list[Any], today: int) -> None:
        sec, _, kind, payload = event
        abs_sec = today * DAY + sec
        shop = self.shop
        if kind == SIGNUP:
            customer = self.register(abs_sec)
            if self.rng.random() < FIRST_SIGNUP_ORDER:
                self.first_signups.append((customer, abs_sec))
        elif kind == CART_OPEN:
            self.open_cart(abs_sec, today)
        elif kind == RECEIPT:
            product, quantity = payload
            shop.stock[product] += quantity
            shop.on_order[product] = 0
            self.movement(product, abs_sec, "receipt", quantity)
            if shop.stock[product] < self.reorder_point[product]:
                self.reorder(product, today)
        elif kind == ADJUST:
            product, delta = payload
            delta = max(delta, -shop.stock[product])
            if delta:
                shop.stock[product] += delta
                self.movement(product, abs_sec, "adjustment", delta)
        elif kind == RETURN:
            order, method, amount, lines = payload
            for i in range(0, len(lines), 2):
                shop.stock[lines[i]] += lines[i + 1]
                self.movement(lines[i], abs_sec, "return", lines[i + 1], order)
            self.payment(order, abs_sec, method, amount, "refunded")
        elif kind == CAPTURE:
            order, method, amount = payload
            self.payment(order, abs_sec, method, amount, "captured")
        elif kind == REVIEW:
            self.write_review(abs_sec, *payload)
        elif kind == CART_ABANDONED:
            self.write_cart(payload[0], payload[1], "abandoned", "", payload[2])
        elif kind == CUSTOMER_CHANGE:
            self.change_customer(payload[0], abs_sec)
        else:  # pragma: no cover - a corrupt state file
            raise ValueError(f"unknown event kind {kind}")

    def open_cart(self, abs_sec: int, today: int) -> None:
        """A cart that will be abandoned: written a day later, when it counts as abandoned."""
        rnd = self.rng.random
        customer = self.pick_customer()
        draw = self.product_draw[self.shop.genders[customer - 1]]
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
        self.schedule(today + 1, sec, CART_ABANDONED, [customer, created, items])

    def write_cart(self, customer: int, created: int, status: str, order: int | str,
                   items: list[int]) -> None:
        """A cart and its items (``items`` is flat: product, quantity, added time, ...)."""
        cart, ts = next(self.ids["cart"]), self.ts
        self.out.files["carts.csv"].write(f"{cart},{customer},{ts(created)},{status},{order}\n")
        write, item_ids = self.out.files["cart_items.csv"].write, self.ids["cart_item"]
        for i in range(0, len(items), 3):
            write(f"{next(item_ids)},{cart},{items[i] + 1},{items[i + 1]},{ts(items[i + 2])}\n")

    def write_review(self, abs_sec: int, product: int, customer: int, order: int,
                     rating: int) -> None:
        """A review, its title and body made from the rating's templates."""
        rnd = self.rng.random
        titles = cat.REVIEW_TITLES[rating]
        openers = cat.REVIEW_OPENERS[rating]
        opener = openers[int(rnd() * len(openers))].format(p=self.products[product].name)
        closers = cat.REVIEW_CLOSERS[
            "unhappy" if rating <= 2 else ("neutral" if rating == 3 else "happy")]
        closer = closers[int(rnd() * len(closers))]
        body = f"{opener} {closer}".strip()
        self.reviews_writer.writerow((
            next(self.ids["review"]), product + 1, customer, order, rating,
            titles[int(rnd() * len(titles))], body, self.ts(abs_sec)))

    def place_order(self, abs_sec: int, today: int, size: int) -> int:
        """One order of up to ``size`` lines at ``abs_sec``; returns the lines sold."""
        shop, rnd = self.shop, self.rng.random
        # who, and how
        if self.first_signups and self.first_signups[0][1] < abs_sec:
            customer = self.first_signups.popleft()[0]
            login = "First SignUp"
        else:
            customer = self.pick_customer()
            if (not shop.ordered[customer - 1]
                    and abs_sec - shop.signed_up[customer - 1] <= NEW_CUSTOMER_DAYS * DAY):
                login = "New"
            else:
                login = "Guest" if rnd() < cat.GUEST_SHARE else "Member"
        gender = shop.genders[customer - 1]
        device = self.devices[self.device_draw()]
        priority_index = self.priority_draw()
        priority, low, spread = self.priorities[priority_index]
        method = self.methods[self.payment_draw()]
        aging_half_days = low + int(rnd() * spread)

        # what: distinct products, each sold only if stock covers it
        draw, discounts, quantities = self.product_draw[gender], self.discounts, self.quantity_draw
        stock, max_quantity, reorder_point = shop.stock, self.max_quantity, self.reorder_point
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
            if stock[product] < quantity:
                self.refused_lines += 1
                continue
            stock[product] -= quantity
            lines.append((product, quantity, tenths))
            if stock[product] < reorder_point[product] and not shop.on_order[product]:
                self.reorder(product, today)
        if not lines:
            return 0

        order = next(self.ids["order"])
        self.orders += 1
        shop.ordered[customer - 1] = 1
        day_text, time_text = self.day_text[today], self.times[abs_sec - today * DAY]
        stamp = f"{day_text} {time_text}"
        head = (f"{day_text},{time_text},{aging_half_days // 2}.{5 * (aging_half_days % 2)},"
                f"{customer},{self.gender_text[gender]},{device},{login},")
        tail = f",{priority},{method},{order}\n"
        write_line = self.out.files["order_lines.csv"].write
        write_movement = self.out.files["inventory_movements.csv"].write
        movement_ids, line_values = self.ids["movement"], self.line_values
        total = 0
        for product, quantity, tenths in lines:
            sales, text = line_values[((product * 6 + quantity) * 6 + tenths) * 4
                                      + priority_index]
            total += sales
            write_line(f"{head}{text}{tail}")
            write_movement(f"{next(movement_ids)},{product + 1},{stamp},sale,{-quantity},"
                           f"{order}\n")

        # the cart it came from: opened minutes (sometimes hours) before, never before sign-up
        delay = 60 + int(rnd() * 2400) if rnd() < 0.85 else 3600 + int(rnd() * 30 * 3600)
        created = max(abs_sec - delay, shop.signed_up[customer - 1] + 1)
        items: list[int] = []
        span = abs_sec - created
        for index, (product, quantity, _) in enumerate(lines):
            items += (product, quantity, created + span * index // len(lines))
        self.write_cart(customer, created, "converted", order, items)

        # payment, refund, reviews
        delivered = abs_sec + aging_half_days * DAY // 2
        paid_at = None
        if method == "money_order":
            if rnd() >= MONEY_ORDER_UNPAID:
                paid_day = today + 1 + int(rnd() * 5)
                paid_sec = self.time_of_day()
                paid_at = paid_day * DAY + paid_sec
                self.schedule(paid_day, paid_sec, CAPTURE, [order, method, total])
        else:
            attempt = abs_sec + 5 + int(rnd() * 86)
            if rnd() < CARD_FAILURE:
                self.payment(order, attempt, method, total, "failed")
                if rnd() < CARD_RETRY_SUCCESS:
                    paid_at = attempt + 60 + int(rnd() * 840)
            else:
                paid_at = attempt
            if paid_at is not None:
                self.payment(order, paid_at, method, total, "captured")
        refunded = paid_at is not None and rnd() < REFUNDED
        if refunded:
            returned = max(paid_at, delivered) + (2 + int(rnd() * 13)) * DAY
            flat = [value for product, quantity, _ in lines for value in (product, quantity)]
            self.schedule(returned // DAY, returned % DAY, RETURN, [order, method, total, flat])
        kind = "refunded" if refunded else "ordinary"
        chance = REVIEW_CHANCE[kind]
        for product, _, _ in lines:
            if rnd() < chance:
                key = customer * 64 + product
                if key in shop.reviewed:
                    continue
                shop.reviewed.add(key)
                at = delivered + (1 + int(rnd() * 25)) * DAY + int(rnd() * 43200) - 21600
                rating = self.rating_draw[kind]() + 1
                self.schedule(at // DAY, at % DAY, REVIEW, [product, customer, order, rating])
        return len(lines)
