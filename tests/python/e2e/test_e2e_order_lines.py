"""End to end: a small export with hand-computed figures → `storefront load` → `dbt build` →
exact values in every mart, core entity and analysis.

The file has 11 data rows (lines 2-12); line 12 has a negative Sales and is quarantined. The
10 valid lines form 7 orders of 4 customers between 2023-01-30 and 2023-03-02 (February has no
orders). Tricky rows: an order spanning two lines by Order_Id with different times (A-1); two
lines without Order_Id sharing customer, day and time (one order); two lines with an empty Time
(one order); Customer_Id written `101.0`; an empty Discount (0); an empty Profit (adds nothing);
a quoted product name with a comma; the same product name in two categories; a zero Sales line
(margin null); a customer whose latest line lacks the device (falls back to an earlier one);
discount 0.125 (rounds to 0.13); a tie in lifetime revenue.

Totals: revenue 580.00, profit 78.00, units 17, orders 7, lines 10.
"""

from __future__ import annotations

import collections
import hashlib
import json
from datetime import date, time
from decimal import Decimal as D
from pathlib import Path

import psycopg
import pytest

from conftest import run_cli, run_dbt

CSV = """\
Order_Date,Time,Aging,Customer_Id,Gender,Device_Type,Customer_Login_type,Product_Category,\
Product,Sales,Quantity,Discount,Profit,Shipping_Cost,Order_Priority,Payment_method,Order_Id
2023-01-30,10:00:00,2,101,Female,Web,Member,Fashion,Shirt,100.00,2,0.1,20.00,5.00,High,credit_card,A-1
2023-01-30,10:05:00,2,101,Female,Web,Member,Electronic,Cable,50.00,1,,5.00,2.00,Medium,credit_card,A-1
2023-01-30,11:00:00,3,102,Male,Mobile,Guest,Fashion,Shirt,80.00,1,0.125,,4.00,Critical,e_wallet,
2023-01-30,11:00:00,3,102,Male,Mobile,Guest,Home & Furniture,"Lamp, Desk",40.00,2,0.13,8.00,4.00,\
Critical,e_wallet,
2023-01-31,,1,103,Female,Mobile,First SignUp,Electronic,Cable,30.00,3,0.3,-6.00,1.50,Low,\
not_defined,
2023-01-31,,1,103,Female,Mobile,First SignUp,Electronic,Charger,20.00,1,0.3,4.00,1.00,Low,\
not_defined,
2023-01-31,09:00:00,1,101.0,Female,Mobile,Member,Fashion,Shirt,150.00,3,0.1,30.00,6.00,Medium,debit_card,
2023-03-01,14:30:00,5,104,,Web,New,Promotions,Sample Pack,0,1,0,-2.00,,Low,money_order,
2023-03-01,15:00:00,2,102,Male,Web,Member,Electronic,Charger,60.00,2,0.125,12.00,3.00,High,credit_card,B-7
2023-03-02,08:00:00,2,104,Male,,New,Home & Furniture,Shirt,50.00,1,0.5,7.00,2.00,,e_wallet,
2023-03-02,08:30:00,2,105,Male,Web,Member,Fashion,Shirt,-5.00,1,0.1,1.00,1.00,Low,credit_card,
"""


def md5_key(*parts: str) -> str:
    """The documented surrogate key, computed outside the database: md5 of the text form of a
    PostgreSQL text array (parts with spaces or commas are double-quoted)."""
    quoted = [f'"{p}"' if any(c in p for c in ' ,"{}\\') else p for p in parts]
    return hashlib.md5(("{" + ",".join(quoted) + "}").encode()).hexdigest()


@pytest.fixture(scope="module")
def built(fresh_db, tmp_path_factory):
    """Load the file (twice: the second time is a no-op), build once, compile the analyses."""
    folder = tmp_path_factory.mktemp("e2e")
    export = folder / "order_lines.csv"
    export.write_text(CSV, encoding="utf-8")
    first = run_cli("load", "order-lines", str(export), "--max-reject-ratio", "0.2", check=True)
    again = run_cli("load", "order-lines", str(export), "--max-reject-ratio", "0.2", check=True)
    paths = ("--target-path", str(folder / "target"), "--log-path", str(folder / "logs"))
    run_dbt("build", *paths, target=fresh_db)
    results = json.loads((folder / "target" / "run_results.json").read_text())["results"]
    run_dbt("compile", "--select", "resource_type:analysis", *paths, target=fresh_db)
    with psycopg.connect(fresh_db.conninfo(), autocommit=True) as conn:
        yield {
            "conn": conn,
            "load": first.stdout + again.stdout,
            "results": {r["unique_id"]: r["status"] for r in results},
            "analyses": folder / "target" / "compiled" / "storefront" / "analyses",
        }


