"""The dbt project as a whole, built once on an empty warehouse.

`dbt build` must succeed on an empty raw schema (every feed's table, created by the loader's own
code, empty): every core table, mart and snapshot empty; the built tables carry their primary
keys, foreign keys and indexes; every model and column is documented, every model has a
primary-key test; the static docs site is written. Exact values on real data are in
test_e2e_order_lines.py (the public export alone) and test_e2e_shop.py (a generated shop).
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import psycopg
import pytest

from conftest import PROJECT, run_dbt
from loaders import load

CORE = [
    "cart_items",
    "carts",
    "categories",
    "customer_history",
    "customers",
    "inventory_movements",
    "order_lines",
    "orders",
    "payments",
    "product_history",
    "products",
    "reviews",
    "stock_levels_daily",
]
MARTS = [
    "business_summary",
    "cart_abandonment",
    "category_performance",
    "customer_cohorts",
    "customer_lifetime_value",
    "customer_order_history",
    "customer_purchases_by_region_category",
    "customer_rfm",
    "customer_segments",
    "dim_customers",
    "dim_products",
    "discount_impact",
    "fct_carts",
    "fct_order_lines",
    "fct_orders",
    "fct_payments",
    "fct_reviews",
    "fct_stock_daily",
    "metricflow_time_spine",
    "metrics_daily",
    "metrics_monthly",
    "orders_by_priority",
    "orders_daily_by_region_basket",
    "payment_reconciliation",
    "product_performance",
    "product_ratings",
    "product_sales_daily",
    "profit_summary",
    "revenue_daily",
    "revenue_monthly",
    "sales_daily_by_region_category",
    "sales_daily_by_region_product",
    "stock_alerts",
    "top_skus",
]
# The one mart that is not a figure of the shop: when the warehouse was last built (the API's
# ETag and /health); it reads nothing.
BUILD_MART = "latest_build"
# Marts no application reads yet: SQL users and BI read them as storefront_reporter. The
# exposures name only real consumers (the API and the dashboard); a new mart is read by one of
# them or listed here.
UNSERVED = {"cart_abandonment", "customer_order_history", "customer_rfm", "metrics_daily",
            "metrics_monthly", "payment_reconciliation", "profit_summary", "top_skus"}
SNAPSHOTS = ["customers_snapshot", "products_snapshot"]


@pytest.fixture(scope="module")
def project(fresh_db, tmp_path_factory):
    """An empty raw schema (created by the loader's own code), a build, then an incremental
    build with nothing new (every incremental model's "nothing to do" path), the static docs."""
    folder = tmp_path_factory.mktemp("dbt")
    with psycopg.connect(fresh_db.conninfo(), autocommit=True) as conn:
        load.ensure_raw_schema(conn)
    paths = ("--target-path", str(folder / "target"), "--log-path", str(folder / "logs"))
    results = []
    for _ in range(2):
        run_dbt("build", *paths, target=fresh_db)
        results += json.loads((folder / "target" / "run_results.json").read_text())["results"]
    run_dbt("docs", "generate", "--static", *paths, target=fresh_db)
    with psycopg.connect(fresh_db.conninfo(), autocommit=True) as conn:
        yield {
            "conn": conn,
            "db": fresh_db,
            "results": results,
            "target": folder / "target",
            "manifest": json.loads((folder / "target" / "manifest.json").read_text()),
            "catalog": json.loads((folder / "target" / "catalog.json").read_text()),
        }


def models(manifest: dict) -> dict[str, dict]:
    return {
        node["name"]: node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["package_name"] == "storefront"
    }


def test_build_on_an_empty_warehouse_succeeds_and_every_mart_is_empty(project):
    statuses = {r["unique_id"]: r["status"] for r in project["results"]}
    failed = [(r["unique_id"], r["status"]) for r in project["results"]
              if r["status"] not in ("success", "pass", "no-op")]
    assert not failed
    assert len(project["results"]) == 2 * len(statuses)  # both builds ran every node
    assert sum(u.startswith("model.") for u in statuses) >= len(CORE) + len(MARTS) + 2
    for schema, tables in (("core", CORE), ("marts", MARTS), ("snapshots", SNAPSHOTS)):
        for table in tables:
            count = project["conn"].execute(f"select count(*) from {schema}.{table}").fetchone()
            assert count == (0,), f"{schema}.{table}"


def test_core_tables_have_primary_and_foreign_keys(project):
    found = project["conn"].execute(
        """
        select
            source.relname,
            constraints.contype,
            (
                select string_agg(attribute.attname, ',' order by key.ordinality)
                from unnest(constraints.conkey) with ordinality as key (attnum, ordinality)
                inner join pg_attribute as attribute
                    on attribute.attrelid = constraints.conrelid
                    and attribute.attnum = key.attnum
            ),
            referenced.relname
        from pg_constraint as constraints
        inner join pg_class as source on constraints.conrelid = source.oid
        inner join pg_namespace as namespace on source.relnamespace = namespace.oid
        left join pg_class as referenced on constraints.confrelid = referenced.oid
        where namespace.nspname = 'core' and constraints.contype in ('p', 'f')
        """
    ).fetchall()
    assert sorted(found, key=lambda row: (row[0], row[1], row[2])) == [
        ("cart_items", "f", "cart_id", "carts"),
        ("cart_items", "f", "product_sk", "products"),
        ("cart_items", "p", "cart_item_id", None),
        ("carts", "f", "customer_id", "customers"),
        ("carts", "f", "order_sk", "orders"),
        ("carts", "p", "cart_id", None),
        ("categories", "p", "category_sk", None),
        ("customer_history", "p", "customer_version_sk", None),
        ("customers", "p", "customer_id", None),
        ("inventory_movements", "f", "order_sk", "orders"),
        ("inventory_movements", "f", "product_sk", "products"),
        ("inventory_movements", "p", "movement_id", None),
        ("order_lines", "f", "customer_id", "customers"),
        ("order_lines", "f", "order_sk", "orders"),
        ("order_lines", "f", "product_sk", "products"),
        ("order_lines", "p", "order_line_sk", None),
        ("orders", "f", "customer_id", "customers"),
        ("orders", "p", "order_sk", None),
        ("payments", "f", "order_sk", "orders"),
        ("payments", "p", "payment_id", None),
        ("product_history", "p", "product_version_sk", None),
        ("products", "f", "category_sk", "categories"),
        ("products", "p", "product_sk", None),
        ("reviews", "f", "customer_id", "customers"),
        ("reviews", "f", "order_sk", "orders"),
        ("reviews", "f", "product_sk", "products"),
        ("reviews", "p", "review_id", None),
        ("stock_levels_daily", "f", "product_sk", "products"),
        ("stock_levels_daily", "p", "product_sk,stock_date", None),
    ]


def index_columns(conn: psycopg.Connection, schema: str) -> set[tuple[str, str, bool]]:
    """(table, indexed columns, unique) of every index in ``schema``."""
    return {
        (table, re.search(r"\((.*)\)", definition).group(1), " UNIQUE " in definition)
        for table, definition in conn.execute(
            "select tablename, indexdef from pg_indexes where schemaname = %s", (schema,)
        )
    }


def test_core_foreign_keys_and_mart_lookup_columns_are_indexed(project):
    core = index_columns(project["conn"], "core")
    for table, column in [
        ("order_lines", "order_sk"),
        ("order_lines", "product_sk"),
        ("order_lines", "customer_id"),
        ("orders", "customer_id"),
        ("products", "category_sk"),
        ("payments", "order_sk"),
        ("cart_items", "cart_id"),
        ("inventory_movements", "movement_date"),
    ]:
        # an index leading with the column serves its lookups (some cover more columns)
        assert any(t == table and columns.split(", ")[0] == column
                   for t, columns, _ in core), (table, column)
    # incremental tables: the batch lookup of rule 1 and the built_at watermark of rule 2
    for table in ("order_lines", "orders", "customers", "products", "inventory_movements",
                  "payments", "carts", "cart_items", "reviews", "stock_levels_daily",
                  "customer_history", "product_history"):
        assert (table, "built_at", False) in core, table
    for table in ("inventory_movements", "payments", "carts", "cart_items", "reviews",
                  "customer_history", "product_history"):
        assert (table, "batch_id", False) in core, table
    marts = index_columns(project["conn"], "marts")
    assert {
        ("revenue_daily", "date_day", True),
        ("revenue_monthly", "month_start", True),
        ("customer_lifetime_value", "customer_id", True),
        ("customer_lifetime_value", "revenue_rank", False),
        ("customer_segments", "segment_type, segment", True),
        ("category_performance", "product_category", True),
        ("product_performance", "product_category, product", True),
        ("product_performance", "revenue_rank", False),
        ("discount_impact", "discount_rate", True),
        ("orders_by_priority", "order_priority", True),
        ("metrics_daily", "date_day", True),
        ("metrics_monthly", "month_start", True),
        ("profit_summary", "month_start, product_category", True),
        ("top_skus", "month_start, product_sk", True),
        ("payment_reconciliation", "order_sk", True),
        ("customer_cohorts", "cohort_month, months_since_first_order", True),
        ("customer_rfm", "customer_id", True),
        ("customer_order_history", "customer_id, order_number", True),
        ("cart_abandonment", "date_day", True),
        ("stock_alerts", "product_sk", True),
        ("product_ratings", "product_sk", True),
        ("fct_payments", "payment_id", True),
        ("fct_payments", "processed_date", False),
        ("fct_carts", "cart_id", True),
        ("fct_carts", "created_date", False),
        ("fct_reviews", "review_id", True),
        ("fct_reviews", "review_date", False),
        ("fct_stock_daily", "product_sk, stock_date", True),
        ("fct_stock_daily", "stock_date", False),
    } <= marts


def test_core_and_marts_enforce_their_contracts(project):
    for name, node in models(project["manifest"]).items():
        layer = Path(node["original_file_path"]).parts[1]
        if layer in ("core", "marts"):
            assert node["config"]["contract"]["enforced"], name
            assert node["config"]["materialized"] in ("table", "incremental"), name
            assert all(column["data_type"] for column in node["columns"].values()), name


def test_contracted_tables_are_exactly_their_contracts(project):
    """Contracted tables are written by CREATE TABLE AS and get their constraints after, with
    their keys (macros/create_table_as.sql): each table still has the contract's columns in its
    order, its types, NOT NULL exactly where declared (or where a primary key implies it) and
    its unique constraints, as dbt's own CREATE TABLE would have made it. The first build wrote
    each by CREATE TABLE AS: its status is SELECT, where dbt's own path ends with an INSERT."""
    conn = project["conn"]
    first_build = project["results"][: len(project["results"]) // 2]
    statuses = {r["unique_id"]: r["adapter_response"].get("code") for r in first_build}
    checked = 0
    for node in models(project["manifest"]).values():
        if not node["config"]["contract"]["enforced"]:
            continue
        relation = f"{node['schema']}.{node['alias']}"
        assert statuses[node["unique_id"]] == "SELECT", relation
        declared = []
        for column, spec in node["columns"].items():
            types = {c["type"] for c in spec.get("constraints", [])}
            normalized = conn.execute(
                "select format_type(to_regtype(%s), null)", (spec["data_type"],)
            ).fetchone()[0]
            declared.append((column, normalized, bool(types & {"not_null", "primary_key"})))
        built = conn.execute(
            """
            select attname, format_type(atttypid, atttypmod), attnotnull
            from pg_attribute
            where attrelid = cast(%s as regclass) and attnum > 0 and not attisdropped
            order by attnum
            """,
            (relation,),
        ).fetchall()
        assert built == declared, relation
        unique_declared = {
            column for column, spec in node["columns"].items()
            if "unique" in {c["type"] for c in spec.get("constraints", [])}
        }
        unique_built = {
            row[0] for row in conn.execute(
                """
                select attname from pg_constraint
                inner join pg_attribute
                    on attrelid = conrelid and attnum = any(conkey)
                where conrelid = cast(%s as regclass) and contype = 'u'
                """,
                (relation,),
            )
        }
        assert unique_built == unique_declared, relation
        checked += 1
    assert checked >= 40
    assert conn.execute(
        "select attnotnull from pg_attribute where attrelid = cast('core.categories' as regclass)"
        " and attname = 'category_name'"
    ).fetchone() == (True,)


@pytest.mark.parametrize(
    ("model", "column", "before", "after", "probe", "expected"),
    [
        (
            "customer_segments", "segment_type", "data_type: text", "data_type: varchar(40)",
            "select format_type(atttypid, atttypmod) from pg_attribute"
            " where attrelid = cast(%(relation)s as regclass) and attname = %(column)s",
            "character varying(40)",
        ),
        (
            "business_summary", "as_of_date", "- type: not_null",
            "- type: not_null\n          - type: unique"
            "\n            expression: nulls not distinct",
            "select bool_or(indnullsnotdistinct) from pg_index"
            " where indrelid = cast(%(relation)s as regclass) and indisunique",
            True,
        ),
    ],
    ids=["length-limited type", "unique nulls not distinct"],
)
def test_a_contract_create_table_as_cannot_honour_keeps_dbts_own_ddl(
    project, tmp_path, model, column, before, after, probe, expected
):
    """A cast to varchar(n) in CREATE TABLE AS would cut a too-long value where dbt's INSERT
    fails, and `add unique (c)` would drop a unique constraint's options: a contract with either
    is created by dbt-postgres's own CREATE TABLE + INSERT (status INSERT), exactly as declared.
    A copy of the project gets one column of a mart changed that way; the mart is rebuilt from
    the project itself afterwards, by CREATE TABLE AS again."""
    copy = tmp_path / "project"
    for name in ("models", "macros", "seeds", "snapshots", "analyses"):
        shutil.copytree(PROJECT / name, copy / name)
    shutil.copytree(PROJECT / "tests", copy / "tests", ignore=shutil.ignore_patterns("python"))
    shutil.copy(PROJECT / "dbt_project.yml", copy / "dbt_project.yml")
    (yml,) = [
        path for path in (copy / "models" / "marts").rglob("*.yml")
        if f"  - name: {model}\n" in path.read_text()
    ]
    text = yml.read_text()
    at = text.index(f"      - name: {column}\n", text.index(f"  - name: {model}\n"))
    at = text.index(before, at)
    yml.write_text(text[:at] + after + text[at + len(before):])
    paths = ("--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"))
    results = tmp_path / "target" / "run_results.json"
    try:
        run_dbt("run", "-s", model, "--project-dir", str(copy), *paths, target=project["db"])
        (result,) = json.loads(results.read_text())["results"]
        assert result["adapter_response"]["code"] == "INSERT"
        found = project["conn"].execute(
            probe, {"relation": f"marts.{model}", "column": column}
        ).fetchone()
        assert found == (expected,)
    finally:
        run_dbt("run", "-s", model, *paths, target=project["db"])
    (result,) = json.loads(results.read_text())["results"]
    assert result["adapter_response"]["code"] == "SELECT"


@pytest.mark.parametrize(
    ("amount", "status", "message"),
    [
        (-5, "captured", "payments_amount_check"),
        (5, "_", 'column "payment_status" of relation "payments" contains null values'),
    ],
    ids=["check", "not-null"],
)
def test_a_row_breaking_the_contract_stops_its_model_and_keeps_the_table(
    project, tmp_path, amount, status, message
):
    """A payment of a negative amount, or of a status that is no code at all, landed in raw
    (past the loader, which would quarantine both): the rebuild of core.payments fails on the
    contract's check or not-null constraint, naming it, and the table it would have replaced is
    still there."""
    conn = project["conn"]
    done = None
    paths = ("--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"))
    (batch,) = conn.execute(
        """
        insert into raw.load_batches (feed, source_file, content_sha256, status, started_at)
        values ('payments', 'bad.csv', 'test-negative-amount', 'loaded', now())
        returning batch_id
        """
    ).fetchone()
    try:
        conn.execute(
            "insert into raw.payments (payment_id, order_id, processed_at, payment_method, amount,"
            " status, _batch_id, _line_number) values (1, 1, '2024-01-01 10:00', 'credit_card',"
            " %s, %s, %s, 1)",
            (amount, status, batch),
        )
        before = conn.execute("select cast('core.payments' as regclass)::oid").fetchone()
        done = run_dbt("run", "-s", "payments", "--full-refresh", *paths,
                       target=project["db"], check=False)
        assert done.returncode != 0
        assert message in done.stdout
        assert conn.execute("select cast('core.payments' as regclass)::oid").fetchone() == before
        assert conn.execute("select count(*) from core.payments").fetchone() == (0,)
    finally:
        conn.execute("delete from raw.payments where _batch_id = %s", (batch,))
        conn.execute("delete from raw.load_batches where batch_id = %s", (batch,))
        if done is not None and done.returncode == 0:  # the bad row got in: build it out again
            run_dbt("run", "-s", "payments", "--full-refresh", *paths, target=project["db"])


def test_the_door_checks_every_file_its_first_table_has_yet_to_take_in(project, tmp_path):
    """Two order-line files loaded between builds, the older with a device type that is no
    code (`Tablet`): the door's `accepted_values` test checks both (every batch
    `int_order_lines_keyed` does not hold yet, macros/test_scope.sql), fails and stops the
    build before any table takes them in; `dbt test` alone checks them again. Built without
    the door (`dbt run`), `customers` refuses the code on its check constraint, naming it;
    the line-by-line reconciliation then expects none of those lines in `core.order_lines`."""
    conn = project["conn"]
    paths = ("--target-path", str(tmp_path / "target"), "--log-path", str(tmp_path / "logs"))
    door = "accepted_values_stg_shop__order_lines_device_type"

    def statuses() -> dict[str, str]:
        results = json.loads((tmp_path / "target" / "run_results.json").read_text())["results"]
        return {result["unique_id"].split(".")[2]: result["status"] for result in results}

    batches = []
    try:
        for number, (customer, device) in enumerate([(7001, "Tablet"), (7002, "Web")]):
            (batch,) = conn.execute(
                "insert into raw.load_batches (feed, source_file, content_sha256, status,"
                " started_at) values ('order-lines', %s, %s, 'loaded', now()) returning batch_id",
                (f"day{number}.csv", f"test-door-scope-{number}"),
            ).fetchone()
            batches.append(batch)
            conn.execute(
                "insert into raw.order_lines (order_date, time, customer_id, device_type,"
                " product_category, product, sales, quantity, discount, order_priority,"
                " order_id, _batch_id, _line_number) values ('2024-01-01', '10:00', %s, %s,"
                " 'Fashion', 'Scarf', 10, 1, 0, 'Low', %s, %s, 1)",
                (customer, device, str(customer), batch),
            )
        done = run_dbt("build", "-s", "stg_shop__order_lines", "int_order_lines_keyed",
                       "customers", *paths, target=project["db"], check=False)
        assert done.returncode != 0
        status = statuses()
        assert (status[door], status["int_order_lines_keyed"], status["customers"]) == (
            "fail", "skipped", "skipped")
        compiled = (tmp_path / "target" / "run").rglob(f"{door}.sql")
        assert f"where batch_id in ({batches[0]}, {batches[1]})" in next(compiled).read_text()
        assert conn.execute("select count(*) from staging.int_order_lines_keyed").fetchone() == (0,)

        done = run_dbt("test", "-s", door, *paths, target=project["db"], check=False)
        assert done.returncode != 0 and statuses()[door] == "fail"

        done = run_dbt("run", "-s", "int_order_lines_keyed", "customers", *paths,
                       target=project["db"], check=False)
        assert done.returncode != 0
        assert 'violates check constraint "customers_device_type_check"' in done.stdout
        assert (statuses()["int_order_lines_keyed"], statuses()["customers"]) == (
            "success", "error")
        assert conn.execute("select count(*) from core.customers").fetchone() == (0,)
        # taken in by that run: `dbt test` alone checks what the latest build took in
        done = run_dbt("test", "-s", door, *paths, target=project["db"], check=False)
        assert done.returncode != 0 and statuses()[door] == "fail"
        # the reconciliation expects in core.order_lines the raw lines of the batches its own
        # latest build wrote (none), not those the first table took in
        reconcile = "assert_totals_reconcile_across_layers"
        run_dbt("test", "-s", reconcile, *paths, target=project["db"])
        compiled = next((tmp_path / "target" / "run").rglob(f"{reconcile}.sql")).read_text()
        assert "where _batch_id in (null)" in compiled
    finally:
        conn.execute("delete from raw.order_lines where _batch_id = any(%s)", (batches,))
        conn.execute("delete from raw.load_batches where batch_id = any(%s)", (batches,))
        run_dbt("run", "-s", "int_order_lines_keyed", "--full-refresh", *paths,
                target=project["db"])
    assert conn.execute("select count(*) from staging.int_order_lines_keyed").fetchone() == (0,)


def declared_checks(manifest: dict) -> dict[tuple[str, str], str]:
    """(model, constraint name) -> expression of every check constraint declared in yml, named
    as macros/key_constraints.sql names them."""
    found = {}
    for name, node in models(manifest).items():
        for constraint in node["constraints"]:
            if constraint["type"] == "check":
                found[(name, constraint["name"])] = constraint["expression"]
        for column, spec in node["columns"].items():
            for constraint in spec.get("constraints", []):
                if constraint["type"] == "check":
                    named = constraint.get("name") or f"{name}_{column}_check"
                    found[(name, named)] = constraint["expression"]
    return found


def test_value_rules_of_core_and_marts_are_check_constraints_in_the_database(project):
    """Ranges, accepted values and row rules of the contracted tables are check constraints:
    PostgreSQL refuses a bad row on every insert, so no data test repeats them."""
    declared = declared_checks(project["manifest"])
    assert len(declared) >= 40
    built = dict(project["conn"].execute(
        """
        select source.relname || '.' || constraints.conname, pg_get_constraintdef(constraints.oid)
        from pg_constraint as constraints
        inner join pg_class as source on constraints.conrelid = source.oid
        where constraints.contype = 'c'
            and source.relnamespace in (cast('core' as regnamespace), cast('marts' as regnamespace))
        """
    ).fetchall())
    assert set(built) == {f"{model}.{name}" for model, name in declared}
    assert built["orders.orders_line_count_check"] == "CHECK ((line_count >= 1))"
    assert built["reviews.reviews_rating_check"] == "CHECK (((rating >= 1) AND (rating <= 5)))"
    contracted = {
        node["unique_id"] for node in models(project["manifest"]).values()
        if Path(node["original_file_path"]).parts[1] in ("core", "marts")
    }
    repeated = [
        test["name"] for test in project["manifest"]["nodes"].values()
        if test["resource_type"] == "test" and test.get("attached_node") in contracted
        and (test.get("test_metadata") or {}).get("name") in ("accepted_range", "accepted_values")
    ]
    assert repeated == []


def test_every_model_and_every_column_is_documented(project):
    manifest, catalog = project["manifest"], project["catalog"]
    for name, node in models(manifest).items():
        assert node["description"].strip(), name
        documented = {c: v["description"].strip() for c, v in node["columns"].items()}
        assert all(documented.values()), name
        built = catalog["nodes"].get(node["unique_id"])
        if built is not None:  # ephemeral models are not in the catalog
            assert set(built["columns"]) == set(documented), name
    for source in manifest["sources"].values():
        assert source["description"].strip() and source["source_description"].strip()
        assert all(c["description"].strip() for c in source["columns"].values()), source["name"]
        built = catalog["sources"][source["unique_id"]]
        assert set(built["columns"]) == set(source["columns"]), source["name"]


def test_every_built_model_has_a_primary_key_test(project):
    """A unique key test per model, the key also not null: by a not_null test, or by the
    contract's not_null constraint (PostgreSQL checks it on every insert, so a not_null data test
    there could never fail and is not written)."""
    manifest = project["manifest"]
    key_tests: dict[str, dict[str, set[str]]] = {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "test" and node.get("test_metadata"):
            test_name = node["test_metadata"]["name"]
            if test_name in ("unique", "unique_combination_of_columns", "not_null"):
                columns = key_tests.setdefault(node["attached_node"], {})
                columns.setdefault(test_name, set()).add(node.get("column_name"))
    for name, node in models(manifest).items():
        if node["config"]["materialized"] == "ephemeral":
            continue
        tests = key_tests.get(node["unique_id"], {})
        if "unique_combination_of_columns" in tests:
            continue
        assert tests.get("unique"), name
        assert any(
            column in tests.get("not_null", set())
            or "not_null" in {c["type"] for c in node["columns"][column].get("constraints", [])}
            for column in tests["unique"]
        ), name


def test_unit_tests_prove_the_logic_the_issue_names(project):
    unit_tests = {
        node["name"]: node["model"] for node in project["manifest"]["unit_tests"].values()
    }
    assert unit_tests == {
        "order_identity_with_and_without_order_id": "int_order_lines_keyed",
        "revenue_daily_fills_gaps_and_averages_7_days_from_range_start": "revenue_daily",
        "revenue_monthly_growth_against_previous_month": "revenue_monthly",
        "customer_lifetime_value_rank_ties": "customer_lifetime_value",
        "category_performance_margin_share_and_rank": "category_performance",
        "discount_impact_rounds_rates_and_averages_per_line": "discount_impact",
        "customer_rfm_scores_and_segments": "customer_rfm",
        "customer_cohorts_month_arithmetic": "customer_cohorts",
        "stock_alerts_days_of_cover_and_reorder_point": "stock_alerts",
        "priced_lines_take_the_version_valid_at_their_order_time": "int_order_lines_priced",
        "located_lines_take_the_region_valid_when_their_order_was_placed":
            "int_order_lines_located",
    }


def test_sources_declare_freshness_on_loaded_at(project):
    source = project["manifest"]["sources"]["source.storefront.shop.order_lines"]
    assert source["loaded_at_field"] == "_loaded_at"
    assert source["freshness"]["warn_after"] == {"count": 1, "period": "day"}
    assert source["freshness"]["error_after"] == {"count": 7, "period": "day"}


def ancestors(manifest: dict, unique_id: str) -> set[str]:
    seen: set[str] = set()
    stack = [unique_id]
    while stack:
        for parent in manifest["parent_map"].get(stack.pop(), []):
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return seen


def test_lineage_runs_from_raw_through_staging_and_core_to_every_mart(project):
    manifest = project["manifest"]
    for mart in MARTS:
        upstream = ancestors(manifest, f"model.storefront.{mart}")
        assert {
            "source.storefront.shop.order_lines",
            "model.storefront.stg_shop__order_lines",
            "model.storefront.int_order_lines_keyed",
            "source.storefront.loader.load_batches",
        } <= upstream, mart
        assert any(u in upstream for u in (f"model.storefront.{t}" for t in CORE)), mart
    consumers = {
        parent
        for exposure in manifest["exposures"].values()
        for parent in exposure["depends_on"]["nodes"]
    }
    assert consumers == {f"model.storefront.{mart}" for mart in (*MARTS, BUILD_MART)
                         if mart not in UNSERVED}
    assert {e["name"]: (e["type"], e["url"]) for e in manifest["exposures"].values()} == {
        "storefront_api": ("application", "http://127.0.0.1:8000/docs"),
        "storefront_dashboard": ("dashboard", "http://127.0.0.1:8000/dashboard/"),
        "storefront_metrics": ("application", "http://127.0.0.1:8000/metrics/"),
    }
    assert ancestors(manifest, f"model.storefront.{BUILD_MART}") == set()


def test_static_docs_site_is_written(project):
    site = project["target"] / "static_index.html"
    text = site.read_text(encoding="utf-8")
    assert len(text) > 1_000_000  # the app with the manifest and catalog inlined
    for needle in ("Storefront Analytics", "revenue_daily", "stg_shop__order_lines"):
        assert needle in text, needle
    analyses = project["target"] / "compiled" / "storefront" / "analyses"
    assert len(list(analyses.glob("q*.sql"))) == 10


def test_totals_reconcile_across_every_mart_of_sales(project):
    """A new mart of sales figures cannot be left out of the cross-layer reconciliation."""
    test = project["manifest"]["nodes"]["test.storefront.assert_totals_reconcile_across_layers"]
    reconciled = {uid.split(".")[-1] for uid in test["depends_on"]["nodes"]}
    assert {"order_lines", "orders"} <= reconciled
    # the marts of payments, ratings, carts and stock, and MetricFlow's time spine, hold no
    # sales totals
    assert set(MARTS) - reconciled == {"payment_reconciliation", "product_ratings",
                                       "cart_abandonment", "stock_alerts", "fct_payments",
                                       "fct_carts", "fct_reviews", "fct_stock_daily",
                                       "metricflow_time_spine"}
