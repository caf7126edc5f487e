"""The API over the served shop (real server, real HTTP, real PostgreSQL): every figure equals
the marts and values computed here from core, to the cent; pagination, filters, errors,
caching, access and the read-only session."""

from __future__ import annotations

import asyncio
import datetime as dt
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal

import httpx
import psycopg
import pytest

import sales_truth as truth
from conftest import PROJECT, Server, run_cli, run_dbt
from storefront.api import queries
from storefront.api.db import Database
from storefront.warehouse import Target


@pytest.fixture(scope="module")
def db(served_shop):
    with psycopg.connect(served_shop["target"].conninfo(), autocommit=True) as conn:
        yield conn


def get(api, path: str, **params) -> dict | list:
    response = httpx.get(api.url + path, params=params, timeout=30)
    assert response.status_code == 200, (path, response.text)
    return response.json()


def money(value) -> Decimal:
    return Decimal(value)


def cents(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def all_pages(api, path: str, **params) -> list[dict]:
    items, cursor, pages = [], None, 0
    while True:
        page = get(api, path, **params, **({"cursor": cursor} if cursor else {}))
        assert len(page["items"]) <= page["limit"]
        items += page["items"]
        pages += 1
        cursor = page["next"]
        if cursor is None:
            return items
        assert pages < 1000


# -- figures ------------------------------------------------------------------------------------
def test_revenue_all_time_equals_the_order_lines(api, db):
    revenue, profit, orders = db.execute(
        "select sum(sales), sum(profit), count(distinct order_sk) from core.order_lines"
    ).fetchone()
    body = get(api, "/analytics/revenue/")
    assert (money(body["revenue"]), money(body["profit"]), body["order_count"]) == (
        revenue, profit, orders)
    assert money(body["avg_order_value"]) == cents(revenue / orders)
    assert body["series"] is None


def test_revenue_by_month_equals_revenue_monthly_and_the_lines(api, db):
    body = get(api, "/analytics/revenue/", grain="month")
    expected = db.execute(
        "select date_trunc('month', order_date)::date, count(distinct order_sk), sum(sales)"
        " from core.order_lines group by 1 order by 1"
    ).fetchall()
    assert [(dt.date.fromisoformat(p["period_start"]), p["order_count"], money(p["revenue"]))
            for p in body["series"]] == expected
    mart = db.execute("select month_start, revenue from marts.revenue_monthly order by 1")
    assert [(dt.date.fromisoformat(p["period_start"]), money(p["revenue"]))
            for p in body["series"]] == mart.fetchall()


def test_revenue_over_a_date_range_by_day(api, db):
    body = get(api, "/analytics/revenue/", grain="day", date_from="2024-01-10",
               date_to="2024-01-20")
    revenue, orders = db.execute(
        "select sum(sales), count(distinct order_sk) from core.order_lines"
        " where order_date between '2024-01-10' and '2024-01-20'"
    ).fetchone()
    assert (money(body["revenue"]), body["order_count"]) == (revenue, orders)
    assert money(body["avg_order_value"]) == cents(revenue / orders)
    assert [p["period_start"] for p in body["series"]] == [
        (dt.date(2024, 1, 10) + dt.timedelta(days=i)).isoformat() for i in range(11)]
    assert sum(money(p["revenue"]) for p in body["series"]) == revenue



# -- by customer region and category ------------------------------------------------------------
@pytest.fixture(scope="module")
def lines(db) -> list[truth.Line]:
    return truth.lines(db)


@pytest.fixture(scope="module")
def busiest(lines) -> str:
    """The region with the most lines."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.region] = counts.get(line.region, 0) + 1
    return max(counts, key=lambda region: (counts[region], region))


def test_revenue_of_regions_and_categories_equals_their_lines(api, lines, busiest):
    others = sorted({line.region for line in lines} - {busiest})
    regions, categories = [busiest, others[0]], ["Fashion", "Electronic"]
    date_from, date_to = dt.date(2024, 1, 15), dt.date(2024, 2, 14)
    params = ([("region", r) for r in regions] + [("category", c) for c in categories]
              + [("date_from", date_from.isoformat()), ("date_to", date_to.isoformat()),
                 ("grain", "day")])
    body = httpx.get(api.url + "/analytics/revenue/", params=params).json()
    chosen = truth.chosen(lines, regions, categories, date_from, date_to)
    expected = truth.totals(chosen)
    assert expected["order_count"] > 10
    assert (money(body["revenue"]), money(body["profit"]), body["order_count"],
            money(body["avg_order_value"])) == (expected["revenue"], expected["profit"],
                                                expected["order_count"],
                                                expected["avg_order_value"])
    # every day of the range, the orders of the day each once
    assert [p["period_start"] for p in body["series"]] == [
        (date_from + dt.timedelta(days=n)).isoformat() for n in range(31)]
    for point in body["series"]:
        day = truth.totals([line for line in chosen
                            if line.order_date.isoformat() == point["period_start"]])
        assert (money(point["revenue"]), point["order_count"]) == (day["revenue"],
                                                                    day["order_count"])


def test_every_region_and_category_named_is_the_same_as_none(api, lines):
    regions = sorted({line.region for line in lines})
    categories = sorted({line.category for line in lines})
    params = [("region", r) for r in regions] + [("category", c) for c in categories]
    for grain in ("day", "month"):
        named = httpx.get(api.url + "/analytics/revenue/",
                          params=[*params, ("grain", grain)]).json()
        plain = get(api, "/analytics/revenue/", grain=grain)
        assert named == plain, grain


def test_unique_customers_of_a_region_a_category_and_days(api, lines, busiest):
    params = {"region": busiest, "category": "Fashion", "date_from": "2024-02-01"}
    body = get(api, "/analytics/unique-customers/", **params)
    expected = truth.totals(truth.chosen(lines, [busiest], ["Fashion"], dt.date(2024, 2, 1)))
    assert body["customer_count"] == expected["customer_count"] > 0
    everyone = get(api, "/analytics/unique-customers/")["customer_count"]
    assert everyone == truth.totals(lines)["customer_count"]


def test_sales_by_region_and_category_with_each_regions_ranking(api, lines):
    body = get(api, "/analytics/sales-by-region-category/", date_to="2024-02-29")
    expected = truth.cells(truth.chosen(lines, date_to=dt.date(2024, 2, 29)))
    assert {(c["region"], c["product_category"]): (money(c["revenue"]), money(c["profit"]),
                                                   c["units_sold"], c["order_count"])
            for c in body} == {key: (v["revenue"], v["profit"], v["units"], v["orders"])
                               for key, v in expected.items()}
    for cell in body:
        better = {v["revenue"] for (r, _), v in expected.items()
                  if r == cell["region"] and v["revenue"] > money(cell["revenue"])}
        assert cell["category_rank"] == 1 + sum(
            1 for (r, _), v in expected.items()
            if r == cell["region"] and v["revenue"] in better)
    assert [c["region"] for c in body] == sorted(
        (c["region"] for c in body), key=lambda r: (r == "Unknown", r))
    assert get(api, "/analytics/sales-by-region-category/", region="Atlantis") == []

def test_a_customer_with_revenue_by_category_and_latest_orders(api, db):
    customer_id = db.execute(
        "select customer_id from core.orders group by 1 order by count(*) desc, 1 limit 1"
    ).fetchone()[0]
    body = get(api, f"/customers/{customer_id}")
    revenue, profit, orders = db.execute(
        "select sum(revenue), sum(profit), count(*) from core.orders where customer_id = %s",
        (customer_id,)).fetchone()
    assert (money(body["lifetime_revenue"]), money(body["lifetime_profit"]),
            body["order_count"]) == (revenue, profit, orders)
    by_category = db.execute(
        "select c.category_name, sum(l.sales) from core.order_lines as l"
        " join core.products as p using (product_sk) join core.categories as c using"
        " (category_sk) where l.customer_id = %s group by 1 order by 2 desc, 1",
        (customer_id,)).fetchall()
    # read in the lookup's one statement as JSON, the money is exact and written as the
    # database writes it (str(Decimal): the cents kept, no exponent)
    assert [(c["product_category"], c["revenue"])
            for c in body["revenue_by_category"]] == [(n, str(v)) for n, v in by_category]
    latest = db.execute(
        "select order_sk from core.orders where customer_id = %s"
        " order by order_date desc, order_sk desc limit 10", (customer_id,)).fetchall()
    assert [o["order_sk"] for o in body["latest_orders"]] == [row[0] for row in latest]
    assert "email" not in body and "first_name" not in body and "city" not in body


def test_a_customer_who_never_ordered_has_empty_lists(api, db):
    customer_id = db.execute(
        "select customer_id from marts.dim_customers where order_count = 0"
        " order by customer_id limit 1").fetchone()[0]
    body = get(api, f"/customers/{customer_id}")
    # money as money: the cents written even when there is nothing
    assert (body["customer_id"], body["order_count"], body["lifetime_revenue"],
            body["lifetime_profit"]) == (customer_id, 0, "0.00", "0.00")
    assert (body["revenue_by_category"], body["latest_orders"]) == ([], [])


def test_an_order_with_its_lines_and_payment_status(api, db):
    order_id, order_sk = db.execute(
        "select order_id, order_sk from core.orders where order_id is not null"
        " order by line_count desc, order_id limit 1").fetchone()
    body = get(api, f"/orders/{order_id}")
    lines = db.execute(
        "select order_line_sk, sales from core.order_lines where order_sk = %s order by 1",
        (order_sk,)).fetchall()
    assert [(line["order_line_sk"], line["sales"]) for line in body["lines"]] \
        == [(sk, str(sales)) for sk, sales in lines]
    assert money(body["revenue"]) == sum(sales for _, sales in lines)
    status = db.execute("select reconciliation_status from marts.payment_reconciliation"
                        " where order_sk = %s", (order_sk,)).fetchone()[0]
    assert body["payment_status"] == status
    assert get(api, f"/orders/{order_sk}")["order_id"] == order_id  # by its surrogate key too


def test_a_product_with_sales_rating_and_stock(api, db):
    product_id, product_sk = db.execute(
        "select product_id, product_sk from core.products where product_id is not null"
        " order by product_id limit 1").fetchone()
    body = get(api, f"/products/{product_id}")
    units, revenue = db.execute(
        "select sum(quantity), sum(sales) from core.order_lines where product_sk = %s",
        (product_sk,)).fetchone()
    assert (body["units_sold"], money(body["revenue"])) == (units, revenue)
    rating, reviews = db.execute(
        "select round(avg(rating), 2), count(*) from core.reviews where product_sk = %s",
        (product_sk,)).fetchone()
    assert (body["review_count"], body["avg_rating"] and money(body["avg_rating"])) == (
        reviews, rating)
    stock = db.execute(
        "select closing_stock from core.stock_levels_daily where product_sk = %s"
        " order by stock_date desc limit 1", (product_sk,)).fetchone()
    assert body["stock_on_hand"] == (stock[0] if stock else None)


def test_top_products_by_units_over_a_range_in_a_category(api, db):
    body = get(api, "/analytics/top-products/", by="units", limit=5, date_from="2024-01-15",
               date_to="2024-02-15", category="Fashion")
    expected = db.execute(
        "select p.product_name, sum(l.quantity) from core.order_lines as l"
        " join core.products as p using (product_sk) join core.categories as c"
        " using (category_sk) where c.category_name = 'Fashion'"
        " and l.order_date between '2024-01-15' and '2024-02-15'"
        " group by p.product_sk, p.product_name order by 2 desc, p.product_sk limit 5"
    ).fetchall()
    assert [(p["product_name"], p["units_sold"]) for p in body] == expected
    assert body[0]["rank"] == 1


def test_top_products_all_time_by_profit(api, db):
    body = get(api, "/analytics/top-products/", by="profit", limit=3)
    expected = db.execute(
        "select product_sk, sum(profit) from core.order_lines group by 1"
        " order by 2 desc, 1 limit 3").fetchall()
    assert [(p["product_sk"], money(p["profit"])) for p in body] == expected


@pytest.mark.parametrize(("path", "query", "key"), [
    ("/analytics/customers-per-device-type/",
     "select device_type, count(*) from core.customers where first_order_date is not null"
     " group by 1", "segment"),
    ("/analytics/members-vs-guests/",
     "select login_type, count(*) from core.customers where first_order_date is not null"
     " group by 1", "segment"),
])
def test_segments_count_customers_who_ordered_by_their_latest_attribute(api, db, path, query, key):
    body = get(api, path)
    got = {row[key]: row["customer_count"] for row in body}
    assert got == dict(db.execute(query).fetchall())


def test_the_analyses_questions(api, db):
    customers, lines, orders, urgent = db.execute(
        "select (select count(distinct customer_id) from core.orders),"
        " (select count(*) from core.order_lines), (select count(*) from core.orders),"
        " (select count(*) from core.orders where is_urgent)").fetchone()
    assert get(api, "/analytics/unique-customers/") == {"customer_count": customers}
    size = get(api, "/analytics/average-order-size/")
    assert (size["order_line_count"], size["order_count"]) == (lines, orders)
    share = get(api, "/analytics/urgent-order-share/")
    assert (share["urgent_order_count"], share["order_count"]) == (urgent, orders)
    assert sum(p["order_count"] for p in share["by_priority"]) == orders
    categories = get(api, "/analytics/categories/")
    expected = db.execute(
        "select c.category_name, sum(l.sales) from core.order_lines as l join core.products"
        " as p using (product_sk) join core.categories as c using (category_sk)"
        " group by 1 order by 2 desc").fetchall()
    assert [(c["product_category"], money(c["revenue"])) for c in categories] == expected
    assert [c["product_category"] for c in get(api, "/analytics/top-categories/", limit=2)] \
        == [name for name, _ in expected[:2]]
    margins = get(api, "/analytics/highest-margins/", limit=3)
    best = db.execute("select product_sk from marts.product_performance"
                      " order by profit_margin desc nulls last, product_sk limit 3").fetchall()
    assert [m["product_sk"] for m in margins] == [row[0] for row in best]
    discounts = get(api, "/analytics/discount-impact/")
    by_rate = db.execute("select discount_rate, count(*), sum(sales) from core.order_lines"
                         " group by 1 order by 1").fetchall()
    assert [(money(d["discount_rate"]), d["order_lines"], money(d["revenue"]))
            for d in discounts] == by_rate
    cohorts = get(api, "/analytics/cohorts/")
    assert len(cohorts) == db.execute("select count(*) from marts.customer_cohorts").fetchone()[0]
    alerts = get(api, "/analytics/stock-alerts/")
    assert {a["product_sk"] for a in alerts} == {
        row[0] for row in db.execute("select product_sk from marts.stock_alerts")}


# -- lists: pagination, filters, sorting -------------------------------------------------------
def test_paging_through_customers_returns_every_row_once_in_order(api, db):
    by_id = all_pages(api, "/customers/", limit=97)
    expected = [row[0] for row in db.execute("select customer_id from core.customers order by 1")]
    assert [c["customer_id"] for c in by_id] == expected
    by_revenue = all_pages(api, "/customers/", sort="lifetime_revenue", limit=250)
    keys = [(money(c["lifetime_revenue"]), c["customer_id"]) for c in by_revenue]
    assert keys == sorted(keys, reverse=True)
    assert sorted(c["customer_id"] for c in by_revenue) == expected


def test_customer_filters(api, db):
    region = db.execute("select region from core.customers where region is not null"
                        " group by 1 order by count(*) desc limit 1").fetchone()[0]
    found = all_pages(api, "/customers/", region=region, device_type="mobile", limit=1000)
    expected = db.execute("select customer_id from core.customers where region = %s and"
                          " device_type = 'mobile' order by 1", (region,)).fetchall()
    assert [c["customer_id"] for c in found] == [row[0] for row in expected] != []


def test_paging_through_orders_newest_first_with_filters(api, db):
    found = all_pages(api, "/orders/", date_from="2024-02-01", date_to="2024-02-10",
                      order_priority="high", limit=7)
    expected = db.execute(
        "select order_sk from core.orders where order_date between '2024-02-01' and"
        " '2024-02-10' and order_priority = 'high' order by order_date desc, order_sk desc"
    ).fetchall()
    assert [o["order_sk"] for o in found] == [row[0] for row in expected] != []
    customer = found[0]["customer_id"]
    mine = all_pages(api, "/orders/", customer_id=customer)
    assert {o["customer_id"] for o in mine} == {customer}
    assert len(mine) == db.execute("select count(*) from core.orders where customer_id = %s",
                                   (customer,)).fetchone()[0]


def test_products_search_filter_and_sort(api, db):
    found = all_pages(api, "/products/", search="SHOE", sort="revenue", limit=2)
    expected = db.execute(
        "select product_sk from marts.dim_products where product_name ilike '%shoe%'"
        " order by revenue desc, product_sk desc").fetchall()
    assert [p["product_sk"] for p in found] == [row[0] for row in expected] != []
    names = [p["product_name"] for p in all_pages(api, "/products/", category="Electronic")]
    assert names == sorted(names) and names
    assert get(api, "/products/", search="100%_")["items"] == []  # wildcards are literal


# -- errors -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("path", "parameter"), [
    ("/customers/?limit=0", "limit"),
    ("/customers/?limit=1001", "limit"),
    ("/customers/?sort=email", "sort"),
    ("/customers/?regoin=North", "regoin"),
    ("/customers/abc", "customer_id"),
    ("/orders/?date_from=yesterday", "date_from"),
    ("/orders/?date_from=0", "date_from"),
    ("/orders/?date_from=2024-02-02&date_to=2024-02-01", "date_from"),
    ("/orders/?cursor=not-a-cursor", "cursor"),
    ("/analytics/top-products/?by=price", "by"),
    ("/analytics/revenue/?grain=week", "grain"),
    ("/analytics/revenue/?region=", "region"),
    ("/analytics/sales-by-region-category/?category=Fashion&date_from=2024-03-01"
     "&date_to=2024-02-01", "date_from"),
    ("/products/99999999999999999999", "product_id"),
])
def test_bad_parameters_are_422_naming_the_parameter(api, path, parameter):
    response = httpx.get(api.url + path)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["parameter"] == parameter and parameter in body["detail"]
    assert "Traceback" not in response.text


@pytest.mark.parametrize("path", ["/customers/999999999", "/orders/no-such-order",
                                  "/products/999999"])
def test_unknown_ids_are_404(api, path):
    response = httpx.get(api.url + path)
    assert response.status_code == 404
    assert response.json()["detail"].endswith("not found")


def test_a_cursor_of_another_sort_is_refused(api):
    cursor = get(api, "/customers/", limit=1)["next"]
    response = httpx.get(api.url + "/customers/", params={"sort": "lifetime_revenue",
                                                          "cursor": cursor})
    assert response.status_code == 422 and response.json()["parameter"] == "cursor"


def test_database_unreachable_is_503_in_one_line(served_shop):
    gone = Target("127.0.0.1", 1, "storefront_reporter", served_shop["target"].dbname)
    server = Server(gone)
    try:
        response = httpx.get(server.url + "/customers/")
        assert response.status_code == 503
        detail = response.json()["detail"]
        assert detail.startswith("database unavailable:") and "\n" not in detail
        health = httpx.get(server.url + "/health")
        assert health.status_code == 503
        assert health.json()["database"] == "unreachable"
    finally:
        assert server.stop() == 0


# -- caching ------------------------------------------------------------------------------------
def test_etag_304_and_a_new_etag_after_a_build(api, served_shop):
    first = httpx.get(api.url + "/analytics/revenue/")
    etag = first.headers["etag"]
    assert first.headers["cache-control"] == "no-cache"
    again = httpx.get(api.url + "/analytics/revenue/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = httpx.get(api.url + "/analytics/revenue/?grain=day")
    assert other.headers["etag"] != etag
    work = served_shop["work"]
    run_dbt("build", "--select", "latest_build", "--target-path", str(work / "target2"),
            "--log-path", str(work / "logs"), target=served_shop["target"])
    after = httpx.get(api.url + "/analytics/revenue/", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["etag"] != etag
    assert after.json() == first.json()


# -- access -------------------------------------------------------------------------------------
def test_a_token_guards_every_route_but_health_and_docs(served_shop):
    server = Server(served_shop["target"], env={"STOREFRONT_API_TOKEN": "s3cret-token"})
    try:
        assert httpx.get(server.url + "/customers/").status_code == 401
        wrong = httpx.get(server.url + "/customers/", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        right = httpx.get(server.url + "/customers/",
                          headers={"Authorization": "Bearer s3cret-token"})
        assert right.status_code == 200
        for open_path in ("/health", "/docs", "/redoc", "/openapi.json"):
            assert httpx.get(server.url + open_path).status_code == 200, open_path
    finally:
        server.stop()


def test_no_token_no_binding_beyond_this_machine():
    done = run_cli("serve", "--host", "0.0.0.0", env={"STOREFRONT_API_TOKEN": ""})
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "storefront: refusing to serve on 0.0.0.0 without STOREFRONT_API_TOKEN: set it"
        " (clients then send 'Authorization: Bearer <token>'), or bind to 127.0.0.1")


def test_the_api_session_is_read_only_with_a_timeout(served_shop):
    reporter = Target(served_shop["target"].host, served_shop["target"].port,
                      "storefront_reporter", served_shop["target"].dbname)
    database = Database(reporter)
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    def settings(session) -> tuple:
        return (session.execute(text("show statement_timeout")).scalar(),
                session.execute(text("show transaction_read_only")).scalar(),
                queries.latest_build(session) is not None)

    def write(session) -> None:
        session.execute(text("create temporary table scratch (x int)"))

    async def routes_read():  # the routes' reads (Database.read), on the event loop
        found = await database.read(settings)
        with pytest.raises(DBAPIError, match="read-only"):
            await database.read(write)
        return found

    assert asyncio.run(routes_read()) == ("5s", "on", True)
    # the worker threads' sessions (the dashboard, MetricFlow's queries)
    with database.sessions() as session:
        assert settings(session) == ("5s", "on", True)
    with database.sessions() as session, pytest.raises(DBAPIError, match="read-only"):
        write(session)
    database.dispose()


def test_every_request_is_one_log_line_and_sigterm_stops_cleanly(served_shop):
    server = Server(served_shop["target"])
    httpx.get(server.url + "/customers/1")
    httpx.get(server.url + "/customers/0")
    assert server.stop() == 0
    assert server.output().splitlines()[-1] == "storefront serve: stopped"
    lines = [line for line in server.output().splitlines() if line.startswith("GET ")]
    assert [line.rsplit(" ", 2)[0] for line in lines[-2:]] == [
        "GET /customers/1 200", "GET /customers/0 422"]
    assert all(line.endswith(" ms") for line in lines)


# -- governance ---------------------------------------------------------------------------------
def test_the_command_starts_without_importing_the_web_stack():
    done = subprocess.run(
        [sys.executable, "-c", "import sys, storefront.cli;"
         " print('fastapi' in sys.modules, 'sqlalchemy' in sys.modules)"],
        capture_output=True, text=True, check=True, cwd=PROJECT)
    assert done.stdout.split() == ["False", "False"]