def rows(built, query: str) -> list[tuple]:
    return built["conn"].execute(query).fetchall()


def test_loader_quarantines_the_bad_row_and_skips_the_reload(built):
    assert "11 rows read, 10 loaded, 1 rejected" in built["load"]
    assert "already loaded as batch" in built["load"]
    assert rows(built, "select line_number, reason from raw.rejected_rows") == [(12, "bad_sales")]
    assert rows(built, "select count(*) from raw.order_lines") == [(10,)]


def test_build_runs_every_model_data_test_and_unit_test_successfully(built):
    results = built["results"]
    kinds = collections.Counter(unique_id.split(".")[0] for unique_id in results)
    # at least what this project had when the test was written (other feeds add more)
    assert kinds["model"] >= 16 and kinds["unit_test"] >= 6 and kinds["test"] >= 86, kinds
    # exposures and saved queries are not run: dbt reports them as no-op
    assert {s for u, s in results.items()
            if not u.startswith(("exposure.", "saved_query."))} == {"success", "pass"}
    assert {s for u, s in results.items() if u.startswith("saved_query.")} == {"no-op"}
    assert results["test.storefront.assert_totals_reconcile_across_layers"] == "pass"
    assert results["test.storefront.assert_revenue_daily_has_no_gaps"] == "pass"


def test_core_orders_follow_the_order_identity(built):
    got = rows(
        built,
        "select order_key, order_id, customer_id, order_date, order_time, order_priority,"
        " device_type, payment_method, login_type, is_urgent, line_count, units, revenue, profit"
        " from core.orders order by order_date, order_time nulls first, order_key",
    )
    c = "customer_id="
    assert got == [
        ("order_id=A-1", "A-1", 101, date(2023, 1, 30), time(10, 0), "high", "web",
         "credit_card", "member", True, 2, 3, D("150.00"), D("25.00")),
        (f"{c}102;order_date=2023-01-30;order_time=11:00:00", None, 102, date(2023, 1, 30),
         time(11, 0), "critical", "mobile", "e_wallet", "guest", True, 2, 3, D("120.00"),
         D("8.00")),
        (f"{c}103;order_date=2023-01-31;order_time=", None, 103, date(2023, 1, 31), None,
         "low", "mobile", "not_defined", "first_signup", False, 2, 4, D("50.00"), D("-2.00")),
        (f"{c}101;order_date=2023-01-31;order_time=09:00:00", None, 101, date(2023, 1, 31),
         time(9, 0), "medium", "mobile", "debit_card", "member", False, 1, 3, D("150.00"),
         D("30.00")),
        (f"{c}104;order_date=2023-03-01;order_time=14:30:00", None, 104, date(2023, 3, 1),
         time(14, 30), "low", "web", "money_order", "new", False, 1, 1, D("0"), D("-2.00")),
        ("order_id=B-7", "B-7", 102, date(2023, 3, 1), time(15, 0), "high", "web",
         "credit_card", "member", True, 1, 2, D("60.00"), D("12.00")),
        (f"{c}104;order_date=2023-03-02;order_time=08:00:00", None, 104, date(2023, 3, 2),
         time(8, 0), None, None, "e_wallet", "new", False, 1, 1, D("50.00"), D("7.00")),
    ]


def test_core_customers_take_their_latest_known_attributes(built):
    assert rows(
        built,
        "select customer_id, gender, device_type, login_type, first_order_date, last_order_date"
        " from core.customers order by customer_id",
    ) == [
        (101, "female", "mobile", "member", date(2023, 1, 30), date(2023, 1, 31)),
        (102, "male", "web", "member", date(2023, 1, 30), date(2023, 3, 1)),
        (103, "female", "mobile", "first_signup", date(2023, 1, 31), date(2023, 1, 31)),
        # the latest line has no device: the earlier "Web" stays; gender comes from the latest
        (104, "male", "web", "new", date(2023, 3, 1), date(2023, 3, 2)),
    ]


