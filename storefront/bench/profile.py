"""Where a dbt build's time goes, from its ``run_results.json``: the slowest nodes, the share of
models against tests, the rows written per second; with the build's ``manifest.json`` beside it,
also its critical path (the chain of nodes each of which waited for the one before it) and the
core-seconds left idle while fewer nodes ran than the machine has cores.

    python -m storefront.bench.profile target/run_results.json [--top 15]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path


@dataclass
class Node:
    unique_id: str
    kind: str  # model, test, snapshot, seed, unit_test
    seconds: float
    rows: int | None  # rows written (models, snapshots, seeds), from the adapter's response
    started: float = 0.0  # when dbt began the node (compiling it) and finished running it,
    ended: float = 0.0  # seconds since the epoch; 0 when run_results does not say

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
        steps = {step["name"]: step for step in result.get("timing", [])}
        started, ended = 0.0, 0.0
        if "compile" in steps and "execute" in steps:
            started = _epoch(steps["compile"]["started_at"])
            ended = _epoch(steps["execute"]["completed_at"])
        nodes.append(Node(result["unique_id"], kind, result["execution_time"], written,
                          started, ended))
    return nodes, data.get("elapsed_time", 0.0)


def _epoch(stamp: str) -> float:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def waits_for(nodes: list[Node], manifest: dict) -> dict[str, set[str]]:
    """For each node of the run, the nodes of the run it could not start before: its parents,
    and, as `dbt build` orders them, every test of an upstream node whose own parents are all
    upstream of it (dbt's test edges: a model waits for the tests of what it reads)."""
    ran = {n.unique_id for n in nodes}
    every = {**manifest.get("nodes", {}), **manifest.get("sources", {})}
    parents = {
        uid: [p for p in every.get(uid, {}).get("depends_on", {}).get("nodes", []) if p in every]
        for uid in every
    }
    upstream: dict[str, set[str]] = {}

    def above(uid: str) -> set[str]:
        if uid not in upstream:
            upstream[uid] = set()  # a cycle cannot happen in dbt's graph; this ends recursion
            found: set[str] = set()
            for parent in parents.get(uid, []):
                found |= {parent} | above(parent)
            upstream[uid] = found
        return upstream[uid]

    tests_of: dict[str, list[str]] = {}
    for uid in every:
        if uid.startswith("test."):
            for parent in parents[uid]:
                tests_of.setdefault(parent, []).append(uid)
    waits = {}
    for uid in ran:
        before = set(parents.get(uid, []))
        if not uid.startswith("test."):
            ancestors = above(uid)
            for ancestor in ancestors:
                before |= {t for t in tests_of.get(ancestor, []) if set(parents[t]) <= ancestors}
        waits[uid] = before & ran
    return waits


def critical_path(nodes: list[Node], manifest: dict) -> list[Node]:
    """The chain that ended the run: from the node that finished last, back through the node it
    waited for that finished last, to a node that waited for nothing."""
    timed = {n.unique_id: n for n in nodes if n.ended}
    if not timed:
        return []
    waits = waits_for(list(timed.values()), manifest)
    node = max(timed.values(), key=lambda n: n.ended)
    chain = [node]
    while before := [timed[uid] for uid in waits.get(node.unique_id, ()) if uid in timed]:
        node = max(before, key=lambda n: n.ended)
        chain.append(node)
    return chain[::-1]


def idle_core_seconds(nodes: list[Node], cores: int) -> tuple[float, float]:
    """(core-seconds with fewer nodes running than ``cores``, the run's span in seconds)."""
    events = sorted([(n.started, 1) for n in nodes if n.ended]
                    + [(n.ended, -1) for n in nodes if n.ended])
    if not events:
        return 0.0, 0.0
    idle, running, last = 0.0, 0, events[0][0]
    for moment, change in events:
        idle += max(0, cores - running) * (moment - last)
        running, last = running + change, moment
    return idle, events[-1][0] - events[0][0]


def summary(nodes: list[Node], elapsed: float, top: int = 15, manifest: dict | None = None,
            cores: int | None = None) -> str:
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
    chain = critical_path(nodes, manifest) if manifest else []
    if chain:
        start = min(n.started for n in nodes if n.ended)
        lines.append("  the critical path (each node waited for the one above it; seconds from "
                     "the first node's start):")
        for node in chain:
            lines.append(f"    {node.started - start:6.1f} -{node.ended - start:6.1f} s  "
                         f"{node.kind:<9} {node.name}")
    cores = cores or os.cpu_count() or 1
    idle, span = idle_core_seconds(nodes, cores)
    if span:
        lines.append(f"  fewer nodes running than the {cores} cores: {idle:.1f} core-seconds of "
                     f"{cores * span:.1f} ({idle / (cores * span):.0%})")
    return "\n".join(lines)


def profile_of(run_results: Path, top: int = 15) -> str:
    """The summary of the build of ``run_results`` (with the ``manifest.json`` beside it, when
    there is one)."""
    nodes, elapsed = read(run_results)
    manifest_path = run_results.parent / "manifest.json"
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else None
    return summary(nodes, elapsed, top, manifest)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storefront.bench.profile",
                                     description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("run_results", type=Path)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args(argv)
    print(profile_of(args.run_results, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
