"""Column rules without a database: every rejection reason of every feed, and the fast path never
wider than the rule it speeds up."""

from __future__ import annotations

import random
import re

import pytest

from loaders import feeds
from loaders.rules import FieldRule, RowRejected

ORDER_LINES = feeds.ORDER_LINES


def rule(name: str, feed: feeds.Feed = ORDER_LINES) -> FieldRule:
    column = feed.column(name)
    return FieldRule(column, column.name.title())


def reason(name: str, value: str, feed: feeds.Feed = ORDER_LINES) -> str:
    with pytest.raises(RowRejected) as caught:
        rule(name, feed).check(value)
    return caught.value.reason


@pytest.mark.parametrize(
    ("column", "value", "expected"),
    [
        ("order_date", "", "missing_date"),
        ("order_date", "2018-02-30", "bad_date"),
        ("order_date", "2018-13-01", "bad_date"),
        ("order_date", "02/01/2018", "bad_date"),
        ("order_date", "2018-1-2", "bad_date"),
        ("order_date", "0000-01-01", "bad_date"),
        ("order_date", "２０１８-01-02", "bad_date"),
        ("time", "24:00:00", "bad_time"),
        ("time", "10:56", "bad_time"),
        ("time", "10:60:00", "bad_time"),
        ("aging", "-1", "bad_aging"),
        ("aging", "eight", "bad_aging"),
        ("customer_id", "", "missing_customer_id"),
        ("customer_id", "0", "bad_customer_id"),
        ("customer_id", "-5", "bad_customer_id"),
        ("customer_id", "37077.5", "bad_customer_id"),
        ("customer_id", "1e3", "bad_customer_id"),
        ("customer_id", "9223372036854775808", "bad_customer_id"),
        ("product_category", "", "missing_product_category"),
        ("product", "", "missing_product"),
        ("sales", "", "missing_sales"),
        ("sales", "-0.5", "bad_sales"),
        ("sales", "1,5", "bad_sales"),
        ("sales", "1e3", "bad_sales"),
        ("sales", "NaN", "bad_sales"),
        ("sales", "Infinity", "bad_sales"),
        ("sales", "1_000", "bad_sales"),
        ("quantity", "", "missing_quantity"),
        ("quantity", "1.5", "bad_quantity"),
        ("quantity", "0", "bad_quantity"),
        ("quantity", "2147483648", "bad_quantity"),
        ("discount", "1.5", "bad_discount"),
        ("discount", "-0.1", "bad_discount"),
        ("profit", "abc", "bad_profit"),
        ("shipping_cost", "-2", "bad_shipping_cost"),
        ("gender", "a\x00b", "bad_gender"),
    ],
)
def test_each_rejection_reason(column: str, value: str, expected: str) -> None:
    assert reason(column, value) == expected