def test_without_the_registry_customers_have_no_registry_attributes(built):
    assert rows(
        built,
        "select count(*), count(email), count(city), count(signed_up_at), bool_or(is_registered)"
        " from core.customers",
    ) == [(4, 0, 0, 0, False)]


def test_the_other_feeds_build_empty_when_only_the_export_is_loaded(built):
    for table in ("inventory_movements", "payments", "carts", "cart_items", "reviews",
                  "customer_history", "product_history", "stock_levels_daily"):
        assert rows(built, f"select count(*) from core.{table}") == [(0,)], table
    for table in ("stock_alerts", "cart_abandonment"):
        assert rows(built, f"select count(*) from marts.{table}") == [(0,)], table
    assert rows(built, "select count(*), count(product_id), count(list_price) from core.products"
                ) == [(6, 0, 0)]
    assert rows(built, "select count(*) from snapshots.products_snapshot"
                       " where product_id is not null") == [(0,)]


def test_the_new_marts_answer_from_what_the_export_holds(built):
    # every day from the first to the last order, no refund, no cart
    assert rows(
        built,
        "select count(*), sum(order_count), sum(revenue), sum(new_customer_count),"
        " sum(returning_customer_count), sum(refund_count), sum(carts_created),"
        " count(cart_conversion_rate) from marts.metrics_daily",
    ) == [(32, 7, D("580"), 4, 3, 0, 0, 0)]
    assert rows(
        built,
        "select date_day, order_count, active_customer_count, new_customer_count,"
        " returning_customer_count from marts.metrics_daily where order_count > 0"
        " order by date_day",
    ) == [
        (date(2023, 1, 30), 2, 2, 2, 0),  # 101 and 102
        (date(2023, 1, 31), 2, 2, 1, 1),  # 103 is new, 101 returns
        (date(2023, 3, 1), 2, 2, 1, 1),  # 104 is new, 102 returns
        (date(2023, 3, 2), 1, 1, 0, 1),  # 104 returns
    ]
    assert rows(built, "select month_start, active_customer_count, new_customer_count,"
                       " returning_customer_count from marts.metrics_monthly order by 1") == [
        (date(2023, 1, 1), 3, 3, 0), (date(2023, 2, 1), 0, 0, 0), (date(2023, 3, 1), 2, 1, 1)]
    # the orders with an Order_Id have no captured payment: no payment feed
    assert rows(built, "select order_id, reconciliation_status, order_total, captured_amount"
                       " from marts.payment_reconciliation order by order_id") == [
        ("A-1", "unpaid", D("150"), D(0)), ("B-7", "unpaid", D("60"), D(0))]
    # no catalog: nothing can be costed
    assert rows(built, "select sum(revenue), count(cost), sum(unpriced_line_count)"
                       " from marts.profit_summary") == [(D("580"), 0, 10)]
    assert rows(built, "select product_name, review_count, avg_rating, buyer_count,"
                       " reviewed_buyer_share from marts.product_ratings"
                       " where product_category = 'Fashion'") == [("Shirt", 0, None, 2, D(0))]
    assert rows(built, "select cohort_month, months_since_first_order, cohort_size,"
                       " active_customers, retention_rate from marts.customer_cohorts"
                       " order by 1, 2") == [
        (date(2023, 1, 1), 0, 3, 3, D("1.0000")),
        (date(2023, 1, 1), 1, 3, 0, D("0.0000")),
        (date(2023, 1, 1), 2, 3, 1, D("0.3333")),  # 102 came back in March
        (date(2023, 2, 1), 0, 0, 0, None),
        (date(2023, 2, 1), 1, 0, 0, None),
        (date(2023, 3, 1), 0, 1, 1, D("1.0000")),
    ]
    assert rows(built, "select customer_id, order_number, revenue, cumulative_revenue,"
                       " days_since_previous_order from marts.customer_order_history"
                       " where customer_id in (101, 104) order by 1, 2") == [
        (101, 1, D("150"), D("150"), None),
        (101, 2, D("150"), D("300"), 1),
        (104, 1, D("0"), D("0"), None),
        (104, 2, D("50"), D("50"), 1),
    ]
    assert rows(built, "select customer_id, recency_days, frequency, monetary, rfm_segment"
                       " from marts.customer_rfm order by customer_id") == [
        (101, 30, 2, D("300"), "loyal"),  # scores 3, 5, 5
        (102, 1, 2, D("180"), "champions"),  # 4, 5, 4
        (103, 30, 1, D("50"), "needs_attention"),  # 3, 2, 3
        (104, 0, 2, D("50"), "champions"),  # 5, 5, 3
    ]
    assert rows(built, "select month_start, sku, product_name, revenue, revenue_rank, units_rank"
                       " from marts.top_skus where revenue_rank = 1 order by 1") == [
        (date(2023, 1, 1), None, "Shirt", D("330"), 1, 1),
        (date(2023, 3, 1), None, "Charger", D("60"), 1, 1),
    ]



