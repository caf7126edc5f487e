"""Uniqueness tests that a unique index enforces are answered from the catalog
(macros/enforced_constraints.sql): on the served shop, the SQL dbt ran for them never reads the
tested table while the index is there, and the very same SQL scans and finds the duplicate once
the index is gone. (That the tests catch bad rows of constraint-less fixtures is
tests/singular/assert_generic_tests_catch_bad_rows.sql.)"""

from __future__ import annotations

import psycopg
import pytest

from conftest import compiled_tests

# (data test, its table): each enforced by the table's primary key or a unique index
ENFORCED = [
    ("unique_order_lines_order_line_sk", "order_lines"),
    ("unique_combination_of_columns_cart_items_cart_id__product_sk", "cart_items"),
    ("unique_combination_of_columns_customer_history_customer_id__valid_from", "customer_history"),
    ("unique_dim_customers_customer_id", "dim_customers"),
    ("unique_int_order_lines_keyed_order_line_sk", "int_order_lines_keyed"),
    ("source_unique_loader_load_batches_batch_id", "load_batches"),
]


def compiled_sql(shop: dict, test_name: str) -> str:
    """The SQL dbt ran for ``test_name`` in the shop's build."""
    return compiled_tests(shop["manifest"])[test_name]["compiled_code"]


def reads_of(plan: dict, table: str) -> list[int]:
    """How many times each plan node reading ``table`` ran (EXPLAIN ANALYZE's loops)."""
    loops = [plan["Actual Loops"]] if plan.get("Relation Name") == table else []
    for child in plan.get("Plans", []):
        loops += reads_of(child, table)
    return loops


def test_every_test_of_an_enforced_property_is_gated_on_the_catalog(served_shop):
    tests = compiled_tests(served_shop["manifest"])
    gated = {name for name, node in tests.items() if "pg_catalog" in node["compiled_code"]}
    assert {name for name, _ in ENFORCED} <= gated
    # every unique and unique_combination_of_columns test carries the gate
    generic = {
        name
        for name, node in tests.items()
        if (node.get("test_metadata") or {}).get("name")
        in {"unique", "unique_combination_of_columns"}
    }
    assert generic == gated


@pytest.mark.parametrize(("test_name", "table"), ENFORCED)
def test_a_test_the_database_enforces_never_reads_its_table(served_shop, test_name, table):
    sql = compiled_sql(served_shop, test_name)
    with psycopg.connect(served_shop["target"].conninfo()) as conn:
        (plan,) = conn.execute(f"explain (analyze, format json) {sql}").fetchone()[0]
        assert conn.execute(f"select count(*) from ({sql}) as failures").fetchone()[0] == 0
    loops = reads_of(plan["Plan"], table)
    assert loops, f"{test_name}: the plan does not mention {table}"
    assert loops == [0] * len(loops), f"{test_name} read {table}: {loops}"
    # the same query with the gate forced open does read the table
    opened = sql.replace("pg_catalog.pg_index", "(select * from pg_catalog.pg_index where false)")
    with psycopg.connect(served_shop["target"].conninfo()) as conn:
        (plan,) = conn.execute(f"explain (analyze, format json) {opened}").fetchone()[0]
    assert min(reads_of(plan["Plan"], table)) >= 1


def test_without_its_primary_key_the_unique_test_scans_and_finds_the_duplicate(served_shop):
    sql = compiled_sql(served_shop, "unique_order_lines_order_line_sk")
    with psycopg.connect(served_shop["target"].conninfo()) as conn:
        (key,) = conn.execute(
            "select conname from pg_constraint where conrelid = 'core.order_lines'::regclass"
            " and contype = 'p'"
        ).fetchone()
        conn.execute(f"alter table core.order_lines drop constraint {key} cascade")
        conn.execute(
            "create temporary table duplicate as select * from core.order_lines"
            " where built_at = (select max(built_at) from core.order_lines) limit 1"
        )
        conn.execute("update duplicate set line_number = -1")  # the raw line's own key
        conn.execute("insert into core.order_lines select * from duplicate")
        failures = conn.execute(sql).fetchall()
        conn.rollback()
    assert len(failures) == 1 and failures[0][1] == 2
