"""Customers: sign-ups, who orders, and the customers feed with its versions.

A customer belongs to a tier (a few loyal, many occasional) that sets how often they order and
how likely they opt in to marketing. Names come from Faker-made pools (:class:`NamePools`,
imported only when a batch runs); places from the catalog's geography. The first batch writes
the customers registered in the two years before opening; a continuation batch writes the new
sign-ups and a new version of each customer who moved or flipped their opt-in.
"""

from __future__ import annotations

import csv
import re
from collections import deque

from storefront.simulate import catalog as cat
from storefront.simulate.batch import CUSTOMER_CHANGE, SIGNUP, Batch, Event, drawer
from storefront.simulate.feeds import DAY

# Customer tiers: share of sign-ups and relative ordering rate (a few loyal, many occasional).
TIERS = ((0.02, 25), (0.18, 4), (0.80, 1))
FIRST_SIGNUP_ORDER = 0.04  # chance a new customer orders right after signing up
NEW_CUSTOMER_DAYS = 7  # a first order within this many days of signing up is "New"
OPT_IN = {0: 0.55, 1: 0.45, 2: 0.35}  # marketing opt-in by tier
CUSTOMER_CHANGES_PER_DAY = 0.0005  # share of the registered customers changing a day
MOVE_SHARE = 0.6  # of those, moving (new city, maybe region and country); else opt-in flips


class NamePools:
    """Faker-made name pools (drawn once per batch, from the seed) and the places to live."""

    def __init__(self, seed: int) -> None:
        from faker import Faker  # imported here: it takes a while, and only generating needs it

        fake = Faker("en_US")
        fake.seed_instance(seed)
        self.first = ([fake.first_name_male() for _ in range(400)],
                      [fake.first_name_female() for _ in range(400)])
        self.last = [fake.last_name() for _ in range(800)]
        self.places: list[tuple[str, str, str, float]] = []  # (country, region, city, weight)
        for country, weight, regions in cat.GEOGRAPHY:
            cities = [(region, city) for region, names in regions for city in names]
            for region, city in cities:
                self.places.append((country, region, city, weight / len(cities)))


def email_local_part(first: str, last: str) -> str:
    """The name part of an e-mail address: ``first.last`` in lowercase ASCII letters."""
    return re.sub(r"[^a-z]", "", first.lower()) + "." + re.sub(r"[^a-z]", "", last.lower())