def test_without_the_registry_every_order_counts_under_region_unknown(built):
    """The marts by customer region (the dashboard's): no customer is in the registry, so
    every order is `Unknown`, and none is dropped."""
    assert rows(built, "select order_date, region, product_category, order_count,"
                       " order_line_count, units_sold, revenue, profit"
                       " from marts.sales_daily_by_region_category order by 1, 3") == [
        (date(2023, 1, 30), "Unknown", "Electronic", 1, 1, 1, D("50.00"), D("5.00")),
        (date(2023, 1, 30), "Unknown", "Fashion", 2, 2, 3, D("180.00"), D("20.00")),
        (date(2023, 1, 30), "Unknown", "Home & Furniture", 1, 1, 2, D("40.00"), D("8.00")),
        (date(2023, 1, 31), "Unknown", "Electronic", 1, 2, 4, D("50.00"), D("-2.00")),
        (date(2023, 1, 31), "Unknown", "Fashion", 1, 1, 3, D("150.00"), D("30.00")),
        (date(2023, 3, 1), "Unknown", "Electronic", 1, 1, 2, D("60.00"), D("12.00")),
        (date(2023, 3, 1), "Unknown", "Promotions", 1, 1, 1, D("0"), D("-2.00")),
        (date(2023, 3, 2), "Unknown", "Home & Furniture", 1, 1, 1, D("50.00"), D("7.00")),
    ]
    # each order once, in its basket of categories: 7 orders, 580.00
    assert rows(built, "select order_date, region, basket, order_count, order_line_count,"
                       " revenue from marts.orders_daily_by_region_basket order by 1, 3") == [
        (date(2023, 1, 30), "Unknown", ["Electronic", "Fashion"], 1, 2, D("150.00")),
        (date(2023, 1, 30), "Unknown", ["Fashion", "Home & Furniture"], 1, 2, D("120.00")),
        (date(2023, 1, 31), "Unknown", ["Electronic"], 1, 2, D("50.00")),
        (date(2023, 1, 31), "Unknown", ["Fashion"], 1, 1, D("150.00")),
        (date(2023, 3, 1), "Unknown", ["Electronic"], 1, 1, D("60.00")),
        (date(2023, 3, 1), "Unknown", ["Promotions"], 1, 1, D("0")),
        (date(2023, 3, 2), "Unknown", ["Home & Furniture"], 1, 1, D("50.00")),
    ]
    assert rows(built, "select customer_id, region, product_category, order_count, revenue,"
                       " cast(order_days as text), first_order_date, last_order_date"
                       " from marts.customer_purchases_by_region_category order by 1, 3") == [
        (101, "Unknown", "Electronic", 1, D("50.00"), "{[2023-01-30,2023-01-31)}",
         date(2023, 1, 30), date(2023, 1, 30)),
        # two orders on consecutive days: one range
        (101, "Unknown", "Fashion", 2, D("250.00"), "{[2023-01-30,2023-02-01)}",
         date(2023, 1, 30), date(2023, 1, 31)),
        (102, "Unknown", "Electronic", 1, D("60.00"), "{[2023-03-01,2023-03-02)}",
         date(2023, 3, 1), date(2023, 3, 1)),
        (102, "Unknown", "Fashion", 1, D("80.00"), "{[2023-01-30,2023-01-31)}",
         date(2023, 1, 30), date(2023, 1, 30)),
        (102, "Unknown", "Home & Furniture", 1, D("40.00"), "{[2023-01-30,2023-01-31)}",
         date(2023, 1, 30), date(2023, 1, 30)),
        (103, "Unknown", "Electronic", 1, D("50.00"), "{[2023-01-31,2023-02-01)}",
         date(2023, 1, 31), date(2023, 1, 31)),
        (104, "Unknown", "Home & Furniture", 1, D("50.00"), "{[2023-03-02,2023-03-03)}",
         date(2023, 3, 2), date(2023, 3, 2)),
        (104, "Unknown", "Promotions", 1, D("0"), "{[2023-03-01,2023-03-02)}",
         date(2023, 3, 1), date(2023, 3, 1)),
    ]
    assert rows(built, "select count(*), sum(revenue), sum(units_sold)"
                       " from marts.sales_daily_by_region_product") == [(9, D("580.00"), 17)]

