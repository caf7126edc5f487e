"""The feed files a batch writes: their names and headers, and how values are written as text.

Every feed is one CSV file, written as ``<feed>.csv.part`` and renamed to ``<feed>.csv`` only
once the whole batch is written. Money is integer cents until it is written (:func:`money`);
times are seconds since 0001-01-01 until then (``YYYY-MM-DD HH:MM:SS``, see :class:`DayText`
and :func:`times_of_day`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from pathlib import Path
from typing import TextIO

DAY = 86400  # seconds

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

PART = ".part"  # suffix of a feed file being written; renamed to .csv when the batch is done


@functools.cache
def times_of_day() -> list[str]:
    """``HH:MM:SS`` of every second of a day (made once, on first use)."""
    return [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(DAY)]


class DayText(dict):
    """Day ordinal -> ISO date text, made on first use."""

    def __missing__(self, day: int) -> str:
        text = self[day] = dt.date.fromordinal(day).isoformat()
        return text


def money(cents: int) -> str:
    """Exact decimal text of an amount in cents, like the export: 140.0, 46.5, 12.34."""
    if cents < 0:
        return "-" + money(-cents)
    whole, frac = divmod(cents, 100)
    return f"{whole}.{frac:02d}" if frac % 10 else f"{whole}.{frac // 10}"


class Writers:
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
        """Close every file; rename them to ``.csv`` if the batch is ``complete``."""
        self.stack.close()
        if complete:
            for name in self.files:
                (self.folder / (name + PART)).replace(self.folder / name)
