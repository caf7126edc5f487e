"""The semantic layer from the shell, as an analytics engineer uses it: MetricFlow's `mf`
with the project's profile, on the served shop. `mf validate-configs` is clean against the
warehouse (the semantic validations, and the data warehouse validations `make lint` skips
offline); `mf query` answers the documented examples and the saved queries with the marts'
figures; the time spine is the one dbt-core 1.11 declares in YAML."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

import psycopg
import pytest

from conftest import run_mf


@pytest.fixture(scope="module")
def db(served_shop):
    with psycopg.connect(served_shop["target"].conninfo(), autocommit=True) as conn:
        yield conn


def rows(path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def cents(value: str) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def test_mf_validate_configs_is_clean_with_the_warehouse(served_shop):
    done = run_mf(served_shop, "validate-configs")
    text = done.stdout + done.stderr
    for step in ("the semantics of built manifest", "semantic models against data warehouse",
                 "dimensions against data warehouse", "entities against data warehouse",
                 "measures against data warehouse", "metrics against data warehouse"):
        assert f"Successfully validated {step} (ERRORS: 0, FUTURE_ERRORS: 0" in text, step


def test_mf_query_revenue_by_month_equals_revenue_monthly(served_shop, db, tmp_path):
    run_mf(served_shop, "query", "--metrics", "revenue", "--group-by", "metric_time__month",
           "--order", "metric_time__month", "--csv", str(tmp_path / "out.csv"))
    found = [(r["metric_time__month"][:10], cents(r["revenue"]))
             for r in rows(tmp_path / "out.csv")]
    expected = [(m.isoformat(), r) for m, r in db.execute(
        "select month_start, revenue from marts.revenue_monthly order by 1").fetchall()]
    assert found == expected and len(found) >= 3


def test_mf_saved_query_sales_by_category_equals_category_performance(served_shop, db,
                                                                        tmp_path):
    run_mf(served_shop, "query", "--saved-query", "sales_by_category", "--csv",
           str(tmp_path / "out.csv"))
    found = [(r["product__product_category"], cents(r["revenue"]), int(r["units"]))
             for r in rows(tmp_path / "out.csv")]
    expected = db.execute("select product_category, revenue, units_sold"
                          " from marts.category_performance order by revenue desc").fetchall()
    assert found == expected


def test_the_semantic_manifest_declares_the_time_spine_and_the_saved_queries(served_shop):
    manifest = json.loads((served_shop["work"] / "target" / "semantic_manifest.json")
                          .read_text())
    (spine,) = manifest["project_configuration"]["time_spines"]
    assert spine["node_relation"]["alias"] == "metricflow_time_spine"
    assert spine["node_relation"]["schema_name"] == "marts"
    assert spine["primary_column"] == {"name": "date_day", "time_granularity": "day"}
    assert manifest["project_configuration"]["time_spine_table_configurations"] == []
    assert {q["name"] for q in manifest["saved_queries"]} == {
        "revenue_by_month", "sales_by_category", "customers_by_month",
        "customers_by_region_and_segment", "discount_impact", "orders_by_channel",
        "operations_by_month"}
    assert len(manifest["metrics"]) >= 16


def test_the_time_spine_runs_from_the_first_to_the_last_order_day(db):
    assert db.execute("select min(date_day), max(date_day), count(*) = max(date_day)"
                      " - min(date_day) + 1 from marts.metricflow_time_spine").fetchone() == (
        db.execute("select min(order_date), max(order_date), true from core.order_lines")
        .fetchone())