def test_surrogate_keys_are_md5_of_the_natural_keys(built):
    orders = dict(rows(built, "select order_key, order_sk from core.orders"))
    assert orders["order_id=A-1"] == md5_key("order_id=A-1")
    assert orders["order_id=A-1"] == "ac62dd0edfca9608bb86a4985528c17b"
    products = rows(
        built,
        "select categories.category_name, products.product_name, products.product_sk,"
        " categories.category_sk from core.products inner join core.categories"
        " on products.category_sk = categories.category_sk order by 1, 2",
    )
    assert [(c, p) for c, p, _, _ in products] == [
        ("Electronic", "Cable"), ("Electronic", "Charger"), ("Fashion", "Shirt"),
        ("Home & Furniture", "Lamp, Desk"), ("Home & Furniture", "Shirt"),
        ("Promotions", "Sample Pack"),
    ]
    for category, product, product_sk, category_sk in products:
        assert product_sk == md5_key(category, product)
        assert category_sk == md5_key(category)
    lines = rows(built, "select batch_id, line_number, order_line_sk from core.order_lines")
    assert len(lines) == 10
    for batch_id, line_number, order_line_sk in lines:
        assert order_line_sk == md5_key(str(batch_id), str(line_number))


def test_revenue_daily(built):
    daily = rows(built, "select * from marts.revenue_daily order by date_day")
    assert len(daily) == 32  # 2023-01-30 .. 2023-03-02, every day
    by_day = {row[0]: row[1:] for row in daily}
    zero_day = (0, 0, D(0), D(0), None)
    assert by_day[date(2023, 1, 30)] == (2, 6, D("270"), D("33"), D("135.00"), D("270.00"))
    assert by_day[date(2023, 1, 31)] == (2, 7, D("200"), D("28"), D("100.00"), D("235.00"))
    assert by_day[date(2023, 2, 1)] == (*zero_day, D("156.67"))
    assert by_day[date(2023, 2, 5)] == (*zero_day, D("67.14"))
    assert by_day[date(2023, 2, 6)] == (*zero_day, D("28.57"))
    assert by_day[date(2023, 2, 7)] == (*zero_day, D("0.00"))
    assert by_day[date(2023, 3, 1)] == (2, 3, D("60"), D("10"), D("30.00"), D("8.57"))
    assert by_day[date(2023, 3, 2)] == (1, 1, D("50"), D("7"), D("50.00"), D("15.71"))
    assert sum(1 for row in daily if row[1] == 0) == 28


def test_revenue_monthly(built):
    assert rows(
        built,
        "select month_start, order_count, units_sold, revenue, profit, avg_order_value,"
        " revenue_mom_growth from marts.revenue_monthly order by month_start",
    ) == [
        (date(2023, 1, 1), 4, 13, D("470"), D("61"), D("117.50"), None),
        (date(2023, 2, 1), 0, 0, D(0), D(0), None, D("-1.0000")),
        (date(2023, 3, 1), 3, 4, D("110"), D("17"), D("36.67"), None),
    ]


def test_customer_lifetime_value(built):
    assert rows(
        built,
        "select customer_id, first_order_date, last_order_date, order_count, units_purchased,"
        " lifetime_revenue, lifetime_profit, avg_order_value, revenue_rank"
        " from marts.customer_lifetime_value order by customer_id",
    ) == [
        (101, date(2023, 1, 30), date(2023, 1, 31), 2, 6, D("300"), D("55"), D("150.00"), 1),
        (102, date(2023, 1, 30), date(2023, 3, 1), 2, 5, D("180"), D("20"), D("90.00"), 2),
        (103, date(2023, 1, 31), date(2023, 1, 31), 1, 4, D("50"), D("-2"), D("50.00"), 3),
        (104, date(2023, 3, 1), date(2023, 3, 2), 2, 2, D("50"), D("5"), D("25.00"), 3),
    ]


