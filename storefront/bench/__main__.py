"""Benchmarks (not tests): ``python -m storefront.bench [generate | load | feeds | dbt | api |
dashboard | scale]`` (``make bench``). Without a subcommand, the first six run, the generated
folder serving ``feeds``; ``scale`` runs only when asked for.

``generate [--rows N]``
    the synthetic shop: a year sized to N order lines (default 1,000,000), seconds and rows/s
    (:mod:`storefront.bench.generate`).
``load [--rows N] [--repeat K]``
    the order-lines loader against ``psql \\copy`` of the same file
    (:mod:`storefront.bench.loading`).
``feeds [--rows N | --folder DIR]``
    ``storefront load DIR`` of a generated dataset of N order lines (every feed), or of DIR.
``api [--rows N] [--workers W]``
    the API under load at 8 and 32 connections (:mod:`storefront.bench.api`).
``dashboard [--rows N]``
    each dashboard callback's server time for a filter change, and the first page load in
    headless Chromium until every chart is drawn (:mod:`storefront.bench.dashboard`).
``dbt [--rows N] [--repeat K]``
    ``dbt build --full-refresh`` against the incremental build of one more day
    (:mod:`storefront.bench.dbt`).

``scale [--sizes 1000000,3000000,10000000] [--out docs/images/scale.png] [--keep-data]
[--window-hours H]``
    not part of the default run (hours): for each size, generation, ``psql \\copy`` of the
    order lines, loading every feed (peak memory), the full refresh and the incremental build
    (dbt's peak memory), the warehouse on disk; a Markdown table, a least-squares projection,
    the figures as JSON beside the plot (:mod:`storefront.bench.scale`).

Every server and file lives in a temporary folder, deleted at the end.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from storefront.bench.api import WORKERS as API_WORKERS
from storefront.bench.api import bench_api
from storefront.bench.dashboard import bench_dashboard
from storefront.bench.dbt import bench_dbt
from storefront.bench.loading import bench_feeds, bench_generate, bench_load
from storefront.bench.scale import DEFAULT_SIZES, bench_scale


def _sizes(text: str) -> list[int]:
    """``1000000,3000000`` (underscores allowed) as order-line counts."""
    try:
        sizes = [int(part.replace("_", "")) for part in text.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: order-line counts, comma-separated") from None
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: at least one count, each at least 1")
    return sizes


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m storefront.bench",
        description="Benchmarks: generation, the order-lines loader against psql \\copy, "
        "loading every feed, dbt build full refresh against incremental, the API under load, "
        "the dashboard's callbacks and first page load; scale: all of it at several sizes. "
        "Without a subcommand, all but scale.",
    )
    sub = parser.add_subparsers(dest="what")
    gen = sub.add_parser("generate", help="generation throughput")
    gen.add_argument("--rows", type=int, default=1_000_000, help="order lines (default 1M)")
    load = sub.add_parser("load", help="the order-lines loader against psql \\copy")
    load.add_argument("--rows", type=int, default=1_000_000)
    load.add_argument("--repeat", type=int, default=3, help="runs of each, best kept (default 3)")
    every = sub.add_parser("feeds", help="storefront load DIR of a generated dataset")
    every.add_argument("--rows", type=int, default=1_000_000, help="order lines (default 1M)")
    every.add_argument("--folder", type=Path, help="load this dataset instead of generating one")
    build = sub.add_parser(
        "dbt", help="dbt build --full-refresh against an incremental build of one more day"
    )
    build.add_argument("--rows", type=int, default=1_000_000, help="order lines (default 1M)")
    build.add_argument("--repeat", type=int, default=3, help="rounds, best kept (default 3)")
    serve = sub.add_parser("api", help="the API under load at 8 and 32 connections")
    serve.add_argument("--rows", type=int, default=1_000_000, help="order lines (default 1M)")
    serve.add_argument("--workers", type=int, default=API_WORKERS,
                       help="server processes (default: one per core)")
    board = sub.add_parser("dashboard", help="dashboard callbacks and first page load")
    board.add_argument("--rows", type=int, default=1_000_000, help="order lines (default 1M)")
    scale = sub.add_parser(
        "scale", help="every stage at several sizes, a table, a projection and a plot "
        "(not in the default run: hours)"
    )
    scale.add_argument("--sizes", type=_sizes, default=list(DEFAULT_SIZES),
                       help="order lines, comma-separated (default 1000000,3000000,10000000)")
    scale.add_argument("--out", type=Path, help="the plot (default docs/images/scale.png); the "
                       "figures go beside it as .json")
    scale.add_argument("--keep-data", action="store_true",
                       help="keep each size's generated feed files (the rest is deleted)")
    scale.add_argument("--window-hours", type=float, default=1.0,
                       help="the nightly window of the projection (default 1 hour)")
    args = parser.parse_args(argv)
    if args.what == "generate":
        bench_generate(args.rows)
    elif args.what == "load":
        bench_load(args.rows, args.repeat)
    elif args.what == "feeds":
        bench_feeds(args.folder, args.rows)
    elif args.what == "api":
        bench_api(args.rows, args.workers)
    elif args.what == "dashboard":
        bench_dashboard(args.rows)
    elif args.what == "dbt":
        print(bench_dbt(args.rows, args.repeat).summary())
    elif args.what == "scale":
        report = bench_scale(args.sizes, args.out, args.keep_data, args.window_hours)
        return 1 if report["failed"] else 0
    else:
        keep = Path(tempfile.mkdtemp(prefix="storefront-bench-data-"))
        try:
            bench_generate(1_000_000, keep)
            sys.stdout.flush()
            print()
            bench_load(1_000_000, 3)
            print()
            bench_feeds(keep, 1_000_000)
        finally:
            shutil.rmtree(keep, ignore_errors=True)
        print()
        print(bench_dbt(1_000_000, 3).summary())
        print()
        bench_api(1_000_000)
        print()
        bench_dashboard(1_000_000)
    return 0


if __name__ == "__main__":
    sys.exit(main())
