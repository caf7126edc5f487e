"""Benchmark (not a test, and not part of the default run: it takes hours): how the pipeline
grows with the shop (issue 16).

    python -m storefront.bench scale [--sizes 1000000,3000000,10000000]
                                     [--out docs/images/scale.png] [--keep-data]
                                     [--window-hours 1]

Each size N (order lines) runs on a throwaway server (:class:`~storefront.warehouse.
EmbeddedServer`, ``fsync`` off as in every benchmark) in a temporary folder of its own, deleted
before the next size starts, so the disk never holds two sizes (``--keep-data`` keeps each
size's generated feed files, and only those). Before a size it prints the free space of the
filesystem holding the temporary folder (``TMPDIR``) and skips the size, in one line, when its
estimated need is larger: the disk the previous size used at its largest (the feed files and the
server's folder, measured after the load, the full refresh and the incremental build), scaled by
the order lines; ~7 GB per million order lines for the first size. For each size:

1. generates the shop (``generate.generate``: a year from 2024-01-01, seed 1), timed;
2. times ``psql \\copy`` of its ``order_lines.csv`` into a typed table of its 17 columns (the
   table of ``bench load`` plus ``order_id``; dropped afterwards): the yardstick of the issue,
   "full refresh ≤ 25× psql \\copy of the same order-lines file, measured in the same run";
3. times ``storefront load DIR`` (every feed, the whole command in a process of its own) and
   takes its peak resident memory (its own ``VmHWM``, polled by ``run_measured``; the goal:
   under 300 MB at any size; the table shows the larger of this load's and the next day's);
4. sets up the roles, parses the project (untimed), then times the production build with
   ``--full-refresh`` (``PRODUCTION_BUILD``) and takes dbt's peak memory (the table: the larger
   of the full and the incremental build's);
5. lets the warehouse settle (``_settle``), generates one more day, loads it and times the
   incremental build;
6. measures the warehouse on disk: ``pg_database_size`` of the database and the whole data
   directory (WAL included).

Then it prints a Markdown table and a projection: least-squares lines ``t ≈ a + b·N`` through
the measured points for the full refresh, the database and the data directory; the growth of the
full refresh from 1M to 10M order lines when both were measured (the goal: at most 11×); the
order lines one such machine rebuilds in a nightly window (``--window-hours``) and the order
lines a warehouse on this disk can hold. The figures go to a JSON file beside the plot
(``docs/images/scale.json``), the plot (seconds and GB against millions of order lines) to
``--out``. MB and GB here are 1024² and 1024³ bytes, as ``pg_size_pretty`` counts.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from storefront import warehouse
from storefront.bench.dbt import PRODUCTION_BUILD, _dbt, _settle
from storefront.bench.loading import (
    COLUMNS16,
    PLAIN_TABLE,
    psql_copy,
    storefront_load,
    throwaway_server,
)
from storefront.simulate import generate
from storefront.warehouse import roles

DEFAULT_SIZES = (1_000_000, 3_000_000, 10_000_000)
MB = 1024**2
GB = 1024**3
FIRST_NEED_PER_MILLION = 7 * GB  # disk per million order lines until a size was measured
LOADER_PEAK_GOAL_MB = 300
FULL_PER_COPY_GOAL = 25  # the full refresh at most this many times psql \copy
GROWTH_GOAL = 11  # full refresh of 10M order lines at most this many times that of 1M
COPY_TABLE = "bench_plain"  # loading.PLAIN_TABLE, and a column for the generated Order_Id
COPY_COLUMNS = f"{COLUMNS16}, order_id"

# The table's columns: (key in the JSON rows, heading, decimals, suffix). Each row is rounded to
# these decimals when measured, so the table and the JSON hold the same numbers.
COLUMNS = (
    ("order_lines", "order lines", 0, ""),
    ("generate_s", "generate s", 3, ""),
    ("copy_s", "psql \\copy s", 3, ""),
    ("load_s", "load all feeds s", 3, ""),
    ("loader_peak_mb", "loader peak MB", 1, ""),
    ("full_s", "full refresh s", 3, ""),
    ("full_per_copy", "full / \\copy", 2, "×"),
    ("incremental_s", "incremental s", 3, ""),
    ("incremental_pct", "incremental / full", 1, " %"),
    ("dbt_peak_mb", "dbt peak MB", 1, ""),
    ("database_gb", "database GB", 3, ""),
    ("data_dir_gb", "data dir GB", 3, ""),
)


def _step(message: str) -> None:
    print(f"bench scale: {message}", file=sys.stderr, flush=True)


def _count(target: warehouse.Target, table: str) -> int:
    with warehouse.connect(target) as conn:
        return conn.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608


def measure(order_lines: int, root: Path) -> tuple[dict, int]:
    """Steps 1-6 of the module docstring for one size, in ``root``: the row of figures and the
    most bytes ``root`` held at the points measured."""
    data = root / "data"
    _step(f"{order_lines:,} order lines: generating")
    generated = generate.generate(data, order_lines=order_lines)
    lines = generated.order_lines
    used = warehouse.disk_usage(root)
    with throwaway_server(root) as (target, env):
        with warehouse.connect(target, autocommit=True) as conn:
            conn.execute(PLAIN_TABLE)
            conn.execute(f"alter table {COPY_TABLE} add column order_id text")
            conn.execute("checkpoint")
        _step(f"psql \\copy of order_lines.csv ({lines:,} lines)")
        copy_s = psql_copy(env, COPY_TABLE, COPY_COLUMNS, data / "order_lines.csv")
        copied = _count(target, COPY_TABLE)
        with warehouse.connect(target, autocommit=True) as conn:
            conn.execute(f"drop table {COPY_TABLE}")
            conn.execute("checkpoint")
        _step(f"psql \\copy: {copy_s:.2f} s; storefront load DIR (every feed)")
        load_s, load_kib, _ = storefront_load(data, env)
        loaded = _count(target, "raw.order_lines")
        if not copied == loaded == lines:
            raise warehouse.WarehouseError(f"generated {lines:,} order lines, psql \\copy "
                                           f"copied {copied:,}, the loader loaded {loaded:,}")
        used = max(used, warehouse.disk_usage(root))
        with warehouse.connect(target, autocommit=True) as conn:
            roles.ensure_roles(conn)
        _dbt(["parse", "--quiet"], target, root)
        _step(f"loaded in {load_s:.2f} s; dbt build --full-refresh")
        full = _dbt([*PRODUCTION_BUILD, "--full-refresh"], target, root)
        used = max(used, warehouse.disk_usage(root))
        _step(f"full refresh: {full.wall:.1f} s; settle, then one more day")
        _settle(target)
        day = generate.extend(data, days=1)
        day_s, day_kib, _ = storefront_load(day.folder, env)
        _step("dbt build (incremental)")
        incremental = _dbt(list(PRODUCTION_BUILD), target, root)
        _step(f"incremental: {incremental.wall:.1f} s")
        with warehouse.connect(target) as conn:
            database = conn.execute("select pg_database_size(current_database())").fetchone()[0]
        data_dir = warehouse.disk_usage(root / "pgdata")
        used = max(used, warehouse.disk_usage(root))
    row = {
        "order_lines": lines,
        "generate_s": round(generated.seconds, 3),
        "copy_s": round(copy_s, 3),
        "load_s": round(load_s, 3),
        "loader_peak_mb": round(max(load_kib, day_kib) / 1024, 1),
        "full_s": round(full.wall, 3),
        "full_per_copy": round(full.wall / copy_s, 2),
        "incremental_s": round(incremental.wall, 3),
        "incremental_pct": round(100 * incremental.wall / full.wall, 1),
        "dbt_peak_mb": round(max(full.peak_kib, incremental.peak_kib) / 1024, 1),
        "database_gb": round(database / GB, 3),
        "data_dir_gb": round(data_dir / GB, 3),
        # beyond the table
        "requested": order_lines,
        "full_dbt_cpu_s": round(full.cpu, 2),
        "incremental_dbt_cpu_s": round(incremental.cpu, 2),
        "day_order_lines": day.order_lines,
        "day_load_s": round(day_s, 3),
        "disk_used_gb": round(used / GB, 3),
    }
    return row, used


def _fit(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float]:
    """The least-squares line ``y ≈ a + b·x``: (a, b). Through the origin from one point (or
    from points of a single x)."""
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return 0.0, mean_y / mean_x
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread
    return mean_y - slope * mean_x, slope


def _reach(a: float, b: float, limit: float) -> int | None:
    """The largest N with ``a + b·N <= limit``; None when the line does not grow."""
    return max(0, int((limit - a) / b)) if b > 0 else None


def project(rows: list[dict], window_hours: float, free: int) -> dict:
    """Fits, growth and projections from the measured rows (the module docstring)."""
    lines = [r["order_lines"] for r in rows]
    fits = {}
    for key in ("full_s", "database_gb", "data_dir_gb", "disk_used_gb"):
        a, b = _fit(lines, [r[key] for r in rows])
        fits[key] = {"a": round(a, 4), "b_per_million": round(b * 1e6, 4)}
    projection: dict = {"points": len(rows), "window_hours": window_hours,
                        "free_gb": round(free / GB, 1)}
    full = fits["full_s"]
    projection["nightly_order_lines"] = _reach(full["a"], full["b_per_million"] / 1e6,
                                               window_hours * 3600)
    for key, name in (("data_dir_gb", "disk_order_lines"),
                      ("disk_used_gb", "disk_order_lines_with_feeds")):
        fit = fits[key]
        projection[name] = _reach(fit["a"], fit["b_per_million"] / 1e6, free / GB)
    if len(rows) > 1:
        small, large = min(rows, key=lambda r: r["order_lines"]), max(
            rows, key=lambda r: r["order_lines"])
        projection["growth"] = {
            "from": small["order_lines"], "to": large["order_lines"],
            "lines": round(large["order_lines"] / small["order_lines"], 2),
            "full_refresh": round(large["full_s"] / small["full_s"], 2),
        }
    by_size = {r["requested"]: r for r in rows}
    if 1_000_000 in by_size and 10_000_000 in by_size:
        projection["full_10m_per_1m"] = round(
            by_size[10_000_000]["full_s"] / by_size[1_000_000]["full_s"], 2)
    return {"fits": fits, "projection": projection}


def table(rows: list[dict]) -> str:
    """The Markdown table of the rows, every figure as the JSON holds it."""
    def cell(row: dict, key: str, decimals: int, suffix: str) -> str:
        return f"{row[key]:,.{decimals}f}{suffix}"

    lines = [
        "| " + " | ".join(heading for _, heading, _, _ in COLUMNS) + " |",
        "|" + "|".join("---:" for _ in COLUMNS) + "|",
    ]
    lines += ["| " + " | ".join(cell(row, key, decimals, suffix)
                                for key, _, decimals, suffix in COLUMNS) + " |" for row in rows]
    return "\n".join(lines)


def _lines(count: int | None) -> str:
    return "not projected (the measured points do not grow)" if count is None else f"≈ {count:,}"


def summary(report: dict) -> str:
    """The table, then the fits, the goals and the projections."""
    rows, fits, projection = report["rows"], report["fits"], report["projection"]
    if not rows:
        return "scale: no size measured"  # each skipped or failed size was said as it happened
    kind = ("a least-squares line through the measured points" if projection["points"] > 1
            else "one point: a line through the origin")
    out = [table(rows), "",
           f"fits, N = order lines ({kind}):"]
    for key, what, unit in (("full_s", "full refresh", "s"), ("database_gb", "database", "GB"),
                            ("data_dir_gb", "data dir", "GB")):
        fit = fits[key]
        out.append(f"  {what:<13} {'t' if unit == 's' else 'size'} ≈ a + b·N: a = {fit['a']:.3f} "
                   f"{unit}, b = {fit['b_per_million']:.3f} {unit} per million order lines")
    growth = projection.get("growth")
    if growth:
        out.append(f"growth: full refresh at {growth['to']:,} order lines / at {growth['from']:,}"
                   f" = {growth['full_refresh']:.2f}× for {growth['lines']:.2f}× the lines")
    if "full_10m_per_1m" in projection:
        ratio = projection["full_10m_per_1m"]
        verdict = "within" if ratio <= GROWTH_GOAL else "OVER"
        out.append(f"  full(10M) / full(1M) = {ratio:.2f}× ({verdict} the goal of "
                   f"{GROWTH_GOAL}×)")
    loader = max(r["loader_peak_mb"] for r in rows)
    worst = max(r["full_per_copy"] for r in rows)
    out += [
        f"goals: loader peak {loader:.1f} MB at most "
        f"({'within' if loader < LOADER_PEAK_GOAL_MB else 'OVER'} {LOADER_PEAK_GOAL_MB} MB); "
        f"full refresh at most {worst:.2f}× psql \\copy "
        f"({'within' if worst <= FULL_PER_COPY_GOAL else 'OVER'} {FULL_PER_COPY_GOAL}×)",
        f"projection for one such machine ({report['machine']['cores']} cores), from the fits:",
        f"  full refresh in a {projection['window_hours']:g}-hour nightly window: "
        f"{_lines(projection['nightly_order_lines'])} order lines",
        f"  a warehouse (data dir) on this disk ({projection['free_gb']:.1f} GB free): "
        f"{_lines(projection['disk_order_lines'])} order lines; with its feed files and the "
        f"build's peak: {_lines(projection['disk_order_lines_with_feeds'])}",
    ]
    out += [f"{kind}: {s['requested']:,} order lines ({s['reason']})"
            for kind in ("skipped", "failed") for s in report[kind]]
    return "\n".join(out)


def plot(report: dict, out: Path) -> None:
    """Seconds and GB against millions of order lines, as a PNG (matplotlib, Agg)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rows = report["rows"]
    millions = [r["order_lines"] / 1e6 for r in rows]
    figure = Figure(figsize=(11, 4.5), layout="constrained")
    FigureCanvasAgg(figure)
    times, sizes = figure.subplots(1, 2)
    for key, label in (("load_s", "load all feeds"), ("full_s", "full refresh"),
                       ("incremental_s", "incremental (one more day)"),
                       ("copy_s", "psql \\copy of order_lines.csv")):
        times.plot(millions, [r[key] for r in rows], marker="o", label=label)
    times.set(xlabel="order lines (millions)", ylabel="seconds", title="wall time")
    for key, label in (("database_gb", "database (pg_database_size)"),
                       ("data_dir_gb", "data directory (WAL included)")):
        sizes.plot(millions, [r[key] for r in rows], marker="o", label=label)
    sizes.set(xlabel="order lines (millions)", ylabel="GB", title="warehouse on disk")
    for axes in (times, sizes):
        axes.set_xlim(left=0)
        axes.set_ylim(bottom=0)
        axes.grid(alpha=0.3)
        axes.legend()
    figure.suptitle(f"Storefront Analytics at scale, {report['date']}, "
                    f"{report['machine']['cores']} cores")
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=100)


