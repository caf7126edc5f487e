"""Loading benchmarks (not tests), run by ``python -m storefront.bench`` (``make bench``).

``load [--rows N] [--repeat K]``
    an order-lines file of N realistic rows (default 1,000,000, ~116 MB) loaded side by side,
    best of K runs each, on a throwaway server: ``psql \\copy`` into a typed table of the 16
    columns (quantity numeric: COPY cannot read ``1.0`` as an integer), no key; ``psql \\copy``
    into a table shaped like ``raw.order_lines`` (same types, ``_batch_id``, ``_line_number``
    from an identity, ``_loaded_at``, the same BRIN index); and the whole ``storefront load
    order-lines FILE`` command, with its peak resident memory. Prints the loader's ratio to each.
``feeds [--rows N | --folder DIR]``
    ``storefront load DIR`` (the whole command) of a generated dataset of N order lines (every
    feed), or of DIR: rows per feed and rows/s.

Every server and file lives in a temporary folder, deleted at the end.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import psycopg

from storefront import warehouse

HEADER = (
    "Order_Date,Time,Aging,Customer_Id,Gender,Device_Type,Customer_Login_type,"
    "Product_Category,Product,Sales,Quantity,Discount,Profit,Shipping_Cost,Order_Priority,"
    "Payment_method"
)
CATALOG = {
    "Auto & Accessories": [
        ("Car Media Players", 140),
        ("Car Speakers", 230),
        ("Tyre", 250),
        ("Car Pillow & Neck Rest", 60),
    ],
    "Fashion": [
        ("T - Shirts", 65),
        ("Sports Wear", 120),
        ("Running Shoes", 180),
        ("Jeans", 140),
    ],
    "Home & Furniture": [
        ("Sofa Covers", 110),
        ("Bed Sheets", 85),
        ("Curtains", 75),
        ("Dinner Crockery", 95),
    ],
    "Electronic": [("Apple Laptop", 240), ("Samsung Mobile", 210), ("Fans", 60), ("Iron", 45)],
}
PLAIN_TABLE = """
create table bench_plain (
    order_date date, time time, aging numeric, customer_id bigint, gender text, device_type text,
    customer_login_type text, product_category text, product text, sales numeric,
    quantity numeric, discount numeric, profit numeric, shipping_cost numeric,
    order_priority text, payment_method text
)"""
SHAPED_TABLE = """
create table bench_shaped (
    order_date date, time time, aging numeric, customer_id bigint, gender text, device_type text,
    customer_login_type text, product_category text, product text, sales numeric,
    quantity numeric, discount numeric, profit numeric, shipping_cost numeric,
    order_priority text, payment_method text, order_id text,
    _batch_id bigint not null default 1,
    _line_number bigint generated always as identity,
    _loaded_at timestamptz not null default now()
);
create index on bench_shaped using brin (_batch_id)"""
COLUMNS16 = (
    "order_date, time, aging, customer_id, gender, device_type, customer_login_type, "
    "product_category, product, sales, quantity, discount, profit, shipping_cost, "
    "order_priority, payment_method"
)


def order_line(rnd: random.Random) -> str:
    """One line in the layout and value ranges of the public 2018 export."""
    category = rnd.choice(list(CATALOG))
    product, price = rnd.choice(CATALOG[category])
    quantity = rnd.randint(1, 5)
    sales = price + rnd.randint(-10, 10)
    discount = rnd.choice(("0.1", "0.2", "0.3", "0.4", "0.5"))
    fields = [
        f"2018-{rnd.randint(1, 12):02d}-{rnd.randint(1, 28):02d}",
        f"{rnd.randint(0, 23):02d}:{rnd.randint(0, 59):02d}:{rnd.randint(0, 59):02d}",
        f"{rnd.randint(1, 10)}.0",
        str(rnd.randint(10000, 99999)),
        rnd.choice(("Male", "Female")),
        rnd.choice(("Web", "Mobile")),
        rnd.choice(("Member", "Guest", "First SignUp", "New")),
        category,
        product,
        f"{sales}.0",
        f"{quantity}.0",
        discount,
        f"{rnd.randint(-300, 1500) / 10:.1f}",
        f"{rnd.randint(5, 300) / 10:.1f}",
        rnd.choice(("Low", "Medium", "High", "Critical")),
        rnd.choice(("credit_card", "money_order", "e_wallet", "debit_card", "not_defined")),
    ]
    if rnd.random() < 0.002:  # a few empty cells, as in the real file
        fields[rnd.choice((1, 2, 4, 11, 12, 13, 14))] = ""
    return ",".join(fields) + "\n"


def write_order_lines(path: Path, rows: int, seed: int = 2018) -> int:
    """Write ``rows`` lines (a shuffled pool of distinct lines, repeated); return the size."""
    rnd = random.Random(seed)
    pool = [order_line(rnd).encode() for _ in range(min(rows, 50_000))]
    with open(path, "wb") as handle:
        handle.write(HEADER.encode() + b"\n")
        written = 0
        while written < rows:
            take = min(len(pool), rows - written)
            rnd.shuffle(pool)
            handle.write(b"".join(pool[:take]))
            written += take
    return path.stat().st_size


@dataclass
class Measured:
    """A finished command: its exit status, wall seconds, CPU seconds, peak resident memory
    (KiB, see :func:`peak_kib`) and what it printed."""

    returncode: int
    seconds: float
    cpu: float
    peak_kib: int
    out: str
    err: str


def peak_kib(pid: int) -> int:
    """The peak resident memory (KiB) of the running process ``pid`` since it started its
    program: ``VmHWM`` of ``/proc/<pid>/status``, 0 once it is gone. Not ``ru_maxrss``: Linux
    carries the parent's resident memory at the fork into the child's ``ru_maxrss`` across
    ``exec``, so a benchmark that generated 10M order lines in-process saw every command it ran
    "peak" at its own 754 MB."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        pass
    return 0


