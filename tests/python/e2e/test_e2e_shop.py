"""End to end on a generated shop: generate → load_directory → dbt build → one more day →
load_directory → incremental dbt build → full refresh, on the real path.

The shop: 3,000 order lines over 60 days from 2024-01-04 (seed 1), then one more day,
2024-03-04, a Monday with a price review (three products change price, some their cost) and a
customer who moves. Every figure asserted here is recomputed in Python from the raw tables
alone (the feeds as landed), never from a model: daily and monthly metrics, profit at the
price and cost valid at the order time, stock and its alerts, payment reconciliation, ratings,
cart abandonment, cohorts, RFM scores, purchase histories, monthly top SKUs and the SCD2
histories. Then the incremental build is compared with a full refresh of the same data: every
table of core and the marts, row for row.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import json
import math
import os
from decimal import ROUND_HALF_UP, Decimal

import psycopg
import pytest

from conftest import run_dbt
from loaders import load
from storefront.load import loader_connection
from storefront.simulate import generate

START = dt.date(2024, 1, 4)
NEW_DAY = dt.date(2024, 3, 4)
D = Decimal
MIDNIGHT = dt.time(0, 0)
POLICIES = {  # seeds/stock_policies.csv: lead time days, minimum units
    "Auto & Accessories": (5, 10),
    "Electronic": (7, 5),
    "Fashion": (5, 20),
    "Home & Furniture": (6, 10),
}
COVER_DAYS = 14  # var stock_alert_cover_days
SCHEMAS = ("staging", "core", "marts")


def rnd(value: Decimal | None, places: int) -> Decimal | None:
    """PostgreSQL's round(numeric, n): half away from zero."""
    if value is None:
        return None
    return value.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)


def dump(conn: psycopg.Connection) -> dict[str, list[tuple]]:
    """Every table of staging, core and marts, all columns but built_at, rows sorted."""
    tables = conn.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_schema = any(%s) and table_type = 'BASE TABLE' order by 1, 2",
        (list(SCHEMAS),),
    ).fetchall()
    found = {}
    for schema, table in tables:
        columns = [
            row[0]
            for row in conn.execute(
                "select column_name from information_schema.columns where table_schema = %s"
                " and table_name = %s and column_name <> 'built_at' order by ordinal_position",
                (schema, table),
            )
        ]
        if not columns:  # marts.latest_build: only when the build ran; its one row counts
            found[f"{schema}.{table}"] = conn.execute(
                f'select count(*) from "{schema}"."{table}"').fetchall()
            continue
        listed = ", ".join(f'"{c}"' for c in columns)
        order = ", ".join(str(i + 1) for i in range(len(columns)))
        found[f"{schema}.{table}"] = conn.execute(
            f'select {listed} from "{schema}"."{table}" order by {order}'
        ).fetchall()
    return found


def statuses(folder) -> dict[str, str]:
    results = json.loads((folder / "run_results.json").read_text())["results"]
    return {r["unique_id"]: r["status"] for r in results}


@pytest.fixture(scope="module")
def shop(fresh_db, tmp_path_factory):
    """Generate, load, build; one more day, load, build (incremental); then a full refresh."""
    work = tmp_path_factory.mktemp("shop")
    data = work / "data"
    generate.generate(data, start=START, days=60, order_lines=3000, seed=1)
    first_load = load.load_directory(loader_connection(fresh_db), data)
    runs = {}
    for name, extra in (("first", ()), ("incremental", ()), ("full_refresh", ("--full-refresh",))):
        if name == "incremental":
            extension = generate.extend(data)
            second_load = load.load_directory(loader_connection(fresh_db), data)
        target = work / name
        run_dbt("build", "--target-path", str(target), "--log-path", str(work / "logs"), *extra,
                target=fresh_db)
        runs[name] = target
        with psycopg.connect(fresh_db.conninfo(), autocommit=True) as conn:
            if name == "incremental":
                incremental_dump = dump(conn)
                snapshot_rows = conn.execute(
                    "select product_id, list_price, dbt_valid_to is null"
                    " from snapshots.products_snapshot where product_id is not null"
                    " order by product_id, dbt_valid_from"
                ).fetchall()
            elif name == "full_refresh":
                full_dump = dump(conn)
    with psycopg.connect(fresh_db.conninfo(), autocommit=True) as conn:
        yield {
            "conn": conn,
            "runs": runs,
            "first_load": first_load,
            "second_load": second_load,
            "extension": extension,
            "incremental": incremental_dump,
            "full_refresh": full_dump,
            "snapshot": snapshot_rows,
            "raw": raw_shop(conn),
            "target": fresh_db,
        }


