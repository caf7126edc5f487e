"""Column rules without a database: every rejection reason, and the fast path never wider than
the rule it speeds up."""

from __future__ import annotations

import random
import re

import pytest

from loaders import feeds
from loaders.rules import FieldRule, RowRejected

ORDER_LINES = feeds.ORDER_LINES


def rule(name: str) -> FieldRule:
    column = ORDER_LINES.column(name)
    return FieldRule(column, column.name.title())


def reason(name: str, value: str) -> str:
    with pytest.raises(RowRejected) as caught:
        rule(name).check(value)
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
              "23", "24", "59", "60"]
    values = [""]
    for _ in range(4000):
        values.append("".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 4))))
    for _ in range(2000):
        y, m, d = rnd.randint(0, 2100), rnd.randint(0, 13), rnd.randint(0, 32)
        values.append(f"{y:04d}-{m:02d}-{d:02d}")
        values.append(f"{rnd.randint(0, 25):02d}:{rnd.randint(0, 61):02d}:{rnd.randint(0, 61):02d}")
    return values


@pytest.mark.parametrize("column", [c.name for c in ORDER_LINES.columns])
def test_fast_path_never_accepts_what_the_rule_rejects(column: str) -> None:
    """Whatever the fast regex takes must pass check() and reach COPY unchanged (a whole
    number's zero fraction aside; an empty field is null to COPY)."""
    field = rule(column)
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
    if column != "order_id":
        assert taken > 0  # the fast path is exercised, not vacuous
