"""The documentation and key-test gate of `make lint` (loaders/doccheck.py) on the real manifest."""

from __future__ import annotations

import copy
import json

import pytest

from conftest import run_dbt
from loaders import doccheck, warehouse


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


def test_catalog_columns_must_be_documented(manifest):
    daily = model(manifest, "revenue_daily")
    columns = {name: {"name": name} for name in daily["columns"]}
    columns["secret_extra"] = {"name": "secret_extra"}
    catalog = {"nodes": {daily["unique_id"]: {"columns": columns}}}
    found = doccheck.problems(manifest, catalog)
    assert found == [
        f"{daily['original_file_path']}: column revenue_daily.secret_extra is not documented"
    ]
