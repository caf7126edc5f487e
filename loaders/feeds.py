"""Feed declarations: what a file of each feed must look like and where it lands.

A feed is a declaration, not code: its columns (landing name, SQL type, rule), its natural key
and the table it lands in, ``raw.<table>``, from a file named ``<table>.csv`` when a whole folder
is loaded. The one loading mechanism (:mod:`loaders.load`) reads these declarations to create
the landing table, match the header, check every row and quarantine the rows that break a rule.
Adding a feed means adding a ``Feed(...)`` below and to ``FEEDS``.

Column rules (applied to the trimmed text of a field; an empty field is null):

``text``       any text; with ``allowed``, one of those values exactly.
``date``       a real ISO date ``YYYY-MM-DD``.
``time``       ``HH:MM:SS`` (00:00:00 to 23:59:59).
``timestamp``  ``YYYY-MM-DD HH:MM:SS`` (a real date, one space, a time), no time zone.
``whole``      a whole number, optionally written with a zero fraction (``37077``, ``2.0``).
``decimal``    a decimal number with a ``.`` point only (no exponent, no thousands separator).
``boolean``    ``true`` or ``false`` (any case; stored as a boolean).

``minimum`` / ``maximum`` bound ``whole`` and ``decimal`` values (inclusive; ``minimum_exclusive``
makes the lower bound exclusive: ``minimum=0, minimum_exclusive=True`` means positive).
``required`` rejects an empty field; ``default`` replaces an empty field. Reason codes are
``missing_<word>`` and ``bad_<word>``, where the word is ``reason`` (default: the column name).
A feed's natural ``key`` must be unique within a file: a repeated key rejects every row after
the first that carries it, reason ``duplicate_key``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

RULES = ("text", "date", "time", "timestamp", "whole", "decimal", "boolean")
DUPLICATE_KEY = "duplicate_key"


@dataclass(frozen=True)
class Column:
    """One column of a feed: its header (matched case-insensitively) is its landing name."""

    name: str
    sql_type: str
    rule: str = "text"
    required: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    minimum_exclusive: bool = False  # the value must be above ``minimum``, not equal to it
    allowed: tuple[str, ...] = ()  # text: the only values accepted (exact, case-sensitive)
    default: str | None = None
    optional: bool = False  # the header may be absent from a file; the column is then null
    reason: str | None = None  # the word in this column's reason codes (default: its name)

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"column {self.name}: unknown rule {self.rule!r}")
        if self.allowed and self.rule != "text":
            raise ValueError(f"column {self.name}: allowed values need the text rule")
        if self.minimum_exclusive and (self.rule != "decimal" or self.minimum is None):
            raise ValueError(f"column {self.name}: minimum_exclusive needs a decimal minimum")

    @property
    def word(self) -> str:
        return self.reason or self.name


@dataclass(frozen=True)
class Feed:
    """A feed: the file layout, the rules and the landing table ``raw.<table>``."""

    name: str  # as typed on the command line, e.g. ``order-lines``
    table: str
    columns: tuple[Column, ...]
    description: str = ""
    # The natural key: unique within one file (a repeated key is rejected as duplicate_key).
    # The same key may come again in a later file: a new version of what it identifies. Rows
    # themselves are identified by (_batch_id, _line_number); an order line has no key.
    key: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = [c.name for c in self.columns]
        for name in self.key:
            if name not in names or not self.column(name).required:
                raise ValueError(f"feed {self.name}: key column {name} must be a required column")

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def file_name(self) -> str:
        """The file this feed is found in when a folder is loaded: ``<table>.csv``."""
        return f"{self.table}.csv"


ZERO = Decimal(0)
ONE = Decimal(1)


def _id(name: str, required: bool = True) -> Column:
    """A positive whole-number identifier."""
    return Column(name, "bigint", "whole", required=required, minimum=ONE)


def _at(name: str, required: bool = True) -> Column:
    """A shop-local timestamp ``YYYY-MM-DD HH:MM:SS``."""
    return Column(name, "timestamp", "timestamp", required=required)


PRODUCTS = Feed(
    name="products",
    table="products",
    description="the product catalog: one row per product version",
    key=("product_id",),
    columns=(
        _id("product_id"),
        Column("sku", "text", required=True),
        Column("product_name", "text", required=True),
        Column("category", "text", required=True),
        Column("list_price", "numeric", "decimal", required=True, minimum=ZERO),
        Column("unit_cost", "numeric", "decimal", required=True, minimum=ZERO),
        Column("supplier", "text"),
        Column("launch_date", "date", "date"),
        Column("is_active", "boolean", "boolean"),
        _at("updated_at"),
    ),
)

CUSTOMERS = Feed(
    name="customers",
    table="customers",
    description="the customer registry: one row per customer version",
    key=("customer_id",),
    columns=(
        _id("customer_id"),
        Column("first_name", "text"),
        Column("last_name", "text"),
        Column("email", "text"),
        Column("gender", "text"),
        Column("country", "text"),
        Column("region", "text"),
        Column("city", "text"),
        _at("signed_up_at", required=False),
        Column("marketing_opt_in", "boolean", "boolean"),
        _at("updated_at"),
    ),
)

ORDER_LINES = Feed(
    name="order-lines",
    table="order_lines",
    description="the flat sales export: one row per order line",
    columns=(
        Column("order_date", "date", "date", required=True, reason="date"),
        Column("time", "time", "time"),
        Column("aging", "numeric", "decimal", minimum=ZERO),
        Column("customer_id", "bigint", "whole", required=True, minimum=ONE),
        Column("gender", "text"),
        Column("device_type", "text"),
        Column("customer_login_type", "text"),
        Column("product_category", "text", required=True),
        Column("product", "text", required=True),
        Column("sales", "numeric", "decimal", required=True, minimum=ZERO),
        Column("quantity", "integer", "whole", required=True, minimum=ONE),
        Column("discount", "numeric", "decimal", minimum=ZERO, maximum=ONE, default="0"),
        Column("profit", "numeric", "decimal"),
        Column("shipping_cost", "numeric", "decimal", minimum=ZERO),
        Column("order_priority", "text"),
        Column("payment_method", "text"),
        Column("order_id", "text", optional=True),
    ),
)

INVENTORY_MOVEMENTS = Feed(
    name="inventory-movements",
    table="inventory_movements",
    description="the stock ledger: one row per stock movement",
    key=("movement_id",),
    columns=(
        _id("movement_id"),
        _id("product_id"),
        _at("moved_at"),
        Column("movement_type", "text", required=True,
               allowed=("receipt", "sale", "return", "adjustment")),
        Column("quantity", "integer", "whole", required=True),  # signed: a sale is negative
        _id("order_id", required=False),  # sales and returns only
    ),
)

PAYMENTS = Feed(
    name="payments",
    table="payments",
    description="payment attempts and refunds: one row per payment",
    key=("payment_id",),
    columns=(
        _id("payment_id"),
        _id("order_id"),
        _at("processed_at"),
        Column("payment_method", "text"),
        Column("amount", "numeric", "decimal", required=True, minimum=ZERO,
               minimum_exclusive=True),
        Column("status", "text", required=True, allowed=("captured", "failed", "refunded")),
    ),
)

CARTS = Feed(
    name="carts",
    table="carts",
    description="shopping carts: one row per cart, converted or abandoned",
    key=("cart_id",),
    columns=(
        _id("cart_id"),
        _id("customer_id"),
        _at("created_at"),
        Column("status", "text", required=True, allowed=("converted", "abandoned")),
        _id("order_id", required=False),  # converted carts only
    ),
)

CART_ITEMS = Feed(
    name="cart-items",
    table="cart_items",
    description="products put in carts: one row per cart item",
    key=("cart_item_id",),
    columns=(
        _id("cart_item_id"),
        _id("cart_id"),
        _id("product_id"),
        Column("quantity", "integer", "whole", required=True, minimum=ONE),
        _at("added_at"),
    ),
)

REVIEWS = Feed(
    name="reviews",
    table="reviews",
    description="product reviews: one row per review",
    key=("review_id",),
    columns=(
        _id("review_id"),
        _id("product_id"),
        _id("customer_id"),
        _id("order_id"),
        Column("rating", "integer", "whole", required=True, minimum=ONE, maximum=Decimal(5)),
        Column("title", "text"),
        Column("body", "text"),
        _at("reviewed_at"),
    ),
)

# Every feed, in dependency order: a folder's files are loaded in this order (a row refers only
# to rows of feeds above it).
FEEDS: dict[str, Feed] = {
    feed.name: feed
    for feed in (PRODUCTS, CUSTOMERS, ORDER_LINES, INVENTORY_MOVEMENTS, PAYMENTS, CARTS,
                 CART_ITEMS, REVIEWS)
}


def get(name: str) -> Feed:
    """The feed called ``name`` (``order-lines`` or ``order_lines``)."""
    key = name.replace("_", "-")
    if key not in FEEDS:
        raise KeyError(f"unknown feed {name!r} (known: {', '.join(FEEDS)})")
    return FEEDS[key]
