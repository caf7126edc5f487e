"""Documentation and key-test gate for the dbt project (run by `make lint`).

Fails (exit 1, one line per problem) when:
* a model, seed, snapshot or source table has no description;
* a column listed in a yml has no description;
* a model has no primary-key test: a `unique` test on a column (or a `unique_combination_of_columns`
  test) or a `primary_key` constraint;
* personal data is not where it may be: a column named like personal data (``PII_COLUMNS``) is not
  tagged ``meta: {pii: true}``, or a mart has a column tagged pii or named like personal data
  (BI reads the marts: names, e-mails and cities stay in core);
* with a catalog (``--catalog target/catalog.json`` after `dbt docs generate`): a column the
  database has for a model is not documented in its yml;
* the semantic layer: a metric has no label or no description (which says how it is computed),
  a semantic model, one of its measures or dimensions, or a saved query has no description.

Reads only dbt's artifacts: ``dbt parse`` writes the manifest without touching a database.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from storefront import warehouse
from storefront.warehouse import dbt as dbtrun

KEY_TESTS = {"unique", "unique_combination_of_columns"}
# names, e-mails and street-level location: where they appear they are tagged pii, never in a mart
PII_COLUMNS = {"first_name", "last_name", "full_name", "customer_name", "email", "phone",
               "street", "address", "postal_code", "postcode", "city"}


def is_pii(column: dict) -> bool:
    return bool((column.get("meta") or {}).get("pii")
                or ((column.get("config") or {}).get("meta") or {}).get("pii"))


def pii_problems(where: str, node: dict) -> list[str]:
    """Personal data tagged where it is, and never in a mart."""
    found = []
    in_mart = node.get("schema") == "marts"
    for column in node.get("columns", {}).values():
        name = f"{node['name']}.{column['name']}"
        if in_mart and (is_pii(column) or column["name"] in PII_COLUMNS):
            found.append(f"{where}: mart column {name} is personal data (keep it in core)")
        elif column["name"] in PII_COLUMNS and not is_pii(column):
            found.append(f"{where}: column {name} is personal data: tag it `meta: {{pii: true}}`")
    return found


def problems(manifest: dict, catalog: dict | None = None) -> list[str]:
    found: list[str] = []
    nodes = manifest["nodes"]
    keyed: set[str] = set()
    for node in nodes.values():
        if node["resource_type"] == "test":
            name = (node.get("test_metadata") or {}).get("name")
            if name in KEY_TESTS:
                keyed.update(node["depends_on"]["nodes"])
    for unique_id, node in sorted(nodes.items()):
        kind = node["resource_type"]
        if kind not in {"model", "seed", "snapshot"} or node["package_name"] != "storefront":
            continue
        where = node["original_file_path"]
        if not node.get("description", "").strip():
            found.append(f"{where}: {kind} {node['name']} has no description")
        for column in node.get("columns", {}).values():
            if not column.get("description", "").strip():
                found.append(f"{where}: column {node['name']}.{column['name']} has no description")
        found += pii_problems(where, node)
        has_pk_constraint = any(
            c.get("type") == "primary_key" for c in node.get("constraints", [])
        ) or any(
            c.get("type") == "primary_key"
            for column in node.get("columns", {}).values()
            for c in column.get("constraints", [])
        )
        if kind == "model" and unique_id not in keyed and not has_pk_constraint:
            found.append(f"{where}: model {node['name']} has no primary-key (unique) test")
        if catalog is not None and unique_id in catalog.get("nodes", {}):
            documented = {name.lower() for name in node.get("columns", {})}
            for name in catalog["nodes"][unique_id]["columns"]:
                if name.lower() not in documented:
                    found.append(f"{where}: column {node['name']}.{name} is not documented")
    found += semantic_problems(manifest)
    for source in sorted(manifest["sources"].values(), key=lambda s: s["unique_id"]):
        where = source["original_file_path"]
        if not source.get("description", "").strip():
            found.append(f"{where}: source table {source['name']} has no description")
        for column in source.get("columns", {}).values():
            if not column.get("description", "").strip():
                found.append(
                    f"{where}: column {source['name']}.{column['name']} has no description"
                )
        found += pii_problems(where, source)
    return found


def semantic_problems(manifest: dict) -> list[str]:
    """Metrics with a label and a description; semantic models, their measures and
    dimensions, and saved queries described."""
    found = []

    def ours(kind: str) -> list[dict]:
        nodes = manifest.get(kind, {}).values()
        return sorted((n for n in nodes if n["package_name"] == "storefront"),
                      key=lambda n: n["unique_id"])

    for metric in ours("metrics"):
        where = metric["original_file_path"]
        if not (metric.get("label") or "").strip():
            found.append(f"{where}: metric {metric['name']} has no label")
        if not (metric.get("description") or "").strip():
            found.append(f"{where}: metric {metric['name']} has no description")
    for model in ours("semantic_models"):
        where = model["original_file_path"]
        if not (model.get("description") or "").strip():
            found.append(f"{where}: semantic model {model['name']} has no description")
        for kind in ("measures", "dimensions"):
            for element in model.get(kind) or []:
                if not (element.get("description") or "").strip():
                    found.append(f"{where}: {kind[:-1]} {model['name']}.{element['name']}"
                                 " has no description")
    for query in ours("saved_queries"):
        if not (query.get("description") or "").strip():
            found.append(f"{query['original_file_path']}: saved query {query['name']} has no"
                         " description")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storefront.checks", description=__doc__)
    parser.add_argument("--catalog", type=Path, help="also check columns against this catalog")
    parser.add_argument("--no-parse", action="store_true", help="use the existing manifest")
    args = parser.parse_args(argv)
    target_dir = warehouse.project_dir() / "target"
    if not args.no_parse:
        offline = warehouse.Target("localhost", 5432, "postgres", "storefront")
        if dbtrun.run_dbt(["parse", "--quiet"], offline) != 0:
            print("doccheck: dbt parse failed", file=sys.stderr)
            return 1
    manifest = json.loads((target_dir / "manifest.json").read_text())
    catalog = json.loads(args.catalog.read_text()) if args.catalog else None
    found = problems(manifest, catalog)
    for line in found:
        print(line, file=sys.stderr)
    models = sum(1 for n in manifest["nodes"].values() if n["resource_type"] == "model")
    metrics = len(manifest.get("metrics", {}))
    print(f"doccheck: {models} models, {metrics} metrics, {len(found)} problems")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
