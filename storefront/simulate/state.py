"""The shop's state: everything that carries over from one batch to the next.

:class:`Shop` is saved as ``generator_state.json`` after every batch (:meth:`Shop.to_json`) and
read back to continue the dataset (:meth:`Shop.from_json`); :func:`new_shop` makes the state of
a shop about to open, sized for the run asked for.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from storefront.simulate import catalog as cat

STATE_FORMAT = 2
LINES_PER_CUSTOMER = 5  # --customers N sizes the run to N * 5 order lines, and back


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
    # The customer's current attributes, as indexes: first name (in the pool of their gender),
    # last name, e-mail domain, place (see customers.NamePools); and the marketing opt-in (0/1).
    first_names: list[int] = field(default_factory=list)
    last_names: list[int] = field(default_factory=list)
    domains: list[int] = field(default_factory=list)
    places: list[int] = field(default_factory=list)
    opt_ins: list[int] = field(default_factory=list)
    reviewed: set[int] = field(default_factory=set)  # customer_id * 64 + product index
    calendar: dict[int, list[list[Any]]] = field(default_factory=dict)  # day ordinal -> events

    def to_json(self) -> dict[str, Any]:
        """The state as saved in ``generator_state.json``."""
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
        """The state saved by :meth:`to_json`; ValueError if another format wrote it."""
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
