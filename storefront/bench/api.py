"""API benchmark (not a test): ``python -m storefront.bench api [--rows N] [--workers W]``.

On a throwaway server, a shop of N order lines (default 1,000,000) is generated, loaded and
built; ``storefront serve`` (W workers, default one per core) then answers a load generator in
another process (:mod:`storefront.bench.loadgen`) at 8 and 32 connections, each case after a
second of unmeasured warm-up, for a customer lookup, an order with its lines, ``/products/``,
``/analytics/revenue/?grain=month``, ``/analytics/top-products/`` and ``/metrics/query``
(MetricFlow over the marts, each query shape compiled once before the clock starts): req/s
and p50/p95/p99. For the two analytics routes it also times the same answer computed from
``core`` on the fly (median of 5), and prints the ratio."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

from storefront import warehouse
from storefront.bench.dbt import built_warehouse
from storefront.warehouse import roles

SECONDS = 5.0
WARM_UP_SECONDS = 1.0
CONNECTIONS = (8, 32)
WORKERS = os.cpu_count() or 1  # one server process per core
GOALS = ("lookups >= 1,000 req/s with p95 <= 20 ms at 8 connections; analytics p95 <= 50 ms;"
         " /metrics/query (a cached shape) p95 <= 100 ms")
FROM_CORE = {
    "/analytics/revenue/?grain=month": """
        select date_trunc('month', order_date)::date as month_start,
               count(distinct order_sk), sum(quantity), sum(sales), sum(profit)
        from core.order_lines group by 1 order by 1""",
    "/analytics/top-products/": """
        select l.product_sk, min(p.product_name), sum(l.sales) as revenue
        from core.order_lines as l join core.products as p using (product_sk)
        group by l.product_sk order by revenue desc, l.product_sk limit 10""",
}


def _serve(target: warehouse.Target, port: int, workers: int,
           semantic_manifest: Path) -> subprocess.Popen:
    env = {**target.env(), "PGUSER": roles.REPORTER,
           "STOREFRONT_SEMANTIC_MANIFEST": str(semantic_manifest)}
    process = subprocess.Popen(
        [sys.executable, "-m", "storefront.cli", "serve", "--port", str(port),
         "--workers", str(workers)],
        env={**os.environ, **env}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(400):
        try:
            httpx.get(f"http://127.0.0.1:{port}/health", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    raise warehouse.WarehouseError("storefront serve did not start")


def _loadgen(url: str, paths: list[str], connections: int, seconds: float = SECONDS) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "storefront.bench.loadgen", url, *paths,
         "--connections", str(connections), "--seconds", str(seconds)],
        capture_output=True, text=True, check=True,
    )
    return json.loads(done.stdout)


def _from_core(target: warehouse.Target, query: str) -> float:
    times = []
    with warehouse.connect(target) as conn:
        for _ in range(5):
            began = time.perf_counter()
            conn.execute(query).fetchall()
            times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def metric_cases(last_day: dt.date) -> dict[str, list[str]]:
    """/metrics/query, each shape compiled before the clock starts: the dashboard's last four
    weeks by day asked again and again (answered from memory after the first time, until the
    next build), the same shape over a new range of days each time (its SQL cached, the dates
    bind parameters: one query each time), and a whole year by month asked again and again."""

    def query(**params: str) -> str:
        return "/metrics/query?" + urlencode(params)

    def days(first: dt.date, last: dt.date) -> str:
        return (f"{{{{ TimeDimension('metric_time', 'day') }}}} between '{first.isoformat()}'"
                f" and '{last.isoformat()}'")

    def by_day(first: dt.date, last: dt.date) -> str:
        return query(metrics="revenue,orders,average_order_value", group_by="metric_time__day",
                     where=days(first, last))

    four_weeks = [last_day - dt.timedelta(days=27), last_day]
    ranges = [(last_day - dt.timedelta(days=back + length - 1), last_day - dt.timedelta(back))
              for back in range(0, 300) for length in range(21, 36)]
    random.Random(2).shuffle(ranges)
    return {
        "/metrics/query 4 weeks by day": [by_day(*four_weeks)],
        "/metrics/query 3-5 weeks, new dates": [by_day(*r) for r in ranges],
        "/metrics/query revenue by month": [
            query(metrics="revenue", group_by="metric_time__month")],
    }


def bench_api(order_lines: int = 1_000_000, workers: int = WORKERS) -> None:
    with built_warehouse(order_lines, "storefront-bench-api-") as (target, root):
        process = None
        try:
            with warehouse.connect(target) as conn:
                rnd = random.Random(1)
                customers = [r[0] for r in conn.execute(
                    "select customer_id from marts.dim_customers where order_count > 0")]
                orders = [r[0] for r in conn.execute(
                    "select order_id from marts.fct_orders where order_id is not null")]
                (last_day,) = conn.execute(
                    "select max(order_date) from marts.fct_order_lines").fetchone()
            port = 8800 + rnd.randrange(100)
            process = _serve(target, port, workers, root / "target" / "semantic_manifest.json")
            url = f"http://127.0.0.1:{port}"
            cases = {
                "customer lookup": [f"/customers/{c}" for c in rnd.sample(customers, 500)],
                "order with lines": [f"/orders/{o}" for o in rnd.sample(orders, 500)],
                "/products/": ["/products/", "/products/?sort=revenue",
                               "/products/?category=Fashion"],
                "/analytics/revenue/?grain=month": ["/analytics/revenue/?grain=month"],
                "/analytics/top-products/": ["/analytics/top-products/",
                                             "/analytics/top-products/?by=units&date_from=2024-03-01"
                                             "&date_to=2024-05-31"],
                **metric_cases(last_day),
            }
            for name, paths in cases.items():  # load MetricFlow, compile each shape once
                if "/metrics/" in name:
                    httpx.get(url + paths[-1], timeout=120).raise_for_status()
            print(f"API, {order_lines:,} order lines, {workers} worker(s), {SECONDS:g} s per case"
                  f" (goals: {GOALS})")
            print(f"  {'route':<38} {'conns':>5} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7}"
                  f" {'p99 ms':>7} {'non-200':>7}")
            measured = {}
            for name, paths in cases.items():
                for connections in CONNECTIONS:
                    # not measured: each worker's connections opened, their statements
                    # prepared, the case's pages read once
                    _loadgen(url, paths, connections, WARM_UP_SECONDS)
                    result = _loadgen(url, paths, connections)
                    measured[(name, connections)] = result
                    print(f"  {name:<38} {connections:>5} {result['rps']:>8,.0f}"
                          f" {result['p50_ms']:>7.1f} {result['p95_ms']:>7.1f}"
                          f" {result['p99_ms']:>7.1f} {result['non_200']:>7}", flush=True)
            for path, query in FROM_CORE.items():
                core_ms = _from_core(target, query)
                api_ms = measured[(path, 8)]["p50_ms"]
                print(f"  {path}: from core on the fly {core_ms:,.1f} ms (median of 5) against"
                      f" the API's p50 {api_ms:.1f} ms: {core_ms / api_ms:,.0f}x")
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