def run_measured(
    command: Sequence[str], env: dict[str, str], cwd: Path | None = None
) -> Measured:
    """Run a command to its end and measure it (:class:`Measured`); its peak memory is polled
    every 20 ms until it exits. Its output goes to temporary files, not pipes, so a chatty
    command never blocks on a full pipe while we wait for it."""

    def temporary() -> IO[str]:
        return tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")

    with temporary() as out, temporary() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=err)
        peak = 0
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            peak = max(peak, peak_kib(proc.pid))
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait
        out.seek(0)
        err.seek(0)
        return Measured(proc.returncode, seconds, usage.ru_utime + usage.ru_stime,
                        peak, out.read(), err.read())


def run_timed(command: Sequence[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run a command; return (wall seconds, peak RSS in KB, stdout). Fails loudly."""
    done = run_measured(command, env)
    if done.returncode != 0:
        raise SystemExit(
            f"bench: {' '.join(command)} failed: {done.err.strip() or done.out.strip()}"
        )
    return done.seconds, done.peak_kib, done.out


def psql_copy(env: dict[str, str], table: str, columns: str, path: Path) -> float:
    """``psql \\copy`` of the CSV file ``path`` (with a header) into ``table`` (``columns``):
    the wall seconds of the whole psql command."""
    psql = str(warehouse.bin_dir() / "psql")
    copy = f"\\copy {table} ({columns}) from '{path}' with (format csv, header true)"
    seconds, _, _ = run_timed([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", copy], env)
    return seconds


def storefront_load(folder: Path, env: dict[str, str]) -> tuple[float, int, str]:
    """``storefront load DIR`` (the whole command, in a process of its own): (wall seconds, peak
    RSS in KB, what it printed). Fails loudly when a file is not loaded."""
    return run_timed([sys.executable, "-m", "storefront.cli", "load", str(folder)], env)


@contextmanager
def throwaway_server(root: Path) -> Iterator[tuple[warehouse.Target, dict[str, str]]]:
    """A PostgreSQL server in ``root`` for one benchmark: its target and the environment that
    points commands at it. Stopped at the end."""
    server = warehouse.EmbeddedServer(root / "pgdata", throwaway=True)
    try:
        target = server.start("bench")
        env = {**os.environ, **target.env(), "STOREFRONT_PROJECT_DIR": str(warehouse.project_dir())}
        yield target, env
    finally:
        server.stop()


def load_average() -> str:
    if not hasattr(os, "getloadavg"):
        return "?"
    return ", ".join(f"{x:.1f}" for x in os.getloadavg())


def bench_load(rows: int, repeat: int) -> dict[str, float]:
    """The order-lines loader against ``psql \\copy`` (see the module docstring)."""
    root = Path(tempfile.mkdtemp(prefix="storefront-bench-"))
    try:
        data = root / "order_lines.csv"
        started = time.perf_counter()
        size = write_order_lines(data, rows)
        print(
            f"load: {rows:,} order lines, {size / 1e6:.1f} MB written in "
            f"{time.perf_counter() - started:.1f} s"
        )
        with throwaway_server(root) as (target, env):
            best, peak_rss = _bench_load_runs(target, env, data, rows, repeat)
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(f"  best of {repeat} runs each, {os.cpu_count()} cores, load average {load_average()}:")
    print(f"  {'':48} {'seconds':>8} {'rows/s':>10} {'loader ratio':>13}")
    lines = (
        ("psql \\copy, typed table (16 columns, no key)", best["plain"]),
        ("psql \\copy, raw.order_lines shape (BRIN on batch)", best["shaped"]),
        ("storefront load order-lines (whole command)", best["loader"]),
    )
    for label, seconds in lines:
        ratio = best["loader"] / seconds
        print(f"  {label:48} {seconds:8.2f} {rows / seconds:10,.0f} {ratio:12.2f}x")
    print(
        f"  the loader's own time (without interpreter start-up and imports): "
        f"{best['inside']:.2f} s; peak RSS {peak_rss / 1024:.0f} MB"
    )
    return {**best, "ratio_plain": best["loader"] / best["plain"],
            "ratio_shaped": best["loader"] / best["shaped"]}


def _bench_load_runs(
    target: warehouse.Target, env: dict[str, str], data: Path, rows: int, repeat: int
) -> tuple[dict[str, float], int]:
    best: dict[str, float] = {}
    peak_rss = 0
    with psycopg.connect(target.conninfo(), autocommit=True) as conn:
        conn.execute(PLAIN_TABLE)
        conn.execute(SHAPED_TABLE)
        from loaders.load import ensure_raw_schema

        ensure_raw_schema(conn)
        for _ in range(repeat):
            for name, table in (("plain", "bench_plain"), ("shaped", "bench_shaped")):
                conn.execute(f"truncate {table}")
                conn.execute("checkpoint")
                seconds = psql_copy(env, table, COLUMNS16, data)
                best[name] = min(best.get(name, seconds), seconds)
            conn.execute("truncate raw.order_lines, raw.rejected_rows, raw.load_batches cascade")
            conn.execute("checkpoint")
            seconds, rss, out = run_timed(
                [sys.executable, "-m", "storefront.cli", "load", "order-lines", str(data)], env
            )
            if "loaded as batch" not in out or f"{rows:,} loaded" not in out:
                raise SystemExit(f"bench: unexpected loader output: {out.strip()}")
            best["loader"] = min(best.get("loader", seconds), seconds)
            inside = float(re.search(r" in ([\d.]+) s ", out).group(1))
            best["inside"] = min(best.get("inside", inside), inside)
            peak_rss = max(peak_rss, rss)
        loaded = conn.execute("select count(*) from raw.order_lines").fetchone()[0]
        assert loaded == rows, (loaded, rows)
    return best, peak_rss


def bench_generate(rows: int, keep: Path | None = None) -> None:
    """Generation throughput (:mod:`storefront.bench.generate`), in a process of its own: this one
    stays small, so the peak memory measured of the commands it starts later is theirs."""
    command = [sys.executable, "-m", "storefront.bench.generate", str(rows)]
    subprocess.run([*command, str(keep)] if keep is not None else command, check=True)


def bench_feeds(folder: Path | None, rows: int) -> dict[str, float]:
    """``storefront load DIR`` of every feed of a generated dataset (``rows`` order lines, made
    here unless ``folder`` is given)."""
    from loaders import feeds

    root = Path(tempfile.mkdtemp(prefix="storefront-bench-feeds-"))
    try:
        if folder is None:
            folder = root / "data"
            print(f"feeds: generating {rows:,} order lines ...", flush=True)
            subprocess.run(
                [sys.executable, "-m", "storefront.cli", "generate", "--out", str(folder),
                 "--order-lines", str(rows)],
                check=True, stdout=subprocess.DEVNULL,
            )
        size = sum(p.stat().st_size for p in folder.rglob("*.csv"))
        with throwaway_server(root) as (target, env):
            seconds, rss, out = storefront_load(folder, env)
            with psycopg.connect(target.conninfo(), autocommit=True) as conn:
                counts = {
                    feed.table: conn.execute(
                        f"select count(*) from raw.{feed.table}"  # noqa: S608 (declared names)
                    ).fetchone()[0]
                    for feed in feeds.FEEDS.values()
                }
                files = conn.execute(
                    "select count(*) from raw.load_batches where status = 'loaded'"
                ).fetchone()[0]
    finally:
        shutil.rmtree(root, ignore_errors=True)
    total = sum(counts.values())
    print(
        f"feeds: storefront load DIR (whole command): {files} files, {total:,} rows, "
        f"{size / 1e6:.1f} MB in {seconds:.2f} s ({total / seconds:,.0f} rows/s, "
        f"{size / 1e6 / seconds:.0f} MB/s); peak RSS {rss / 1024:.0f} MB; "
        f"load average {load_average()}"
    )
    for table, count in counts.items():
        print(f"  raw.{table:<24} {count:>12,} rows")
    return {"seconds": seconds, "rows": total, "rows_per_second": total / seconds}