@pytest.mark.parametrize(
    ("feed", "column", "value", "expected"),
    [
        ("products", "product_id", "", "missing_product_id"),
        ("products", "product_id", "0", "bad_product_id"),
        ("products", "product_id", "A-1", "bad_product_id"),
        ("products", "sku", "", "missing_sku"),
        ("products", "product_name", "", "missing_product_name"),
        ("products", "category", "", "missing_category"),
        ("products", "list_price", "", "missing_list_price"),
        ("products", "list_price", "-1", "bad_list_price"),
        ("products", "unit_cost", "1,5", "bad_unit_cost"),
        ("products", "launch_date", "2023-02-29", "bad_launch_date"),
        ("products", "is_active", "yes", "bad_is_active"),
        ("products", "is_active", "1", "bad_is_active"),
        ("products", "is_active", "t", "bad_is_active"),
        ("products", "updated_at", "", "missing_updated_at"),
        ("products", "updated_at", "2024-01-05", "bad_updated_at"),
        ("products", "updated_at", "2024-01-05T08:01:37", "bad_updated_at"),
        ("products", "updated_at", "2024-01-05 08:01", "bad_updated_at"),
        ("products", "updated_at", "2024-01-05 24:00:00", "bad_updated_at"),
        ("products", "updated_at", "2024-02-30 08:01:37", "bad_updated_at"),
        ("products", "updated_at", "2024-01-05  08:01:37", "bad_updated_at"),
        ("products", "updated_at", "2024-01-05 08:01:37+01", "bad_updated_at"),
        ("products", "updated_at", "2024-01-05 08:01:37.5", "bad_updated_at"),
        ("customers", "customer_id", "", "missing_customer_id"),
        ("customers", "signed_up_at", "yesterday", "bad_signed_up_at"),
        ("customers", "marketing_opt_in", "no", "bad_marketing_opt_in"),
        ("customers", "updated_at", "", "missing_updated_at"),
        ("inventory-movements", "movement_id", "", "missing_movement_id"),
        ("inventory-movements", "product_id", "", "missing_product_id"),
        ("inventory-movements", "moved_at", "", "missing_moved_at"),
        ("inventory-movements", "movement_type", "", "missing_movement_type"),
        ("inventory-movements", "movement_type", "Sale", "bad_movement_type"),
        ("inventory-movements", "movement_type", "theft", "bad_movement_type"),
        ("inventory-movements", "quantity", "", "missing_quantity"),
        ("inventory-movements", "quantity", "-1.5", "bad_quantity"),
        ("inventory-movements", "order_id", "0", "bad_order_id"),
        ("payments", "order_id", "", "missing_order_id"),
        ("payments", "processed_at", "", "missing_processed_at"),
        ("payments", "amount", "", "missing_amount"),
        ("payments", "amount", "0", "bad_amount"),
        ("payments", "amount", "0.00", "bad_amount"),
        ("payments", "amount", "-5", "bad_amount"),
        ("payments", "status", "", "missing_status"),
        ("payments", "status", "pending", "bad_status"),
        ("carts", "customer_id", "", "missing_customer_id"),
        ("carts", "created_at", "", "missing_created_at"),
        ("carts", "status", "captured", "bad_status"),
        ("cart-items", "cart_id", "", "missing_cart_id"),
        ("cart-items", "quantity", "0", "bad_quantity"),
        ("cart-items", "added_at", "", "missing_added_at"),
        ("reviews", "order_id", "", "missing_order_id"),
        ("reviews", "rating", "", "missing_rating"),
        ("reviews", "rating", "0", "bad_rating"),
        ("reviews", "rating", "6", "bad_rating"),
        ("reviews", "rating", "4.5", "bad_rating"),
        ("reviews", "reviewed_at", "", "missing_reviewed_at"),
    ],
)
def test_each_rejection_reason_of_the_other_feeds(
    feed: str, column: str, value: str, expected: str
) -> None:
    assert reason(column, value, feeds.get(feed)) == expected


@pytest.mark.parametrize(
    ("feed", "column", "value", "stored"),
    [
        ("products", "is_active", "true", "true"),
        ("products", "is_active", "FALSE", "false"),
        ("products", "is_active", "", None),
        ("products", "updated_at", "2024-02-29 23:59:59", "2024-02-29 23:59:59"),
        ("customers", "signed_up_at", "", None),
        ("payments", "amount", "0.01", "0.01"),
        ("payments", "status", "refunded", "refunded"),
        ("inventory-movements", "quantity", "-3", "-3"),
        ("inventory-movements", "quantity", "0", "0"),
        ("inventory-movements", "movement_type", "adjustment", "adjustment"),
        ("inventory-movements", "order_id", "", None),
        ("reviews", "rating", "5.0", "5"),
    ],
)
def test_accepted_values_of_the_other_feeds(feed: str, column: str, value: str, stored) -> None:
    assert rule(column, feeds.get(feed)).check(value) == stored


def test_messages_of_the_new_rules() -> None:
    def message(feed: str, column: str, value: str) -> str:
        with pytest.raises(RowRejected) as caught:
            rule(column, feeds.get(feed)).check(value)
        return caught.value.message

    assert message("payments", "status", "pending") == (
        "Status 'pending' is not one of captured, failed, refunded")
    assert message("payments", "amount", "0") == "Amount '0' is not positive"
    assert message("products", "is_active", "yes") == "Is_Active 'yes' is not true or false"
    assert message("products", "updated_at", "2024-01-05") == (
        "Updated_At '2024-01-05' is not a timestamp YYYY-MM-DD HH:MM:SS")


def test_declarations_refuse_what_the_rules_cannot_do() -> None:
    with pytest.raises(ValueError, match="allowed values need the text rule"):
        feeds.Column("n", "integer", "whole", allowed=("1",))
    with pytest.raises(ValueError, match="minimum_exclusive needs a decimal minimum"):
        feeds.Column("n", "numeric", "decimal", minimum_exclusive=True)
    with pytest.raises(ValueError, match="must be a required column"):
        feeds.Feed("f", "f", (feeds.Column("id", "bigint", "whole"),), key=("id",))