# -- the shop recomputed from raw ---------------------------------------------------------------
def raw_shop(conn: psycopg.Connection) -> dict:
    """The raw feeds as Python rows, with the facts every expectation below is built from."""

    def rows(query: str) -> list[tuple]:
        return conn.execute(query).fetchall()

    lines = rows(
        "select order_date, time, customer_id, product_category, product, sales, quantity,"
        " discount, profit, order_priority, order_id from raw.order_lines"
    )
    versions = collections.defaultdict(dict)  # product_id -> updated_at -> latest row
    for row in rows(
        "select product_id, updated_at, list_price, unit_cost, product_name, category, sku"
        " from raw.products order by _batch_id, _line_number"
    ):
        versions[row[0]][row[1]] = row
    catalog = {}  # (category, name) -> (product_id, sku, [(valid_from, list, cost)...])
    for product_id, by_time in versions.items():
        ordered = [by_time[t] for t in sorted(by_time)]
        last = ordered[-1]
        catalog[(last[5], last[4])] = (product_id, last[6], [(v[1], v[2], v[3]) for v in ordered])
    by_id = {pid: key for key, (pid, _, _) in catalog.items()}

    def version_at(key, moment):
        found = [v for v in catalog[key][2] if v[0] <= moment] if key in catalog else []
        return found[-1] if found else None

    orders = {}
    for date, time, customer, _, _, sales, quantity, _, profit, priority, order_id in lines:
        order = orders.setdefault(order_id, {
            "date": date, "time": time, "customer": customer, "revenue": D(0), "units": 0,
            "profit": D(0), "lines": 0, "urgent": priority in ("High", "Critical"),
        })
        order["revenue"] += sales
        order["units"] += quantity
        order["profit"] += profit or 0
        order["lines"] += 1
    first_order = {}
    for order in orders.values():
        customer = order["customer"]
        first_order[customer] = min(first_order.get(customer, order["date"]), order["date"])
    return {
        "lines": lines,
        "orders": orders,
        "first_order": first_order,
        "catalog": catalog,
        "by_id": by_id,
        "version_at": version_at,
        "payments": rows(
            "select payment_id, order_id, processed_at, amount, status from raw.payments"
        ),
        "carts": rows("select cart_id, customer_id, created_at, status, order_id from raw.carts"),
        "cart_items": rows("select cart_id, product_id, quantity, added_at from raw.cart_items"),
        "movements": rows(
            "select product_id, moved_at, movement_type, quantity from raw.inventory_movements"
        ),
        "reviews": rows("select product_id, customer_id, rating from raw.reviews"),
        "customers": rows(
            "select customer_id, updated_at, city from raw.customers order by _batch_id"
        ),
    }


def rows(shop, query: str) -> list[tuple]:
    return shop["conn"].execute(query).fetchall()


def month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def rank(values: list, key) -> list[int]:
    """SQL rank() by ``key`` descending."""
    ordered = sorted(values, key=key, reverse=True)
    return [1 + sum(1 for other in ordered if key(other) > key(value)) for value in values]


# -- the builds ---------------------------------------------------------------------------------
def test_every_build_passes_every_model_and_test(shop):
    for name, folder in shop["runs"].items():
        found = statuses(folder)
        bad = {u: s for u, s in found.items() if s not in ("success", "pass", "no-op")}
        assert not bad, (name, bad)
        kinds = collections.Counter(u.split(".")[0] for u in found)
        assert kinds["model"] >= 40 and kinds["snapshot"] == 2 and kinds["unit_test"] >= 10, kinds


def test_the_loads_landed_every_feed(shop):
    assert [r.status for r in shop["first_load"]] == ["loaded"] * 8
    new = [r for r in shop["second_load"] if r.status == "loaded"]
    assert len(new) == 8 and all(r.path.parent == shop["extension"].folder for r in new)
    assert {r.status for r in shop["second_load"]} == {"loaded", "skipped"}


