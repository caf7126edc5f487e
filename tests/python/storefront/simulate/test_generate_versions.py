"""Versions in continuation batches (issue 5): products whose price changed that day, customers
who moved or flipped their opt-in next to the new sign-ups, each with ``updated_at``; the day's
orders use the new prices, so Sales and Profit hold with the price valid at the order time."""

from __future__ import annotations

import bisect
import collections
import csv
import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest

from loaders.load import load_directory
from storefront.load import loader_connection
from storefront.simulate import generate

FIRST_REVIEW = dt.date(2024, 1, 22)  # a Monday of a review week
SECOND_REVIEW = dt.date(2024, 2, 12)
PRODUCT_FIELDS = ("sku", "product_name", "category", "supplier", "launch_date", "is_active")
CUSTOMER_FIELDS = ("first_name", "last_name", "email", "gender", "signed_up_at")


def rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


@pytest.fixture(scope="module")
def dataset(tmp_path_factory) -> tuple[Path, list[Path]]:
    """20 days, then one-day batches around the first price review, then 25 days."""
    root = tmp_path_factory.mktemp("versions")
    generate.generate(root, start=dt.date(2024, 1, 1), days=20, order_lines=4_000, seed=21)
    folders = [root] + [generate.extend(root, days=1).folder for _ in range(3)]
    folders.append(generate.extend(root, days=25).folder)
    assert [f.name for f in folders[1:]] == [
        "batch-2024-01-21", "batch-2024-01-22", "batch-2024-01-23", "batch-2024-01-24"]
    return root, folders


def test_products_file_holds_only_the_prices_changed_that_day(dataset):
    root, folders = dataset
    first = {p["product_id"]: p for p in rows(root / "products.csv")}
    assert len(first) == 42
    current = dict(first)
    changed_on = {}
    for folder in folders[1:]:
        versions = rows(folder / "products.csv")
        ids = [p["product_id"] for p in versions]
        assert len(set(ids)) == len(ids)  # one version per product in a file
        for p in versions:
            before = current[p["product_id"]]
            assert (p["list_price"], p["unit_cost"]) != (before["list_price"],
                                                         before["unit_cost"])
            assert all(p[f] == first[p["product_id"]][f] for f in PRODUCT_FIELDS)
            assert Decimal(0) < Decimal(p["unit_cost"]) < Decimal(p["list_price"])
            changed_on.setdefault(at(p["updated_at"]), []).append(p["product_id"])
            current[p["product_id"]] = p
    assert rows(folders[1] / "products.csv") == []  # 2024-01-21: no review, header only
    assert sorted(changed_on) == [dt.datetime.combine(FIRST_REVIEW, dt.time()),
                                  dt.datetime.combine(SECOND_REVIEW, dt.time())]
    assert all(2 <= len(ids) <= 4 for ids in changed_on.values())
    state = generate._load_state(root)
    assert [[int(Decimal(current[str(i + 1)][c]) * 100) for c in ("list_price", "unit_cost")]
            for i in range(42)] == state.prices


def test_customers_file_holds_sign_ups_and_customers_who_changed(dataset):
    root, folders = dataset
    current = {c["customer_id"]: c for c in rows(root / "customers.csv")}
    moves = flips = 0
    for folder in folders[1:]:
        batch = rows(folder / "customers.csv")
        first_day = dt.date.fromisoformat(folder.name.removeprefix("batch-"))
        ids = [c["customer_id"] for c in batch]
        assert len(set(ids)) == len(ids)  # one version per customer in a file
        for c in batch:
            assert at(c["updated_at"]).date() >= first_day
            before = current.get(c["customer_id"])
            if before is None:  # a new sign-up: its first version
                assert c["updated_at"] == c["signed_up_at"]
            else:
                assert at(c["updated_at"]) > at(before["updated_at"])
                assert all(c[f] == before[f] for f in CUSTOMER_FIELDS)
                moved = (c["country"], c["region"], c["city"]) != (
                    before["country"], before["region"], before["city"])
                flipped = c["marketing_opt_in"] != before["marketing_opt_in"]
                assert moved != flipped  # one change at a time
                moves += moved
                flips += flipped
            current[c["customer_id"]] = c
    assert moves > 0 and flips > 0


def test_order_lines_use_the_price_valid_at_the_order_time(dataset):
    root, folders = dataset
    history: dict[str, list[tuple[dt.datetime, int, int]]] = collections.defaultdict(list)
    for folder in folders:
        for p in rows(folder / "products.csv"):
            history[p["product_name"]].append(
                (at(p["updated_at"]), cents(p["list_price"]), cents(p["unit_cost"])))
    after_change = 0
    for folder in folders:
        for line in rows(folder / "order_lines.csv"):
            when = at(f"{line['Order_Date']} {line['Time']}")
            versions = history[line["Product"]]
            valid = versions[bisect.bisect_right(versions, (when, 10**12, 0)) - 1]
            _, price, cost = valid
            quantity = int(Decimal(line["Quantity"]))
            exact = Decimal(price) * quantity * (1 - Decimal(line["Discount"]))
            sales = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
            assert cents(line["Sales"]) == sales, line
            assert cents(line["Profit"]) == sales - cost * quantity, line
            after_change += valid is not versions[0]
    assert after_change > 100  # lines sold at a changed price


def cents(text: str) -> int:
    return int(Decimal(text) * 100)


def test_the_latest_batch_holds_the_current_version_once_loaded(dataset, conn):
    root, _ = dataset
    results = load_directory(loader_connection(), root)
    assert {r.status for r in results} <= {"loaded", "skipped"}
    latest = conn.execute("""
        select distinct on (product_id) product_id, list_price, updated_at
        from raw.products order by product_id, _batch_id desc, _line_number desc""").fetchall()
    by_time = conn.execute("""
        select distinct on (product_id) product_id, list_price, updated_at
        from raw.products order by product_id, updated_at desc""").fetchall()
    assert latest == by_time and len(latest) == 42
    state = generate._load_state(root)
    assert [int(price * 100) for _, price, _ in latest] == [p[0] for p in state.prices]
    assert conn.execute("""
        select count(*) from (select customer_id from raw.customers
                              group by customer_id having count(*) > 1) as changed
    """).fetchone()[0] > 0