def test_every_feed_is_declared_in_dependency_order() -> None:
    assert [feed.file_name for feed in feeds.FEEDS.values()] == [
        "products.csv", "customers.csv", "order_lines.csv", "inventory_movements.csv",
        "payments.csv", "carts.csv", "cart_items.csv", "reviews.csv"]
    assert feeds.get("cart_items") is feeds.get("cart-items") is feeds.CART_ITEMS
    with pytest.raises(KeyError, match="unknown feed 'orders'"):
        feeds.get("orders")


def test_message_names_the_column_and_the_value() -> None:
    with pytest.raises(RowRejected) as caught:
        FieldRule(ORDER_LINES.column("quantity"), "Quantity").check("1.5")
    assert caught.value.message == "Quantity '1.5' is not a whole number"


@pytest.mark.parametrize(
    ("column", "value", "stored"),
    [
        ("customer_id", "37077", "37077"),
        ("customer_id", "37077.0", "37077"),
        ("customer_id", "+0037077.", "37077"),
        ("quantity", "2.0", "2"),
        ("discount", "", "0"),
        ("discount", "1", "1"),
        ("discount", "0", "0"),
        ("profit", "-46.5", "-46.5"),
        ("profit", "+.5", ".5"),
        ("sales", "0", "0"),
        ("sales", "140.", "140."),
        ("time", "", None),
        ("aging", "", None),
        ("order_date", "2016-02-29", "2016-02-29"),
        ("order_priority", "", None),
        ("product", "Car, \"Media\"", "Car, \"Media\""),
    ],
)
def test_accepted_values_and_what_copy_receives(column: str, value: str, stored) -> None:
    assert rule(column).check(value) == stored


def sample_values(rnd: random.Random) -> list[str]:
    """Plain field texts around every edge the rules care about."""
    pieces = ["0", "1", "9", "00", "01", "10", "-", "+", ".", "5", "-1", "0.", ".0", "1.0",
              "2.5", "12", "29", "30", "31", "02", "2018", "0000", "-", ":", " ", "e", "a",
              "23", "24", "59", "60", "true", "false", "True", "t", "\t", "sale", "return",
              "captured", "abandoned", "receipt", "adjustment", "failed"]
    values = ["", "0.0", "0.00", ".0", "00.00", "2024-02-29", "2023-02-29", "2000-02-29",
              "1900-02-29", "2100-02-29", "0400-02-29", "0000-02-29", "2024-02-29 12:00:00",
              "2023-02-29 12:00:00"]
    for _ in range(4000):
        values.append("".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 4))))
    for _ in range(2000):
        y, m, d = rnd.randint(0, 2100), rnd.randint(0, 13), rnd.randint(0, 32)
        values.append(f"{y:04d}-{m:02d}-{d:02d}")
        time = f"{rnd.randint(0, 25):02d}:{rnd.randint(0, 61):02d}:{rnd.randint(0, 61):02d}"
        values.append(time)
        values.append(f"{y:04d}-{m:02d}-{d:02d}{rnd.choice([' ', ' ', 'T', '  '])}{time}")
    return values


EVERY_COLUMN = [(feed.name, c.name) for feed in feeds.FEEDS.values() for c in feed.columns]


@pytest.mark.parametrize(("feed", "column"), EVERY_COLUMN)
def test_fast_path_never_accepts_what_the_rule_rejects(feed: str, column: str) -> None:
    """Whatever the fast regex takes must pass check() and reach COPY unchanged (a whole
    number's zero fraction aside; an empty field is null to COPY)."""
    field = rule(column, feeds.get(feed))
    fast = re.compile(field.fast)
    fraction = re.compile(rb"(?:" + field.fast + rb")" + field.fast_fraction)
    taken = 0
    for value in sample_values(random.Random(column)):
        raw = value.encode()
        if field.column.rule == "whole" and fraction.fullmatch(raw):
            digits = re.match(rb"[^.]*", raw).group(0).decode()
            assert field.check(value) == (digits or None), value
            taken += 1
        elif fast.fullmatch(raw):
            assert field.check(value) == (value or None), value
            taken += 1
    assert taken > 0  # the fast path is exercised, not vacuous