def test_the_incremental_build_processed_only_the_new_batches(shop):
    results = json.loads((shop["runs"]["incremental"] / "run_results.json").read_text())
    inserted = {
        r["unique_id"].split(".")[-1]: r["adapter_response"].get("rows_affected")
        for r in results["results"]
    }
    added = shop["extension"].batch.rows
    assert inserted["int_order_lines_keyed"] == added["order_lines.csv"] == 55
    assert inserted["inventory_movements"] == added["inventory_movements.csv"]
    assert inserted["payments"] == added["payments.csv"]
    assert inserted["cart_items"] == added["cart_items.csv"]
    assert inserted["reviews"] == added["reviews.csv"]


def test_incremental_build_equals_full_refresh(shop):
    incremental, full = shop["incremental"], shop["full_refresh"]
    assert set(incremental) == set(full)
    assert len(incremental) >= 30
    for table in incremental:
        assert incremental[table] == full[table], table
    assert len(full["core.order_lines"]) == 3055


@pytest.mark.parametrize(("statement", "constraint"), [
    ("update marts.customer_rfm set recency_score = 6", "customer_rfm_recency_score_check"),
    ("update core.payments set payment_status = 'pending'", "payments_payment_status_check"),
    ("update core.orders set revenue = -1", "orders_units_and_revenue"),
    ("update core.orders set order_priority = 'urgent'", "orders_order_priority_check"),
    ("update core.order_lines set discount_rate = 1.5", "order_lines_discount_rate_check"),
    ("update core.stock_levels_daily set closing_stock = closing_stock + 1",
     "stock_levels_daily_closing_balance"),
])
def test_the_database_refuses_a_row_that_breaks_a_value_rule(shop, statement, constraint):
    """The value rules of core and marts are check constraints: a build that would write a bad
    row fails the model (and leaves the table as it was) instead of landing it."""
    conn = shop["conn"]
    with pytest.raises(psycopg.errors.CheckViolation, match=constraint), conn.transaction():
        conn.execute(statement)


# -- history (SCD2) and snapshots ---------------------------------------------------------------
def test_product_history_holds_every_price_version(shop):
    expected = []
    for product_id, _, versions in shop["raw"]["catalog"].values():
        for i, (valid_from, list_price, unit_cost) in enumerate(versions):
            valid_to = versions[i + 1][0] if i + 1 < len(versions) else None
            expected.append((product_id, valid_from, valid_to, valid_to is None, list_price,
                             unit_cost))
    got = rows(shop, "select product_id, valid_from, valid_to, is_current, list_price, unit_cost"
                     " from core.product_history order by product_id, valid_from")
    assert got == sorted(expected, key=lambda r: (r[0], r[1]))
    changed = [r for r in got if r[1] == dt.datetime.combine(NEW_DAY, MIDNIGHT)]
    assert len(changed) == 3  # the Monday price review
    assert len(got) == 42 + 3


def test_customer_history_closes_the_old_address(shop):
    versions = collections.defaultdict(list)
    for customer_id, updated_at, city in shop["raw"]["customers"]:
        versions[customer_id].append((updated_at, city))
    moved = [c for c, v in versions.items() if len(v) > 1]
    assert len(moved) == 1
    customer_id = moved[0]
    (first, old_city), (second, city) = versions[customer_id]
    assert rows(shop, f"select valid_from, valid_to, city, is_current from core.customer_history"
                      f" where customer_id = {customer_id} order by valid_from") == [
        (first, second, old_city, False), (second, None, city, True)]
    assert rows(shop, "select count(*) from core.customer_history") == [
        (sum(len(v) for v in versions.values()),)]
    assert rows(shop, f"select city from core.customers where customer_id = {customer_id}") == [
        (city,)]


def test_the_snapshot_recorded_the_price_the_warehouse_served_before_and_after(shop):
    changed = {r[0] for r in rows(shop, "select product_id from core.product_history"
                                        " where not is_current")}
    served = collections.defaultdict(list)
    for product_id, list_price, is_current in shop["snapshot"]:
        served[product_id].append((list_price, is_current))
    assert {p for p, states in served.items() if len(states) == 2} == changed
    for product_id in changed:
        (old, closed), (new, current) = served[product_id]
        assert not closed and current and old != new
    # the full refresh rebuilt core but a snapshot is never rebuilt: nothing new was recorded
    assert rows(shop, "select count(*) from snapshots.products_snapshot"
                      " where product_id is not null") == [(len(shop["snapshot"]),)]


