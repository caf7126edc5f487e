"""The documentation and key-test gate of `make lint` (storefront/checks/docs.py) on the
real manifest."""

from __future__ import annotations

import copy
import json

import pytest

from conftest import run_dbt
from storefront import warehouse
from storefront.checks import docs as doccheck


@pytest.fixture(scope="module")
def manifest(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("parse")
    offline = warehouse.Target("localhost", 5432, "postgres", "storefront")
    run_dbt("parse", "--target-path", str(folder), "--log-path", str(folder), target=offline)
    return json.loads((folder / "manifest.json").read_text())


def model(manifest: dict, name: str) -> dict:
    return next(
        node for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["name"] == name
    )


def test_the_project_passes(manifest):
    assert doccheck.problems(manifest) == []


def test_missing_descriptions_and_key_tests_are_reported(manifest):
    broken = copy.deepcopy(manifest)
    daily = model(broken, "revenue_daily")
    daily["description"] = ""
    daily["columns"]["revenue"]["description"] = "  "
    categories = model(broken, "categories")
    categories["constraints"] = []
    for column in categories["columns"].values():
        column["constraints"] = []
    broken["nodes"] = {
        uid: node for uid, node in broken["nodes"].items()
        if not (node["resource_type"] == "test"
                and categories["unique_id"] in node["depends_on"]["nodes"]
                and (node.get("test_metadata") or {}).get("name") in doccheck.KEY_TESTS)
    }
    found = doccheck.problems(broken)
    assert len(found) == 3, found
    assert any(line.endswith("model revenue_daily has no description") for line in found)
    assert any("column revenue_daily.revenue has no description" in line for line in found)
    assert any("model categories has no primary-key (unique) test" in line for line in found)
    assert all(line.startswith("models/") for line in found)


def test_metrics_and_semantic_models_must_be_described(manifest):
    broken = copy.deepcopy(manifest)
    revenue = next(m for m in broken["metrics"].values() if m["name"] == "revenue")
    revenue["label"] = ""
    revenue["description"] = " "
    lines = next(m for m in broken["semantic_models"].values() if m["name"] == "order_lines")
    lines["measures"][0]["description"] = None
    lines["dimensions"][0]["description"] = ""
    found = doccheck.problems(broken)
    assert sorted(line.split(": ", 1)[1] for line in found) == sorted([
        "metric revenue has no label",
        "metric revenue has no description",
        f"measure order_lines.{lines['measures'][0]['name']} has no description",
        f"dimension order_lines.{lines['dimensions'][0]['name']} has no description",
    ])
    assert all(line.startswith("models/marts/sales/fct_order_lines.yml: ") for line in found)


def test_catalog_columns_must_be_documented(manifest):
    daily = model(manifest, "revenue_daily")
    columns = {name: {"name": name} for name in daily["columns"]}
    columns["secret_extra"] = {"name": "secret_extra"}
    catalog = {"nodes": {daily["unique_id"]: {"columns": columns}}}
    found = doccheck.problems(manifest, catalog)
    assert found == [
        f"{daily['original_file_path']}: column revenue_daily.secret_extra is not documented"
    ]


def test_personal_data_is_tagged_and_never_in_a_mart(manifest):
    tagged = sorted(
        (node["name"], column["name"])
        for node in [*manifest["nodes"].values(), *manifest["sources"].values()]
        for column in node.get("columns", {}).values()
        if doccheck.is_pii(column)
    )
    pii = ["city", "email", "first_name", "last_name"]
    assert tagged == sorted((name, column) for name in
                            ("customer_history", "customers", "customers", "customers_snapshot",
                             "int_customers_latest_build", "stg_shop__customers")
                            for column in pii)  # the source table is named customers too
    marts = [node for node in manifest["nodes"].values()
             if node["resource_type"] == "model" and node["schema"] == "marts"]
    assert len(marts) >= 20
    assert not [c for node in marts for c in node["columns"].values() if doccheck.is_pii(c)]

    broken = copy.deepcopy(manifest)
    del model(broken, "customers")["columns"]["email"]["config"]["meta"]["pii"]
    del model(broken, "customers")["columns"]["email"]["meta"]["pii"]
    rfm = model(broken, "customer_rfm")
    rfm["columns"]["email"] = {"name": "email", "description": "leaked", "meta": {}}
    rfm["columns"]["contact_hash"]["meta"] = {"pii": True}
    found = doccheck.problems(broken)
    assert sorted(line.split(": ", 1)[1] for line in found) == [
        "column customers.email is personal data: tag it `meta: {pii: true}`",
        "mart column customer_rfm.contact_hash is personal data (keep it in core)",
        "mart column customer_rfm.email is personal data (keep it in core)",
    ]