def test_category_performance(built):
    assert rows(
        built,
        "select product_category, order_count, units_sold, revenue, profit, profit_margin,"
        " revenue_share, revenue_rank from marts.category_performance order by revenue_rank",
    ) == [
        # A-1 has lines in Fashion and Electronic, so it counts in both
        ("Fashion", 3, 6, D("330"), D("50"), D("0.1515"), D("0.5690"), 1),
        ("Electronic", 3, 7, D("160"), D("15"), D("0.0938"), D("0.2759"), 2),
        ("Home & Furniture", 2, 3, D("90"), D("15"), D("0.1667"), D("0.1552"), 3),
        ("Promotions", 1, 1, D(0), D("-2"), None, D("0.0000"), 4),
    ]


def test_product_performance(built):
    assert rows(
        built,
        "select product, product_category, order_count, units_sold, revenue, profit,"
        " profit_margin, revenue_rank, profit_margin_rank from marts.product_performance"
        " order by revenue_rank, product",
    ) == [
        ("Shirt", "Fashion", 3, 6, D("330"), D("50"), D("0.1515"), 1, 3),
        ("Cable", "Electronic", 2, 4, D("80"), D("-1"), D("-0.0125"), 2, 5),
        ("Charger", "Electronic", 2, 3, D("80"), D("16"), D("0.2000"), 2, 1),
        ("Shirt", "Home & Furniture", 1, 1, D("50"), D("7"), D("0.1400"), 4, 4),
        ("Lamp, Desk", "Home & Furniture", 1, 2, D("40"), D("8"), D("0.2000"), 5, 1),
        ("Sample Pack", "Promotions", 1, 1, D(0), D("-2"), None, 6, 6),
    ]


def test_discount_impact(built):
    assert rows(
        built,
        "select discount_rate, order_lines, units_sold, revenue, profit, avg_units_per_line,"
        " avg_revenue_per_line, profit_margin from marts.discount_impact order by discount_rate",
    ) == [
        (D("0.00"), 2, 2, D("50"), D("3"), D("1.00"), D("25.00"), D("0.0600")),
        (D("0.10"), 2, 5, D("250"), D("50"), D("2.50"), D("125.00"), D("0.2000")),
        (D("0.13"), 3, 5, D("180"), D("20"), D("1.67"), D("60.00"), D("0.1111")),
        (D("0.30"), 2, 4, D("50"), D("-2"), D("2.00"), D("25.00"), D("-0.0400")),
        (D("0.50"), 1, 1, D("50"), D("7"), D("1.00"), D("50.00"), D("0.1400")),
    ]


def test_customer_segments(built):
    assert rows(
        built,
        "select segment_type, segment, customer_count, customer_share, order_count, order_share,"
        " units_sold, revenue, profit from marts.customer_segments order by 1, 2",
    ) == [
        ("device_type", "mobile", 2, D("0.5000"), 3, D("0.4286"), 10, D("320"), D("36")),
        ("device_type", "unknown", 0, D("0.0000"), 1, D("0.1429"), 1, D("50"), D("7")),
        ("device_type", "web", 2, D("0.5000"), 3, D("0.4286"), 6, D("210"), D("35")),
        ("gender", "female", 2, D("0.5000"), 3, D("0.4286"), 10, D("350"), D("53")),
        ("gender", "male", 2, D("0.5000"), 4, D("0.5714"), 7, D("230"), D("25")),
        ("login_type", "first_signup", 1, D("0.2500"), 1, D("0.1429"), 4, D("50"), D("-2")),
        # customer 102 ordered once as a guest, but is a member now
        ("login_type", "guest", 0, D("0.0000"), 1, D("0.1429"), 3, D("120"), D("8")),
        ("login_type", "member", 2, D("0.5000"), 3, D("0.4286"), 8, D("360"), D("67")),
        ("login_type", "new", 1, D("0.2500"), 2, D("0.2857"), 2, D("50"), D("5")),
    ]


