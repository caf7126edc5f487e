"""Feed declarations: what a file of each feed must look like and where it lands.

A feed is a declaration, not code: its columns (landing name, SQL type, rule), its key and the
table it lands in, ``raw.<table>``. The one loading mechanism (:mod:`loaders.load`) reads these
declarations to create the landing table, match the header, check every row and quarantine the
rows that break a rule. Adding a feed means adding a ``Feed(...)`` below and to ``FEEDS``.

Column rules (applied to the trimmed text of a field; an empty field is null):

``text``     any text.
``date``     a real ISO date ``YYYY-MM-DD``.
``time``     ``HH:MM:SS`` (00:00:00 to 23:59:59).
``whole``    a whole number, optionally written with a zero fraction (``37077``, ``2.0``).
``decimal``  a decimal number with a ``.`` point only (no exponent, no thousands separator).

``minimum`` / ``maximum`` bound ``whole`` and ``decimal`` values (inclusive). ``required`` rejects
an empty field; ``default`` replaces an empty field. Reason codes are ``missing_<word>`` and
``bad_<word>``, where the word is ``reason`` (default: the column name).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

RULES = ("text", "date", "time", "whole", "decimal")


@dataclass(frozen=True)
class Column:
    """One column of a feed: its header (matched case-insensitively) is its landing name."""

    name: str
    sql_type: str
    rule: str = "text"
    required: bool = False
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    default: str | None = None
    optional: bool = False  # the header may be absent from a file; the column is then null
    reason: str | None = None  # the word in this column's reason codes (default: its name)

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"column {self.name}: unknown rule {self.rule!r}")

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
    # What a row describes is identified by these columns (customer_id for customers...): for
    # downstream models and their tests. The loader identifies rows by (_batch_id,
    # _line_number) and keeps every line; an order line has no key of its own.
    key: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


ZERO = Decimal(0)
ONE = Decimal(1)

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

FEEDS: dict[str, Feed] = {feed.name: feed for feed in (ORDER_LINES,)}


def get(name: str) -> Feed:
    """The feed called ``name`` (``order-lines`` or ``order_lines``)."""
    key = name.replace("_", "-")
    if key not in FEEDS:
        raise KeyError(f"unknown feed {name!r} (known: {', '.join(sorted(FEEDS))})")
    return FEEDS[key]
