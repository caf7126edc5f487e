"""The served shop's sales by customer region and category, computed here from core with plain
Python, independently of the marts by region: what the API, dashboard and browser tests compare
their figures with.

An order's region is the customer's registry region when the order was placed (the
`customer_history` version valid at its day and time, midnight without a time), `Unknown`
without one; the lines come from `core.order_lines`, their category from the product."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import psycopg

LINES = """
select
    order_lines.order_sk, order_lines.customer_id, order_lines.quantity, order_lines.sales,
    coalesce(order_lines.profit, 0), order_lines.order_date, categories.category_name,
    orders.customer_id, orders.order_date + coalesce(orders.order_time, time '00:00')
from core.order_lines
join core.orders on orders.order_sk = order_lines.order_sk
join core.products on products.product_sk = order_lines.product_sk
join core.categories on categories.category_sk = products.category_sk
"""


@dataclass(frozen=True)
class Line:
    order_sk: str
    customer_id: int
    quantity: int
    sales: Decimal
    profit: Decimal
    order_date: dt.date
    category: str
    region: str


def lines(conn: psycopg.Connection) -> list[Line]:
    """Every order line with its category and its order's region."""
    versions = defaultdict(list)
    for customer, region, valid_from, valid_to in conn.execute(
            "select customer_id, region, valid_from, valid_to from core.customer_history"):
        versions[customer].append((valid_from, valid_to, region))

    def region_at(customer: int, moment: dt.datetime) -> str:
        for valid_from, valid_to, region in versions.get(customer, ()):
            if valid_from <= moment and (valid_to is None or moment < valid_to):
                return region or "Unknown"
        return "Unknown"

    return [Line(order_sk, customer, quantity, sales, profit, day, category,
                 region_at(order_customer, moment))
            for (order_sk, customer, quantity, sales, profit, day, category, order_customer,
                 moment) in conn.execute(LINES)]


def chosen(rows: Iterable[Line], regions=None, categories=None, date_from=None,
           date_to=None) -> list[Line]:
    return [line for line in rows
            if (regions is None or line.region in regions)
            and (categories is None or line.category in categories)
            and (date_from is None or line.order_date >= date_from)
            and (date_to is None or line.order_date <= date_to)]


def totals(rows: list[Line]) -> dict:
    revenue = sum((line.sales for line in rows), Decimal(0))
    orders = len({line.order_sk for line in rows})
    return {
        "revenue": revenue,
        "profit": sum((line.profit for line in rows), Decimal(0)),
        "order_count": orders,
        "avg_order_value": cents(revenue / orders) if orders else None,
        "customer_count": len({line.customer_id for line in rows}),
    }


def cells(rows: list[Line]) -> dict[tuple[str, str], dict]:
    """(region, category) -> revenue, profit, units, orders."""
    found: dict[tuple[str, str], dict] = {}
    for line in rows:
        cell = found.setdefault((line.region, line.category), {
            "revenue": Decimal(0), "profit": Decimal(0), "units": 0, "orders": set()})
        cell["revenue"] += line.sales
        cell["profit"] += line.profit
        cell["units"] += line.quantity
        cell["orders"].add(line.order_sk)
    return {key: {**cell, "orders": len(cell["orders"])} for key, cell in found.items()}


def daily_revenue(rows: list[Line], first: dt.date, last: dt.date) -> dict[dt.date, Decimal]:
    """Revenue of every day from ``first`` to ``last``, zeros included."""
    days = {first + dt.timedelta(days=n): Decimal(0) for n in range((last - first).days + 1)}
    for line in rows:
        if first <= line.order_date <= last:
            days[line.order_date] += line.sales
    return days


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def money(value: Decimal | None) -> str:
    """As the dashboard writes money: ``$1,234.50``."""
    if value is None:
        return "–"
    exact = cents(value)
    return f"{'-' if exact < 0 else ''}${abs(exact):,.2f}"