def test_orders_by_priority(built):
    assert rows(
        built,
        "select order_priority, priority_level, is_urgent, order_count, order_share,"
        " units_sold, revenue, profit from marts.orders_by_priority order by order_priority",
    ) == [
        ("critical", 4, True, 1, D("0.1429"), 3, D("120"), D("8")),
        ("high", 3, True, 2, D("0.2857"), 5, D("210"), D("37")),
        ("low", 1, False, 2, D("0.2857"), 5, D("50"), D("-4")),
        ("medium", 2, False, 1, D("0.1429"), 3, D("150"), D("30")),
        ("unknown", None, False, 1, D("0.1429"), 1, D("50"), D("7")),
    ]


def test_business_summary(built):
    assert rows(built, "select * from marts.business_summary") == [
        (date(2023, 3, 2), date(2023, 1, 30), 4, 7, 10, 17, D("580"), D("78"), D("0.1345"),
         D("82.86"), D("2.43"), 3, D("0.4286")),
    ]


def run_analysis(built, name: str) -> list[tuple]:
    return rows(built, (Path(built["analyses"]) / f"{name}.sql").read_text())


def test_analyses_answer_the_questions(built):
    assert run_analysis(built, "q01_unique_customers") == [(4,)]
    assert run_analysis(built, "q02_customers_per_device_type") == [
        ("mobile", 2, D("0.5000"), 3, D("0.4286")),
        ("web", 2, D("0.5000"), 3, D("0.4286")),
        ("unknown", 0, D("0.0000"), 1, D("0.1429")),
    ]
    assert [r[:2] + r[3:] for r in run_analysis(built, "q03_members_vs_guests")] == [
        ("member", 2, 3, D("42.86")),
        ("first_signup", 1, 1, D("14.29")),
        ("new", 1, 2, D("28.57")),
        ("guest", 0, 1, D("14.29")),
    ]
    assert [r[:3] for r in run_analysis(built, "q04_top_products_by_sales")] == [
        (1, "Shirt", "Fashion"), (2, "Cable", "Electronic"), (2, "Charger", "Electronic"),
        (4, "Shirt", "Home & Furniture"), (5, "Lamp, Desk", "Home & Furniture"),
    ]
    assert [r[:3] for r in run_analysis(built, "q05_top_categories_by_revenue")] == [
        (1, "Fashion", D("330")), (2, "Electronic", D("160")), (3, "Home & Furniture", D("90")),
    ]
    assert [r[:4] for r in run_analysis(built, "q06_highest_margin_products")] == [
        (1, "Charger", "Electronic", D("0.2000")),
        (1, "Lamp, Desk", "Home & Furniture", D("0.2000")),
        (3, "Shirt", "Fashion", D("0.1515")),
        (4, "Shirt", "Home & Furniture", D("0.1400")),
        (5, "Cable", "Electronic", D("-0.0125")),
    ]
    assert run_analysis(built, "q07_average_order_size") == [(D("2.43"), D("82.86"), 17, 7)]
    assert run_analysis(built, "q08_total_revenue_and_profit") == [
        (D("580"), D("78"), D("0.1345"), date(2023, 1, 30), date(2023, 3, 2)),
    ]
    assert run_analysis(built, "q09_urgent_order_share") == [(3, 7, D("42.86"))]
    discount = run_analysis(built, "q10_discount_vs_sales")
    assert [r[:3] for r in discount] == [
        (D("0.00"), 2, D("1.00")), (D("0.10"), 2, D("2.50")), (D("0.13"), 3, D("1.67")),
        (D("0.30"), 2, D("2.00")), (D("0.50"), 1, D("1.00")),
    ]
    assert {r[-1] for r in discount} == {D("-0.227")}


def test_explain_analysis_shows_the_plan_with_and_without_the_index(built):
    sql = (Path(built["analyses"]) / "explain_order_lines_by_customer.sql").read_text()
    with built["conn"].cursor() as cur:
        cur.execute(sql)
        plans = []
        while True:
            if cur.description is not None:
                plans.append("\n".join(row[0] for row in cur.fetchall()))
            if not cur.nextset():
                break
    assert len(plans) == 2
    assert "Execution Time" in plans[0] and "Execution Time" in plans[1]
    assert "Seq Scan on order_lines" in plans[1]