def test_the_customer_snapshot_recorded_the_move_and_serves_every_registered_customer(shop):
    moved = rows(shop, "select customer_id, city from core.customer_history where not is_current")
    assert len(moved) == 1
    assert rows(shop, "select customer_id, city from snapshots.customers_snapshot"
                      " where dbt_valid_to is not null") == moved
    registered = rows(shop, "select customer_id, email, city from core.customers"
                            " where is_registered order by 1")
    assert len(registered) > 100
    assert rows(shop, "select customer_id, email, city from snapshots.customers_snapshot"
                      " where dbt_valid_to is null order by 1") == registered


# -- marts, recomputed from raw -----------------------------------------------------------------
def test_metrics_daily(shop):
    raw = shop["raw"]
    days = collections.defaultdict(lambda: collections.defaultdict(int))
    for order in raw["orders"].values():
        day = days[order["date"]]
        day["orders"] += 1
        day["lines"] += order["lines"]
        day["units"] += order["units"]
        day["revenue"] += order["revenue"]
        day["profit"] += order["profit"]
        day["urgent"] += order["urgent"]
        day.setdefault("customers", set()).add(order["customer"])
    for first in raw["first_order"].values():
        days[first]["new"] += 1
    for _, _, processed_at, amount, status in raw["payments"]:
        if status == "refunded":
            days[processed_at.date()]["refunds"] += 1
            days[processed_at.date()]["refunded"] += amount
    for _, _, created_at, status, _ in raw["carts"]:
        days[created_at.date()]["carts"] += 1
        days[created_at.date()]["converted"] += status == "converted"
    first, last = min(days), max(days)
    expected = []
    for n in range((last - first).days + 1):
        date = first + dt.timedelta(n)
        day = days[date]
        customers = day.get("customers", set())
        expected.append((
            date, day["orders"], day["lines"], day["units"], D(day["revenue"]),
            D(day["profit"]), rnd(day["revenue"] / day["orders"], 2) if day["orders"] else None,
            day["urgent"], len(customers), day["new"],
            sum(1 for c in customers if raw["first_order"][c] < date), day["refunds"],
            D(day["refunded"]), day["carts"], day["converted"],
            rnd(D(day["converted"]) / day["carts"], 4) if day["carts"] else None,
        ))
    got = rows(shop, "select date_day, order_count, order_line_count, units_sold, revenue,"
                     " profit, avg_order_value, urgent_order_count, active_customer_count,"
                     " new_customer_count, returning_customer_count, refund_count,"
                     " refunded_amount, carts_created, carts_converted, cart_conversion_rate"
                     " from marts.metrics_daily order by date_day")
    assert got == expected
    assert got[-1][0] == NEW_DAY and got[0][0] < START  # carts opened before the first order
    assert sum(r[1] for r in got) == len(raw["orders"])


def test_metrics_monthly_and_revenue_agree_with_the_days(shop):
    raw = shop["raw"]
    active = collections.defaultdict(set)
    for order in raw["orders"].values():
        active[month(order["date"])].add(order["customer"])
    got = rows(shop, "select month_start, order_count, revenue, active_customer_count,"
                     " new_customer_count, returning_customer_count from marts.metrics_monthly"
                     " order by month_start")
    new = collections.Counter(month(d) for d in raw["first_order"].values())
    revenue = collections.defaultdict(D)
    orders = collections.Counter()
    for order in raw["orders"].values():
        revenue[month(order["date"])] += order["revenue"]
        orders[month(order["date"])] += 1
    assert [r for r in got if r[1]] == [
        (m, orders[m], revenue[m], len(active[m]), new[m], len(active[m]) - new[m])
        for m in sorted(active)
    ]


def test_profit_summary_uses_the_price_and_cost_valid_at_the_order_time(shop):
    raw = shop["raw"]
    groups = collections.defaultdict(lambda: {"orders": set(), "units": 0, "revenue": D(0),
                                              "profit": D(0), "cost": D(0), "discount": D(0)})
    after_change = 0
    for date, time, _, category, name, sales, quantity, _, profit, _, order_id in raw["lines"]:
        version = raw["version_at"]((category, name), dt.datetime.combine(date, time or MIDNIGHT))
        valid_from, list_price, unit_cost = version
        after_change += valid_from == dt.datetime.combine(NEW_DAY, MIDNIGHT)
        group = groups[(month(date), category)]
        group["orders"].add(order_id)
        group["units"] += quantity
        group["revenue"] += sales
        group["profit"] += profit
        group["cost"] += unit_cost * quantity
        group["discount"] += list_price * quantity - sales
    assert after_change > 0  # lines of the new day were priced by the new versions
    expected = [
        (m, c, len(g["orders"]), g["units"], g["revenue"], g["profit"], g["cost"],
         g["revenue"] - g["cost"], rnd((g["revenue"] - g["cost"]) / g["revenue"], 4),
         g["discount"], 0)
        for (m, c), g in sorted(groups.items())
    ]
    assert rows(shop, "select month_start, product_category, order_count, units_sold, revenue,"
                      " profit, cost, gross_profit, gross_margin, discount_given,"
                      " unpriced_line_count from marts.profit_summary"
                      " order by month_start, product_category") == expected


