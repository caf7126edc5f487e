"""Reference data for the synthetic shop: the catalog, the mixes and the calendar shape.

Product names and categories are those of the public sales export (42 products in 4 categories);
the relative popularity of each product, and the device / login / priority / payment mixes, are
the shares measured on that export (51,290 lines of 2018). Prices and costs are ours, in cents.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple


class Product(NamedTuple):
    name: str
    category: str
    list_cents: int  # list price of one unit
    cost_cents: int  # unit cost (what the shop pays the supplier)
    ship_cents: int  # base shipping cost of one unit at Medium priority
    popularity: int  # lines per year in the public export
    max_quantity: int  # most units of it one order line holds
    supplier: str


_SUPPLIERS = {
    "Auto & Accessories": ("Roadline Parts Co.", "Torque & Trim Ltd."),
    "Electronic": ("Voltaic Distribution", "Brightwave Electronics"),
    "Fashion": ("Threadmill Apparel", "Stride Footwear Group", "Chronos Time Ltd."),
    "Home & Furniture": ("Hearth & Loom", "Oakridge Furnishings"),
}


def _p(name: str, category: str, price: str, cost: str, ship: str, popularity: int,
       max_quantity: int = 5, supplier: int = 0) -> Product:
    def cents(text: str) -> int:
        whole, _, frac = text.partition(".")
        return int(whole) * 100 + int((frac + "00")[:2])

    return Product(name, category, cents(price), cents(cost), cents(ship), popularity,
                   max_quantity, _SUPPLIERS[category][supplier])


AUTO, ELEC, FASH, HOME = "Auto & Accessories", "Electronic", "Fashion", "Home & Furniture"

# product_id = position in this tuple + 1 (stable: append only).
PRODUCTS: tuple[Product, ...] = (
    _p("Car Media Players", AUTO, "89.99", "38.90", "4.50", 825, 3),
    _p("Car Speakers", AUTO, "59.99", "25.10", "3.90", 825, 4),
    _p("Tyre", AUTO, "119.00", "52.40", "9.80", 890, 4, 1),
    _p("Bike Tyres", AUTO, "34.99", "14.90", "3.20", 825, 4, 1),
    _p("Car Mat", AUTO, "29.99", "12.20", "2.90", 825),
    _p("Car Seat Covers", AUTO, "44.99", "18.60", "3.40", 827),
    _p("Car Pillow & Neck Rest", AUTO, "24.99", "9.40", "1.90", 828),
    _p("Car & Bike Care", AUTO, "14.99", "5.90", "1.50", 826, 5, 1),
    _p("Car Body Covers", AUTO, "39.99", "16.30", "3.10", 826),
    _p("Apple Laptop", ELEC, "1299.00", "620.00", "12.00", 221, 2),
    _p("Samsung Mobile", ELEC, "499.00", "235.00", "6.50", 221, 2),
    _p("Tablet", ELEC, "329.00", "158.00", "6.50", 221, 2),
    _p("LCD", ELEC, "249.00", "121.00", "14.00", 224, 2, 1),
    _p("LED", ELEC, "399.00", "190.00", "18.00", 224, 2, 1),
    _p("Speakers", ELEC, "79.99", "37.50", "4.20", 261, 3, 1),
    _p("Keyboard", ELEC, "34.99", "16.20", "2.40", 221),
    _p("Mouse", ELEC, "19.99", "8.90", "1.80", 221),
    _p("Fans", ELEC, "49.99", "24.10", "6.80", 221, 3, 1),
    _p("Iron", ELEC, "29.99", "14.40", "3.30", 221, 3, 1),
    _p("Mixer/Juicer", ELEC, "69.99", "33.60", "5.60", 224, 3, 1),
    _p("Watch", ELEC, "59.99", "27.80", "1.60", 221, 3),
    _p("T - Shirts", FASH, "19.99", "6.90", "1.20", 2332),
    _p("Titak watch", FASH, "149.00", "56.00", "1.90", 2331, 5, 2),
    _p("Fossil Watch", FASH, "129.00", "51.50", "1.90", 2332, 5, 2),
    _p("Running Shoes", FASH, "89.99", "34.20", "3.60", 2331, 5, 1),
    _p("Jeans", FASH, "49.99", "18.90", "2.40", 2332),
    _p("Formal Shoes", FASH, "99.99", "38.50", "3.60", 2331, 5, 1),
    _p("Shirts", FASH, "39.99", "14.60", "1.60", 2332),
    _p("Sports Wear", FASH, "34.99", "13.10", "1.80", 2331),
    _p("Casula Shoes", FASH, "59.99", "23.40", "3.40", 2331, 5, 1),
    _p("Sneakers", FASH, "79.99", "31.20", "3.60", 2331, 5, 1),
    _p("Suits", FASH, "199.00", "79.00", "4.80", 2332, 3),
    _p("Bed Sheets", HOME, "39.99", "15.20", "2.80", 1541),
    _p("Beds", HOME, "499.00", "214.00", "45.00", 1542, 2, 1),
    _p("Curtains", HOME, "29.99", "11.70", "2.60", 1541),
    _p("Towels", HOME, "19.99", "7.40", "2.20", 1541),
    _p("Sofa Covers", HOME, "49.99", "19.80", "3.20", 1539),
    _p("Sofas", HOME, "799.00", "352.00", "59.00", 1542, 2, 1),
    _p("Shoe Rack", HOME, "59.99", "25.80", "8.50", 1542, 3, 1),
    _p("Dinner Crockery", HOME, "69.99", "28.70", "7.90", 1566, 3),
    _p("Dinning Tables", HOME, "399.00", "176.00", "39.00", 1542, 2, 1),
    _p("Umbrellas", HOME, "14.99", "5.70", "1.40", 1542),
)

CATEGORY_CODES = {AUTO: "AUT", ELEC: "ELC", FASH: "FSH", HOME: "HOM"}

# How much more (or less) a male buyer picks a category than a female one does; the export
# shows Auto & Accessories bought mostly by men, Fashion by both.
GENDER_CATEGORY_TILT = {
    "Male": {AUTO: 1.35, ELEC: 1.15, FASH: 0.93, HOME: 0.88},
    "Female": {AUTO: 0.57, ELEC: 0.82, FASH: 1.09, HOME: 1.15},
}

# Mixes measured on the public export (share in per mille). Order-level attributes.
GENDERS = (("Male", 549), ("Female", 451))
DEVICES = (("Web", 929), ("Mobile", 71))
PRIORITIES = (("Medium", 574), ("High", 302), ("Critical", 77), ("Low", 47))
PAYMENT_METHODS = (
    ("credit_card", 7436), ("money_order", 1877), ("e_wallet", 544), ("debit_card", 143),
    ("not_defined", 1),
)
GUEST_SHARE = 0.040  # Guest checkouts among returning customers' orders

# Aging (days from order to delivery) by priority: inclusive range, in half days.
AGING_HALF_DAYS = {"Critical": (2, 6), "High": (4, 10), "Medium": (6, 16), "Low": (10, 21)}
# Shipping cost multiplier by priority, in percent of the Medium price.
SHIPPING_PERCENT = {"Critical": 160, "High": 125, "Medium": 100, "Low": 80}

# Lines per order (1..5) and units per line (1..5) by discount (0.1 .. 0.5): deeper
# discounts sell more units per line.
LINES_PER_ORDER = (620, 220, 100, 40, 20)
QUANTITY_BY_DISCOUNT = {
    1: (480, 260, 130, 85, 45),
    2: (400, 270, 150, 110, 70),
    3: (320, 270, 180, 130, 100),
    4: (240, 250, 210, 160, 140),
    5: (160, 210, 230, 200, 200),
}
DISCOUNT_TENTHS = {  # weights of 0.1 .. 0.5 on ordinary days and on promotion days
    "ordinary": (240, 230, 210, 170, 150),
    "promotion": (90, 130, 200, 270, 310),
}

# Calendar shape. Daily order volume relative to an average day, by month (measured on the
# public export, holiday peaks taken out: they are added below), interpolated day by day.
MONTH_LEVEL = (0.60, 0.60, 0.69, 0.94, 1.25, 1.02, 1.23, 1.03, 1.17, 1.14, 1.16, 1.10)
WEEKDAY_LEVEL = (1.06, 1.02, 1.00, 0.98, 0.92, 0.90, 1.12)  # Monday .. Sunday
HOUR_WEIGHTS = (
    12, 7, 4, 3, 3, 5, 10, 18, 28, 36, 42, 45, 48, 46, 44, 43, 44, 48, 53, 60, 64, 58, 42, 24,
)
YEARLY_GROWTH = 0.12  # volume grows 12 % a year from the dataset's first day
PROMOTION_THRESHOLD = 1.3  # days at or above this holiday factor run deeper discounts

# Rating weights (1..5 stars) for ordinary purchases and for purchases later refunded.
RATING_WEIGHTS = {"ordinary": (6, 6, 12, 28, 48), "refunded": (46, 30, 14, 7, 3)}
REVIEW_TITLES = {
    1: ("Very disappointed", "Would not recommend", "Poor quality", "Not as described"),
    2: ("Below expectations", "Not great", "Could be better", "Meh"),
    3: ("Okay for the price", "Average", "Does the job", "Mixed feelings"),
    4: ("Good value", "Pretty good", "Happy with it", "Solid purchase"),
    5: ("Excellent!", "Love it", "Perfect", "Exactly what I wanted", "Five stars"),
}
REVIEW_OPENERS = {
    1: ("The {p} broke within a week.", "The {p} looks nothing like the photos.",
        "I returned the {p} straight away."),
    2: ("The {p} is flimsier than I expected.", "The {p} works, but only just.",
        "Sizing of the {p} was off."),
    3: ("The {p} is fine, nothing special.", "The {p} does what it says.",
        "Decent {p}, a bit overpriced."),
    4: ("Nice {p}, good quality for the money.", "The {p} arrived quickly and works well.",
        "Really like the {p}."),
    5: ("The {p} is fantastic.", "Best {p} I have owned.", "The {p} exceeded my expectations."),
}
REVIEW_CLOSERS = {  # by rating: unhappy (1-2), neutral (3), happy (4-5)
    "unhappy": ("Delivery took ages.", "Customer service never answered.",
                "Returned it for a refund.", "", ""),
    "neutral": ("Delivery was on time.", "Packaging could be better.", "Bought it as a gift.",
                "", ""),
    "happy": ("Delivery was on time.", "Would buy from this shop again.",
              "Customer service answered fast.", "Bought it as a gift.", "", ""),
}

# Where customers live: country, its weight, and its regions with a few cities each.
GEOGRAPHY: tuple[tuple[str, int, tuple[tuple[str, tuple[str, ...]], ...]], ...] = (
    ("United States", 70, (
        ("California", ("Los Angeles", "San Diego", "San Jose", "Sacramento")),
        ("Texas", ("Houston", "Dallas", "Austin", "San Antonio")),
        ("New York", ("New York", "Buffalo", "Rochester")),
        ("Florida", ("Miami", "Orlando", "Tampa")),
        ("Illinois", ("Chicago", "Springfield")),
        ("Washington", ("Seattle", "Spokane", "Tacoma")),
        ("Georgia", ("Atlanta", "Savannah")),
        ("Massachusetts", ("Boston", "Worcester")),
    )),
    ("Canada", 12, (
        ("Ontario", ("Toronto", "Ottawa", "Hamilton")),
        ("Quebec", ("Montreal", "Quebec City")),
        ("British Columbia", ("Vancouver", "Victoria")),
    )),
    ("United Kingdom", 10, (
        ("England", ("London", "Manchester", "Birmingham", "Leeds")),
        ("Scotland", ("Glasgow", "Edinburgh")),
    )),
    ("Australia", 8, (
        ("New South Wales", ("Sydney", "Newcastle")),
        ("Victoria", ("Melbourne", "Geelong")),
    )),
)
EMAIL_DOMAINS = ("example.com", "example.net", "example.org", "mail.example.com")


def holiday_factor(day: dt.date) -> float:
    """Extra volume on shopping holidays (1.0 on an ordinary day)."""
    y, m, d = day.year, day.month, day.day
    thanksgiving = _nth_weekday(y, 11, 3, 4)
    black_friday = thanksgiving + dt.timedelta(days=1)
    offset = (day - black_friday).days
    if offset == 0:
        return 2.6
    if offset in (1, 2):
        return 1.6
    if offset == 3:  # Cyber Monday
        return 2.2
    if -7 <= offset < 0:
        return 0.9 if offset == -1 else 1.2
    if m == 12:
        if d <= 20:
            return 1.25
        return {24: 0.7, 25: 0.45, 26: 1.4, 31: 0.7}.get(d, 1.0)
    if m == 1 and d == 1:
        return 0.5
    if m == 2 and 7 <= d <= 13:
        return 1.15
    mothers_day = _nth_weekday(y, 5, 6, 2)
    if 0 < (mothers_day - day).days <= 7:
        return 1.2
    summer_sale = _nth_weekday(y, 7, 1, 2)  # second Tuesday of July and the day after
    if 0 <= (day - summer_sale).days <= 1:
        return 1.8
    return 1.0


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def month_level(day: dt.date) -> float:
    """The month level, interpolated linearly between the middles of the months."""
    mid = dt.date(day.year, day.month, 15)
    step = 1 if day >= mid else -1
    other = (day.month - 1 + step) % 12
    other_year = day.year + (1 if day.month == 12 and step == 1 else 0) - (
        1 if day.month == 1 and step == -1 else 0)
    other_mid = dt.date(other_year, other + 1, 15)
    share = abs((day - mid).days) / abs((other_mid - mid).days)
    return MONTH_LEVEL[day.month - 1] * (1 - share) + MONTH_LEVEL[other] * share


def day_weight(day: dt.date, origin: dt.date) -> float:
    """Expected volume of ``day`` relative to an average day of the dataset's first year."""
    growth = 1 + YEARLY_GROWTH * (day - origin).days / 365
    return month_level(day) * WEEKDAY_LEVEL[day.weekday()] * holiday_factor(day) * growth
