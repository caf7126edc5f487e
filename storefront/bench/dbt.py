"""Benchmark (not a test): a full-refresh ``dbt build`` against an incremental one.

``python -m storefront.bench.dbt [ORDER_LINES] [--repeat K]`` (default 1,000,000 lines, once), or
``bench_dbt(order_lines=...)`` from ``make bench``:

1. starts a throwaway PostgreSQL server in a temp folder;
2. generates a shop of ORDER_LINES order lines (``storefront generate``, the defaults: a year
   from 2024-01-01, seed 1) and loads every feed (``load_directory``);
3. parses the project once (untimed, so every build starts from the same parsed state);
4. times ``dbt build --full-refresh`` of the production build (every model, snapshot, seed
   and data test; unit tests are left out as dbt recommends for production, see
   ``PRODUCTION_BUILD``);
5. lets the warehouse settle, untimed, as the hours between a rebuild and the next daily load
   would: ``VACUUM (ANALYZE)`` (autovacuum's work on the freshly written tables), a checkpoint
   and a sync (their pages on disk); otherwise that background I/O lands in the timed build;
6. generates one more day (``storefront generate --continue``) and loads it;
7. times the same ``dbt build`` again, without ``--full-refresh``: the incremental build;

With ``--repeat K`` steps 4-7 run K times (each round a full refresh, then one more day) and the
best time of each kind is kept, as timing benchmarks do on a shared machine. It prints both wall
times and their ratio, stops the server and deletes the folder.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from loaders.load import load_directory
from storefront import warehouse
from storefront.bench import profile
from storefront.bench.loading import run_measured
from storefront.load import loader_connection
from storefront.simulate import generate
from storefront.warehouse import dbt as dbtrun
from storefront.warehouse import roles

DEFAULT_ORDER_LINES = 1_000_000
INCREMENTAL_BUDGET = 0.20  # the incremental build may take at most this share of the full one
# The scheduled (daily) build in production: every model, snapshot, seed and data test. Unit
# tests prove the models' logic on fixed inputs, so they run where the logic changes (`make
# test`, CI, a developer's `dbt build`), not on every load, as dbt recommends; the same command
# is timed with and without --full-refresh.
PRODUCTION_BUILD = ("build", "--exclude-resource-type", "unit_test")


@dataclass
class Timing:
    """One dbt command: its wall time, the CPU time of the dbt process (not PostgreSQL's) and
    that process's peak resident memory (KiB)."""

    wall: float
    cpu: float
    peak_kib: int = 0


@dataclass
class Round:
    """A full refresh, then the incremental build of one more day."""

    full: Timing
    incremental: Timing
    new_order_lines: int
    full_profile: str = ""  # where the full refresh's time went (storefront.bench.profile)

    def line(self, number: int) -> str:
        return (
            f"  round {number}: full refresh {self.full.wall:6.1f} s (dbt CPU "
            f"{self.full.cpu:5.1f} s), incremental {self.incremental.wall:5.1f} s (dbt CPU "
            f"{self.incremental.cpu:4.1f} s, {self.new_order_lines:,} new lines), "
            f"{self.incremental.wall / self.full.wall:.1%}"
        )


@dataclass
class DbtBench:
    """What one benchmark run measured: every round, the best wall time of each kind."""

    order_lines: int
    rounds: list[Round]

    @property
    def full_seconds(self) -> float:
        return min(r.full.wall for r in self.rounds)

    @property
    def incremental_seconds(self) -> float:
        return min(r.incremental.wall for r in self.rounds)

    @property
    def ratio(self) -> float:
        return self.incremental_seconds / self.full_seconds

    def summary(self) -> str:
        verdict = "within" if self.ratio <= INCREMENTAL_BUDGET else "OVER"
        several = len(self.rounds) > 1
        return "\n".join([
            f"dbt {' '.join(PRODUCTION_BUILD)}, {self.order_lines:,} order lines, "
            "then one more day:",
            *(r.line(n) for n, r in enumerate(self.rounds, start=1) if several),
            "  best of each:" if several else "  result:",
            f"  full refresh  {self.full_seconds:8.1f} s",
            f"  incremental   {self.incremental_seconds:8.1f} s",
            f"  ratio         {self.ratio:8.1%}  ({verdict} the {INCREMENTAL_BUDGET:.0%} budget)",
            "the fastest full refresh, node by node:",
            min(self.rounds, key=lambda r: r.full.wall).full_profile,
        ])


def _step(message: str) -> None:
    print(f"bench_dbt: {message}", file=sys.stderr, flush=True)


def _dbt(args: Sequence[str], target: warehouse.Target, folder: Path) -> Timing:
    """Run dbt ARGS against ``target``; return how long it took and its peak memory (measured
    by ``run_measured``); raise if dbt fails."""
    paths = ["--target-path", str(folder / "target"), "--log-path", str(folder / "logs")]
    done = run_measured([dbtrun.dbt_executable(), *args, *paths], warehouse.dbt_env(target),
                        cwd=warehouse.project_dir())
    if done.returncode != 0:
        tail = "\n".join(done.out.strip().splitlines()[-15:])
        raise warehouse.WarehouseError(f"dbt {' '.join(args)} failed:\n{tail}")
    return Timing(done.seconds, done.cpu, done.peak_kib)


def _load(target: warehouse.Target, folder: Path) -> None:
    results = load_directory(loader_connection(target), folder)
    failed = [r for r in results if not r.ok]
    if failed:
        raise warehouse.WarehouseError(f"loading {folder} failed: {failed[0].summary()}")


def _settle(target: warehouse.Target) -> None:
    """What happens in the hours between a rebuild and the next daily load, done now:
    autovacuum's VACUUM (ANALYZE) of the new tables, and their pages written to disk."""
    with warehouse.connect(target, autocommit=True) as conn:
        conn.execute("vacuum (analyze)")
        conn.execute("checkpoint")
    os.sync()


def bench_dbt(order_lines: int = DEFAULT_ORDER_LINES, repeat: int = 1) -> DbtBench:
    """Time a full-refresh and an incremental ``dbt build`` (see the module docstring); with
    ``repeat`` rounds, the best of each."""
    root = Path(tempfile.mkdtemp(prefix="storefront-bench-dbt-"))
    server = warehouse.EmbeddedServer(root / "pgdata", throwaway=True)
    try:
        target = server.start("bench")
        data = root / "data"
        _step(f"generating {order_lines:,} order lines")
        generated = generate.generate(data, order_lines=order_lines)
        _step("loading every feed")
        _load(target, data)
        _dbt(["parse", "--quiet"], target, root)
        rounds = []
        for _ in range(max(1, repeat)):
            _step("dbt build --full-refresh")
            full = _dbt([*PRODUCTION_BUILD, "--full-refresh"], target, root)
            full_profile = profile.profile_of(root / "target" / "run_results.json")
            _step(f"full refresh: {full.wall:.1f} s; vacuum, then one more day")
            _settle(target)
            extension = generate.extend(data, days=1)
            _load(target, data)
            _step("dbt build (incremental)")
            incremental = _dbt(list(PRODUCTION_BUILD), target, root)
            _step(f"incremental: {incremental.wall:.1f} s")
            rounds.append(Round(full, incremental, extension.order_lines, full_profile))
        return DbtBench(generated.order_lines, rounds)
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m storefront.bench.dbt", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("order_lines", nargs="?", type=int, default=DEFAULT_ORDER_LINES,
                        help="order lines of the generated shop (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=1, metavar="K",
                        help="rounds of full refresh + one more day; the best of each is kept")
    args = parser.parse_args(argv)
    try:
        print(bench_dbt(args.order_lines, args.repeat).summary())
    except warehouse.WarehouseError as exc:
        print(f"bench_dbt: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())


@contextmanager
def built_warehouse(order_lines: int, prefix: str) -> Iterator[tuple[warehouse.Target, Path]]:
    """A throwaway server in a temporary folder with the roles, a generated shop of
    ``order_lines`` loaded and built (the production build) and settled: (target, folder).
    Stopped and deleted at the end. The API and dashboard benchmarks serve from it."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    server = warehouse.EmbeddedServer(root / "pgdata", throwaway=True)
    try:
        target = server.start("bench")
        with warehouse.connect(target, autocommit=True) as conn:
            roles.ensure_roles(conn)
        _step(f"generating {order_lines:,} order lines")
        generate.generate(root / "data", order_lines=order_lines)
        _step("loading every feed")
        _load(target, root / "data")
        _step("dbt build")
        _dbt(list(PRODUCTION_BUILD), target, root)
        _settle(target)
        yield target, root
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