def _clean(root: Path, keep_data: bool) -> None:
    if not keep_data:
        shutil.rmtree(root, ignore_errors=True)
        return
    for path in root.iterdir():
        if path.is_dir() and path.name != "data":
            shutil.rmtree(path, ignore_errors=True)
        elif not path.is_dir():
            path.unlink()
    print(f"scale: the generated feeds kept in {root / 'data'}", flush=True)


def bench_scale(sizes: Sequence[int] = DEFAULT_SIZES, out: Path | None = None,
                keep_data: bool = False, window_hours: float = 1.0) -> dict:
    """Measure every size (the module docstring), print the table and the projection, write the
    JSON and the plot; return the report (what the JSON holds). A size that fails is said in one
    line and listed under ``failed``; the next one is still measured."""
    out = out if out is not None else warehouse.project_dir() / "docs" / "images" / "scale.png"
    temp = Path(tempfile.gettempdir())
    rows: list[dict] = []
    skipped: list[dict] = []
    failed: list[dict] = []
    per_line: float | None = None  # disk bytes per order line, from the last size measured
    for size in sizes:
        free = shutil.disk_usage(temp).free
        need = size * per_line if per_line else size / 1e6 * FIRST_NEED_PER_MILLION
        print(f"scale: {size:,} order lines: {warehouse.size_text(free)} free in {temp}, about "
              f"{warehouse.size_text(int(need))} needed", flush=True)
        if need > free:
            reason = (f"needs about {warehouse.size_text(int(need))}, "
                      f"{warehouse.size_text(free)} free")
            print(f"scale: skipping {size:,} order lines: {reason}", flush=True)
            skipped.append({"requested": size, "reason": reason})
            continue
        root = Path(tempfile.mkdtemp(prefix="storefront-bench-scale-"))
        try:
            row, used = measure(size, root)
        except Exception as exc:  # noqa: BLE001 (the sizes measured so far are still reported)
            reason = " ".join(str(exc).split())[:300] or type(exc).__name__
            print(f"scale: {size:,} order lines FAILED: {reason}", flush=True)
            failed.append({"requested": size, "reason": reason})
            continue
        finally:
            _clean(root, keep_data)
        row["free_gb_before"] = round(free / GB, 1)
        rows.append(row)
        per_line = used / row["order_lines"]
    report = {
        "date": dt.date.today().isoformat(),
        "machine": {"cores": os.cpu_count(), "system": platform.platform(),
                    "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
                    "temp_dir": str(temp)},
        "build": " ".join(PRODUCTION_BUILD),
        "sizes": list(sizes),
        "rows": rows,
        "skipped": skipped,
        "failed": failed,
    }
    if rows:
        report.update(project(rows, window_hours, shutil.disk_usage(temp).free))
    print(summary(report))
    if rows:
        out.with_suffix(".json").parent.mkdir(parents=True, exist_ok=True)
        out.with_suffix(".json").write_text(json.dumps(report, indent=2, ensure_ascii=False)
                                            + "\n")
        plot(report, out)
        print(f"scale: wrote {out} and {out.with_suffix('.json')}")
    return report