def test_top_skus_rank_each_month(shop):
    raw = shop["raw"]
    sold = collections.defaultdict(lambda: {"orders": set(), "units": 0, "revenue": D(0)})
    for date, _, _, category, name, sales, quantity, _, _, _, order_id in raw["lines"]:
        item = sold[(month(date), category, name)]
        item["orders"].add(order_id)
        item["units"] += quantity
        item["revenue"] += sales
    expected = []
    for m in sorted({key[0] for key in sold}):
        items = [(key, value) for key, value in sold.items() if key[0] == m]
        by_revenue = rank(items, lambda i: i[1]["revenue"])
        by_units = rank(items, lambda i: i[1]["units"])
        for (key, value), r_rank, u_rank in zip(items, by_revenue, by_units, strict=True):
            expected.append((m, raw["catalog"][key[1:]][1], len(value["orders"]), value["units"],
                             value["revenue"], r_rank, u_rank))
    got = rows(shop, "select month_start, sku, order_count, units_sold, revenue, revenue_rank,"
                     " units_rank from marts.top_skus")
    assert sorted(got) == sorted(expected)


def test_stock_levels_and_alerts(shop):
    raw = shop["raw"]
    on_hand = collections.Counter()
    last_day = max(moved_at.date() for _, moved_at, _, _ in raw["movements"])
    sold_28d = collections.Counter()
    for product_id, moved_at, kind, quantity in raw["movements"]:
        on_hand[product_id] += quantity
        if kind == "sale" and moved_at.date() > last_day - dt.timedelta(28):
            sold_28d[product_id] -= quantity
    expected = []
    for product_id, closing in sorted(on_hand.items()):
        category, name = raw["by_id"][product_id]
        lead, minimum = POLICIES[category]
        sold = sold_28d[product_id]
        rate = D(sold) / 28
        cover = rnd(D(28) * closing / sold, 1) if sold else None
        reorder = max(minimum, math.ceil(D(sold * lead) / 28))
        if closing <= reorder or (cover is not None and cover < COVER_DAYS):
            reason = ("out_of_stock" if closing <= 0 else
                      "below_reorder_point" if closing <= reorder else "low_cover")
            expected.append((name, reason, closing, sold_28d[product_id], rnd(rate, 4), cover,
                             lead, reorder, last_day))
    got = rows(shop, "select product_name, alert_reason, closing_stock, units_sold_28d,"
                     " daily_sales_rate, days_of_cover, lead_time_days, reorder_point,"
                     " as_of_date from marts.stock_alerts")
    assert sorted(got) == sorted(expected)
    assert expected  # the shop does run low
    closing = rows(shop, "select product_id, closing_stock from core.stock_levels_daily"
                         " inner join core.products using (product_sk)"
                         f" where stock_date = date '{last_day}' order by product_id")
    assert closing == sorted(on_hand.items())


def test_payment_reconciliation(shop):
    raw = shop["raw"]
    paid = collections.defaultdict(lambda: {"count": 0, "failed": 0, "captured": D(0),
                                            "captures": 0, "refunded": D(0)})
    for _, order_id, _, amount, status in raw["payments"]:
        entry = paid[str(order_id)]
        entry["count"] += 1
        entry["failed"] += status == "failed"
        if status == "captured":
            entry["captured"] += amount
            entry["captures"] += 1
        if status == "refunded":
            entry["refunded"] += amount
    expected = []
    for order_id, order in raw["orders"].items():
        entry = paid[order_id]
        status = ("unpaid" if not entry["captures"] else
                  "amount_mismatch" if entry["captured"] != order["revenue"] else
                  "refunded" if entry["refunded"] else "reconciled")
        expected.append((order_id, status, order["revenue"], entry["count"], entry["failed"],
                         entry["captured"], entry["refunded"]))
    got = rows(shop, "select order_id, reconciliation_status, order_total, payment_count,"
                     " failed_payment_count, captured_amount, refunded_amount"
                     " from marts.payment_reconciliation")
    assert sorted(got) == sorted(expected)
    counts = collections.Counter(r[1] for r in got)
    assert counts["unpaid"] > 0 and counts["refunded"] > 0 and counts["reconciled"] > 1000


