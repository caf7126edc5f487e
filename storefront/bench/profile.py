"""Where a dbt build's time goes, from its ``run_results.json``: the slowest nodes, the share of
models against tests, the rows written per second.

    python -m storefront.bench.profile target/run_results.json [--top 15]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Node:
    unique_id: str
    kind: str  # model, test, snapshot, seed, unit_test
    seconds: float
    rows: int | None  # rows written (models, snapshots, seeds), from the adapter's response

    @property
    def name(self) -> str:
        parts = self.unique_id.split(".")
        return ".".join(parts[2:]) if self.kind != "test" else parts[2]


def read(run_results: Path) -> tuple[list[Node], float]:
    """The nodes of a run and its wall time."""
    data = json.loads(run_results.read_text())
    nodes = []
    for result in data["results"]:
        kind = result["unique_id"].split(".", 1)[0]
        rows = (result.get("adapter_response") or {}).get("rows_affected")
        written = rows if kind in ("model", "snapshot", "seed") and rows and rows > 0 else None
        nodes.append(Node(result["unique_id"], kind, result["execution_time"], written))
    return nodes, data.get("elapsed_time", 0.0)


def summary(nodes: list[Node], elapsed: float, top: int = 15) -> str:
    total = sum(n.seconds for n in nodes) or 1.0
    by_kind: dict[str, float] = {}
    for node in nodes:
        by_kind[node.kind] = by_kind.get(node.kind, 0.0) + node.seconds
    rows = sum(n.rows or 0 for n in nodes)
    model_seconds = by_kind.get("model", 0.0) + by_kind.get("snapshot", 0.0)
    lines = [
        f"  {len(nodes)} nodes in {elapsed:.1f} s wall; {total:.1f} thread-seconds: "
        + ", ".join(f"{kind}s {seconds:.1f} s ({seconds / total:.0%})"
                    for kind, seconds in sorted(by_kind.items(), key=lambda kv: -kv[1])),
        f"  rows written {rows:,}: {rows / model_seconds if model_seconds else 0:,.0f} rows per "
        "model-second",
        f"  the {top} slowest nodes:",
    ]
    for node in sorted(nodes, key=lambda n: -n.seconds)[:top]:
        written = f"{node.rows:>11,} rows" if node.rows else " " * 16
        lines.append(f"    {node.seconds:7.2f} s  {node.kind:<9} {written}  {node.name}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storefront.bench.profile",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_results", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    nodes, elapsed = read(args.run_results)
    print(summary(nodes, elapsed, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
