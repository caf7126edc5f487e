"""Payments: how an order is paid (or not), refunds, and the payments feed.

Cards and wallets are charged a few seconds after the order; a few first attempts fail and
most of those are retried successfully. Money orders are paid days later, or never. A small
share of paid orders is returned after delivery and refunded: the refund is scheduled with the
goods to take back into stock.
"""

from __future__ import annotations

from storefront.simulate.batch import CAPTURE, RETURN, Batch
from storefront.simulate.feeds import DAY, money

MONEY_ORDER_UNPAID = 0.08  # money orders never paid
CARD_FAILURE = 0.035  # first card attempts that fail
CARD_RETRY_SUCCESS = 0.75  # failed attempts followed by a successful one
REFUNDED = 0.045  # paid orders returned and refunded


class Payments:
    """The payments of a batch: attempts, captures and refunds."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.rng, self.ts, self.payment_ids = batch.rng, batch.ts, batch.ids["payment"]
        self.file = batch.out.files["payments.csv"]

    def settle(self, order: int, abs_sec: int, today: int, method: str, total: int,
               delivered: int, lines: list[tuple[int, int, int]]) -> bool:
        """Pay for an order placed at ``abs_sec`` (``lines``: product, quantity, discount),
        and maybe schedule its return and refund after ``delivered``; True if refunded."""
        rnd = self.rng.random
        paid_at = None
        if method == "money_order":
            if rnd() >= MONEY_ORDER_UNPAID:
                paid_day = today + 1 + int(rnd() * 5)
                paid_sec = self.batch.time_of_day()
                paid_at = paid_day * DAY + paid_sec
                self.batch.schedule(paid_day, paid_sec, CAPTURE, [order, method, total])
        else:
            attempt = abs_sec + 5 + int(rnd() * 86)
            if rnd() < CARD_FAILURE:
                self.write(order, attempt, method, total, "failed")
                if rnd() < CARD_RETRY_SUCCESS:
                    paid_at = attempt + 60 + int(rnd() * 840)
            else:
                paid_at = attempt
            if paid_at is not None:
                self.write(order, paid_at, method, total, "captured")
        if paid_at is None or rnd() >= REFUNDED:
            return False
        returned = max(paid_at, delivered) + (2 + int(rnd() * 13)) * DAY
        flat = [value for product, quantity, _ in lines for value in (product, quantity)]
        self.batch.schedule(returned // DAY, returned % DAY, RETURN, [order, method, total, flat])
        return True

    def write(self, order: int, abs_sec: int, method: str, amount: int, status: str) -> None:
        """One payment row: an attempt, a capture or a refund of ``amount`` cents."""
        self.file.write(f"{next(self.payment_ids)},{order},{self.ts(abs_sec)},{method},"
                        f"{money(amount)},{status}\n")