def test_product_ratings(shop):
    raw = shop["raw"]
    buyers = collections.defaultdict(set)
    for _, _, customer, category, name, *_ in raw["lines"]:
        buyers[(category, name)].add(customer)
    ratings = collections.defaultdict(list)
    reviewers = collections.defaultdict(set)
    for product_id, customer, rating in raw["reviews"]:
        ratings[raw["by_id"][product_id]].append(rating)
        reviewers[raw["by_id"][product_id]].add(customer)
    expected = []
    for key in set(buyers) | set(ratings):
        given = ratings[key]
        expected.append((
            key[1], len(given), rnd(D(sum(given)) / len(given), 2) if given else None,
            *(given.count(stars) for stars in range(1, 6)), len(buyers[key]),
            len(reviewers[key]), rnd(D(len(reviewers[key])) / len(buyers[key]), 4),
        ))
    got = rows(shop, "select product_name, review_count, avg_rating, rating_1_count,"
                     " rating_2_count, rating_3_count, rating_4_count, rating_5_count,"
                     " buyer_count, reviewer_count, reviewed_buyer_share"
                     " from marts.product_ratings")
    assert sorted(got) == sorted(expected)
    assert sum(r[1] for r in got) == len(raw["reviews"])


def test_cart_abandonment_values_items_at_the_price_when_added(shop):
    raw = shop["raw"]
    carts = {cart_id: (created_at.date(), status) for cart_id, _, created_at, status, _ in
             raw["carts"]}
    days = collections.defaultdict(lambda: {"created": 0, "converted": 0, "units": 0,
                                            "value": D(0)})
    for day, status in carts.values():
        days[day]["created"] += 1
        days[day]["converted"] += status == "converted"
    for cart_id, product_id, quantity, added_at in raw["cart_items"]:
        day, status = carts[cart_id]
        if status == "abandoned":
            _, list_price, _ = raw["version_at"](raw["by_id"][product_id], added_at)
            days[day]["units"] += quantity
            days[day]["value"] += list_price * quantity
    expected = [
        (day, d["created"], d["converted"], d["created"] - d["converted"],
         rnd(D(d["created"] - d["converted"]) / d["created"], 4), d["units"], d["value"])
        for day, d in sorted(days.items())
    ]
    got = rows(shop, "select date_day, carts_created, carts_converted, carts_abandoned,"
                     " abandonment_rate, abandoned_units, abandoned_value"
                     " from marts.cart_abandonment order by date_day")
    assert got == expected


