"""Singular tests written for speed still find what they exist to find, in both scopes: the SQL dbt
ran for them in the served shop's build (the rows that build wrote) and the SQL of a full build
(every row; `dbt compile --full-refresh`). Each is run on the served shop after breaking one row,
in a transaction rolled back at the end."""

from __future__ import annotations

import psycopg
import pytest

from conftest import compiled_tests, run_dbt

ONE_CUSTOMER_AND_DAY = "assert_orders_have_one_customer_and_day"


@pytest.fixture(scope="module")
def scopes(served_shop, tmp_path_factory) -> dict[str, str]:
    """The test's SQL as the served shop's build ran it, and as a full build compiles it."""
    work = tmp_path_factory.mktemp("full_scope")
    run_dbt("compile", "--full-refresh", "--select", ONE_CUSTOMER_AND_DAY,
            "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
            target=served_shop["target"])
    return {
        "latest build": compiled_tests(served_shop["manifest"])[ONE_CUSTOMER_AND_DAY][
            "compiled_code"
        ],
        "full build": compiled_tests(work / "target" / "manifest.json")[ONE_CUSTOMER_AND_DAY][
            "compiled_code"
        ],
    }


def test_the_scopes_differ_as_documented(scopes):
    # the build's own rows only, looked up by built_at; a full build checks every order at once
    assert "built_at = " in scopes["latest build"]
    assert "built_at" not in scopes["full build"]
    assert " in (select" not in scopes["full build"]


@pytest.mark.parametrize("scope", ["latest build", "full build"])
@pytest.mark.parametrize(
    ("column", "other_value"),
    [
        # another registered customer (the foreign key holds), or the next day
        ("customer_id", "(select min(customer_id) from core.customers where customer_id != {})"),
        ("order_date", "{} + 1"),
    ],
)
def test_an_order_split_across_customers_or_days_is_found(
    served_shop, scopes, scope, column, other_value
):
    sql = scopes[scope]
    with psycopg.connect(served_shop["target"].conninfo()) as conn:
        assert conn.execute(f"select count(*) from ({sql}) as failures").fetchone()[0] == 0
        order_sk, line_sk, value = conn.execute(
            f"select order_sk, max(order_line_sk), max({column}) from core.order_lines"
            " group by order_sk having count(*) >= 2 order by order_sk limit 1"
        ).fetchone()
        literal = f"'{value}'::date" if column == "order_date" else str(value)
        conn.execute(
            f"update core.order_lines set {column} = {other_value.format(literal)}"
            " where order_line_sk = %s",
            (line_sk,),
        )
        found = conn.execute(f"select order_sk from ({sql}) as failures").fetchall()
        conn.rollback()
    assert found == [(order_sk,)]