class Customers:
    """The customer registry of a batch: sign-ups, changes, and picking who orders."""

    def __init__(self, batch: Batch) -> None:
        self.batch = batch
        self.shop = batch.shop
        self.rng = batch.rng
        self.text = NamePools(batch.shop.seed)
        self.writer = csv.writer(batch.out.files["customers.csv"], lineterminator="\n")
        self.gender_text = [gender for gender, _ in cat.GENDERS]
        self.tier_members: list[list[int]] = [[], [], []]
        for index, tier in enumerate(self.shop.tiers):
            self.tier_members[tier].append(index + 1)
        # Customers given a version in this batch (a file holds one per customer), and the
        # customers registered before it (the ones who can change).
        self.versioned: set[int] = set()
        self.registered_before_batch = len(self.shop.genders)
        self.written = 0  # rows written to customers.csv
        # new customers who order right after signing up: (customer, signed up at), in order
        self.first_signups: deque[tuple[int, int]] = deque()
        rnd = batch.rng.random
        place_weights = [place[3] for place in self.text.places]
        self.place_draw = drawer(place_weights, rnd)
        self.move_draw = drawer(place_weights, batch.versions_rng.random)
        self.gender_draw = drawer((w for _, w in cat.GENDERS), rnd)
        self.tier_share_draw = drawer((share for share, _ in TIERS), rnd)

    def register_before_opening(self) -> None:
        """First batch: the customers who signed up in the two years before the first day."""
        since = (self.shop.origin.toordinal() - 730) * DAY
        times = sorted(since + int(self.rng.random() * 730 * DAY)
                       for _ in range(self.shop.registered_before))
        for abs_sec in times:
            self.register(abs_sec)

    def plan_signups(self, weight: float, events: list[Event]) -> None:
        """Today's sign-ups (the day's share of the run's), at times during the day."""
        shop = self.shop
        shop.signups_expected += shop.signups_per_weight * weight
        signups = round(shop.signups_expected) - shop.signups_planned
        shop.signups_planned += signups
        for _ in range(signups):
            self.batch.add_event(events, self.batch.time_of_day(), SIGNUP, None)

    def sign_up(self, abs_sec: int) -> None:
        """A sign-up during the batch; a few order right away (see :meth:`who_orders`)."""
        customer = self.register(abs_sec)
        if self.rng.random() < FIRST_SIGNUP_ORDER:
            self.first_signups.append((customer, abs_sec))

    def register(self, abs_sec: int) -> int:
        """A new customer signed up at ``abs_sec``, written to the feed; returns the id."""
        shop, rnd, text = self.shop, self.rng.random, self.text
        customer = next(self.batch.ids["customer"])
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
        self.write(customer, abs_sec)
        return customer

    def write(self, customer: int, updated: int) -> None:
        """A version of a customer as they are now, effective at ``updated``."""
        shop, text, i = self.shop, self.text, customer - 1
        gender = shop.genders[i]
        first, last = text.first[gender][shop.first_names[i]], text.last[shop.last_names[i]]
        country, region, city, _ = text.places[shop.places[i]]
        ts = self.batch.ts
        self.writer.writerow((
            customer, first, last,
            f"{email_local_part(first, last)}.{customer}@{cat.EMAIL_DOMAINS[shop.domains[i]]}",
            self.gender_text[gender], country, region, city, ts(shop.signed_up[i]),
            "true" if shop.opt_ins[i] else "false", ts(updated)))
        self.versioned.add(customer)
        self.written += 1

    def plan_changes(self, events: list[Event]) -> None:
        """Continuation batches: the customers who change today, at times during the day."""
        rnd, before = self.batch.versions_rng.random, self.registered_before_batch
        for _ in range(int(before * CUSTOMER_CHANGES_PER_DAY + rnd())):
            customer = 1 + int(rnd() * before)
            sec = 7 * 3600 + int(rnd() * 15 * 3600)
            if customer in self.versioned:
                continue  # one version per customer in a batch
            self.versioned.add(customer)
            self.batch.add_event(events, sec, CUSTOMER_CHANGE, [customer])

    def change(self, customer: int, abs_sec: int) -> None:
        """A customer moves (a new city, maybe region and country) or flips their opt-in."""
        shop, rnd, i = self.shop, self.batch.versions_rng.random, customer - 1
        if rnd() < MOVE_SHARE:
            place = self.move_draw()
            if place == shop.places[i]:
                place = (place + 1) % len(self.text.places)
            shop.places[i] = place
        else:
            shop.opt_ins[i] = 1 - shop.opt_ins[i]
        self.write(customer, abs_sec)

    def pick(self) -> int:
        """A registered customer, loyal ones far more often than occasional ones."""
        (loyal, regular, occasional), rnd = self.tier_members, self.rng.random
        weight_loyal = len(loyal) * TIERS[0][1]
        weight_regular = len(regular) * TIERS[1][1]
        r = rnd() * (weight_loyal + weight_regular + len(occasional) * TIERS[2][1])
        group = loyal if r < weight_loyal else (
            regular if r < weight_loyal + weight_regular else occasional)
        return group[int(rnd() * len(group))]

    def who_orders(self, abs_sec: int) -> tuple[int, str]:
        """The customer placing an order at ``abs_sec`` and their login type: a customer who
        just signed up and orders at once, else one picked from the registry."""
        if self.first_signups and self.first_signups[0][1] < abs_sec:
            return self.first_signups.popleft()[0], "First SignUp"
        shop = self.shop
        customer = self.pick()
        if (not shop.ordered[customer - 1]
                and abs_sec - shop.signed_up[customer - 1] <= NEW_CUSTOMER_DAYS * DAY):
            return customer, "New"
        return customer, "Guest" if self.rng.random() < cat.GUEST_SHARE else "Member"

    def end_day(self) -> None:
        """Sign-ups still waiting to place their first order at the end of the day do not."""
        self.first_signups.clear()