def test_customer_cohorts(shop):
    raw = shop["raw"]
    cohort = {c: month(d) for c, d in raw["first_order"].items()}
    sizes = collections.Counter(cohort.values())
    active = collections.defaultdict(set)
    revenue = collections.defaultdict(D)
    for order in raw["orders"].values():
        cell = (cohort[order["customer"]], month(order["date"]))
        active[cell].add(order["customer"])
        revenue[cell] += order["revenue"]
    last = max(month(o["date"]) for o in raw["orders"].values())

    def months(a: dt.date, b: dt.date) -> int:
        return (b.year - a.year) * 12 + b.month - a.month

    def plus(day: dt.date, n: int) -> dt.date:
        return dt.date(day.year + (day.month - 1 + n) // 12, (day.month - 1 + n) % 12 + 1, 1)

    first = min(sizes)
    expected = []
    for start in (plus(first, k) for k in range(months(first, last) + 1)):
        for n in range(months(start, last) + 1):
            activity = plus(start, n)
            members = len(active[(start, activity)])
            expected.append((start, n, activity, sizes[start], members,
                             rnd(D(members) / sizes[start], 4) if sizes[start] else None,
                             revenue[(start, activity)]))
    got = rows(shop, "select cohort_month, months_since_first_order, activity_month,"
                     " cohort_size, active_customers, retention_rate, revenue"
                     " from marts.customer_cohorts order by 1, 2")
    assert got == expected
    assert got[0][5] == 1  # month 0 retains everyone


def test_customer_rfm_scores_and_segments(shop):
    raw = shop["raw"]
    per_customer = {}
    for order in raw["orders"].values():
        last, count, money = per_customer.get(order["customer"], (order["date"], 0, D(0)))
        per_customer[order["customer"]] = (max(last, order["date"]), count + 1,
                                           money + order["revenue"])
    as_of = max(v[0] for v in per_customer.values())
    total = len(per_customer)
    recency = {c: (as_of - v[0]).days for c, v in per_customer.items()}

    def score(at_or_below: int) -> int:
        return (5 * at_or_below + total - 1) // total

    def segment(r: int, f: int) -> str:
        if r >= 4 and f >= 4:
            return "champions"
        if r >= 3 and f >= 3:
            return "loyal"
        if r >= 4:
            return "new_customers"
        if r == 3:
            return "needs_attention"
        return "at_risk" if f >= 3 else "hibernating"

    expected = []
    for c, (last, count, money) in per_customer.items():
        r = score(sum(1 for v in recency.values() if v >= recency[c]))
        f = score(sum(1 for v in per_customer.values() if v[1] <= count))
        m = score(sum(1 for v in per_customer.values() if v[2] <= money))
        expected.append((c, segment(r, f), f"{r}{f}{m}", recency[c], count, money, last, as_of))
    got = rows(shop, "select customer_id, rfm_segment, rfm_cell, recency_days, frequency,"
                     " monetary, last_order_date, as_of_date from marts.customer_rfm")
    assert sorted(got) == sorted(expected)
    assert len({r[1] for r in got}) >= 5


def test_customer_rfm_carries_a_salted_contact_hash_not_the_address(shop, monkeypatch):
    emails = dict(rows(shop, "select distinct on (customer_id) customer_id, lower(trim(email))"
                             " from raw.customers order by customer_id, updated_at desc"))

    def expected(salt: str) -> list[tuple]:
        return sorted(
            (c, hashlib.sha256((salt + emails[c]).encode()).hexdigest() if c in emails else None)
            for c in {order["customer"] for order in shop["raw"]["orders"].values()}
        )

    query = "select customer_id, contact_hash from marts.customer_rfm order by 1"
    local = os.environ.get("STOREFRONT_CONTACT_SALT", "storefront-local-only")
    got = rows(shop, query)
    assert got == expected(local)
    assert sum(1 for _, h in got if h) > 100
    monkeypatch.setenv("STOREFRONT_CONTACT_SALT", "another shop's salt")
    folder = shop["runs"]["full_refresh"]
    run_dbt("run", "-s", "customer_rfm", "--target-path", str(folder), target=shop["target"])
    assert rows(shop, query) == expected("another shop's salt") != got
    monkeypatch.setenv("STOREFRONT_CONTACT_SALT", local)
    run_dbt("run", "-s", "customer_rfm", "--target-path", str(folder), target=shop["target"])
    assert rows(shop, query) == got


def test_customer_order_history_running_totals(shop):
    raw = shop["raw"]
    by_customer = collections.defaultdict(list)
    for order_id, order in raw["orders"].items():
        # day, then time (orders without one first), then the order key, as the model orders
        by_customer[order["customer"]].append((order["date"], order["time"] or dt.time.min,
                                               f"order_id={order_id}", order_id, order))
    expected = []
    for customer, orders in by_customer.items():
        cumulative, units, previous = D(0), 0, None
        for n, (date, _, _, order_id, order) in enumerate(sorted(orders), start=1):
            cumulative += order["revenue"]
            units += order["units"]
            expected.append((customer, order_id, n, order["revenue"], cumulative, units,
                             (date - previous).days if previous else None))
            previous = date
    got = rows(shop, "select customer_id, order_id, order_number, revenue, cumulative_revenue,"
                     " cumulative_units, days_since_previous_order"
                     " from marts.customer_order_history")
    assert sorted(got) == sorted(expected)


def test_business_summary_matches_raw(shop):
    raw = shop["raw"]
    revenue = sum(order["revenue"] for order in raw["orders"].values())
    assert rows(shop, "select revenue, order_count, customer_count from marts.business_summary"
                ) == [(revenue, len(raw["orders"]), len(raw["first_order"]))]
