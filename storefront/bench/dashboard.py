"""Dashboard benchmark (not a test): ``python -m storefront.bench dashboard [--rows N]``.

On a throwaway server, a shop of N order lines (default 1,000,000) is generated, loaded and
built; ``storefront serve`` then serves the dashboard, and this measures

* each callback's server time for a filter change: the POST the page sends to
  ``/dashboard/_dash-update-component`` when a filter changes, one at a time, for a set of
  filter changes (one region; regions and categories; a quarter; a week...), median and worst;
  and the same callbacks run directly in this process (the query and the figure alone);
* the first page load in headless Chromium (Debian's, through playwright): from navigation
  to every chart drawn, a new browser context each time (nothing cached), the first load
  after the server started and the following ones.

Goals (issue 14): every callback <= 300 ms, the first page load <= 2 s."""

from __future__ import annotations

import datetime as dt
import json
import os
import statistics
import time

import httpx

from storefront import warehouse
from storefront.bench.api import _serve
from storefront.bench.dbt import built_warehouse

CHROMIUM = os.environ.get("STOREFRONT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
GOALS = "every callback <= 300 ms; first page load <= 2 s"
REPEAT = 3  # each filter change sent this many times; the median kept
PAGE_LOADS = 6
# every chart holds a figure from its callback (a title) and plotly.js has drawn it
DRAWN = """(graphs) => graphs.every(id => {
    const plot = document.querySelector('#' + id + ' .js-plotly-plot');
    return plot && plot.layout && plot.layout.title && plot.layout.title.text
        && plot.querySelector('.main-svg');
}) && document.getElementById('kpi-revenue').textContent !== '–'"""


def filter_changes(options: dict) -> dict[str, tuple]:
    """Named filter changes: (regions, categories, first day, last day)."""
    regions, categories = options["regions"], options["categories"]
    first, last = options["first_day"], options["last_day"]
    week_start = dt.date.fromisoformat(last) - dt.timedelta(days=6)
    quarter_end = dt.date.fromisoformat(first) + dt.timedelta(days=90)
    return {
        "one region": (regions[:1], categories, first, last),
        "three regions, two categories": (regions[1:4], categories[:2], first, last),
        "every region, one category": (regions, categories[-1:], first, last),
        "a quarter": (regions, categories, first, quarter_end.isoformat()),
        "a week, two regions": (regions[:2], categories, week_start.isoformat(), last),
        "everything": (regions, categories, first, last),
    }


def _payload(outputs, filters: tuple, options: dict) -> dict:
    """What the page POSTs to /dashboard/_dash-update-component for a callback with these
    outputs when a filter changes."""
    regions, categories, start, end = filters
    names = [f"{o.component_id}.{o.component_property}" for o in outputs]
    described = [{"id": o.component_id, "property": o.component_property} for o in outputs]
    return {
        "output": ".." + "...".join(names) + ".." if len(names) > 1 else names[0],
        "outputs": described if len(described) > 1 else described[0],
        "inputs": [{"id": "region", "property": "value", "value": list(regions)},
                   {"id": "category", "property": "value", "value": list(categories)},
                   {"id": "dates", "property": "start_date", "value": start},
                   {"id": "dates", "property": "end_date", "value": end}],
        "changedPropIds": ["region.value"],
        "state": [{"id": "options", "property": "data", "value": options}],
    }


def _callback_times(url: str, database, options: dict) -> list[tuple[str, list, list]]:
    """(callback, HTTP milliseconds, in-process milliseconds) over every filter change."""
    from storefront.dashboard import callbacks

    changes = filter_changes(options)
    measured = []
    with httpx.Client(base_url=url, timeout=60) as client:
        for function, outputs in callbacks.CALLBACKS.items():
            over_http, in_process = [], []
            for filters in changes.values():
                payload = _payload(outputs, filters, options)
                times = []
                for _ in range(REPEAT):
                    began = time.perf_counter()
                    response = client.post("/dashboard/_dash-update-component", json=payload)
                    times.append((time.perf_counter() - began) * 1000)
                    response.raise_for_status()
                over_http.append(statistics.median(times))
                times = []
                for _ in range(REPEAT):
                    began = time.perf_counter()
                    json.dumps(function(database, *filters, options), default=str)
                    times.append((time.perf_counter() - began) * 1000)
                in_process.append(statistics.median(times))
            measured.append((function.__name__, over_http, in_process))
    return measured


def _page_loads(url: str, loads: int = PAGE_LOADS) -> list[float]:
    """Seconds from navigation to every chart drawn, each in a new browser context."""
    from playwright.sync_api import sync_playwright

    from storefront.dashboard import callbacks

    found = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(loads):
                context = browser.new_context(viewport={"width": 1440, "height": 1000})
                page = context.new_page()
                began = time.perf_counter()
                page.goto(url + "/dashboard/")
                page.wait_for_function(DRAWN, arg=list(callbacks.GRAPHS), timeout=120_000)
                found.append(time.perf_counter() - began)
                context.close()
        finally:
            browser.close()
    return found


def measure(target: warehouse.Target, url: str) -> dict:
    """Both measures against the dashboard at ``url`` over ``target`` (as the reporter)."""
    from storefront.api import queries
    from storefront.api.db import Database, reporter_target

    database = Database(reporter_target(target))
    with database.sessions() as session:
        found = queries.sales_filter_options(session)
    options = {"regions": found["regions"], "categories": found["categories"],
               "first_day": found["first_day"].isoformat(),
               "last_day": found["last_day"].isoformat()}
    loads = _page_loads(url)  # first: the first page the server ever served
    callbacks = _callback_times(url, database, options)
    database.dispose()
    return {"loads": loads, "callbacks": callbacks, "changes": list(filter_changes(options))}


def report(measured: dict, order_lines: int) -> str:
    loads = measured["loads"]
    lines = [f"Dashboard, {order_lines:,} order lines (goals: {GOALS})",
             f"  filter changes: {', '.join(measured['changes'])}; each sent {REPEAT} times",
             f"  {'callback':<24} {'HTTP median':>12} {'HTTP worst':>11} {'direct median':>14}"
             f" {'direct worst':>13}"]
    for name, over_http, in_process in measured["callbacks"]:
        lines.append(f"  {name:<24} {statistics.median(over_http):>9.1f} ms"
                     f" {max(over_http):>8.1f} ms {statistics.median(in_process):>11.1f} ms"
                     f" {max(in_process):>10.1f} ms")
    lines.append(f"  first page load in headless Chromium, until every chart is drawn: first "
                 f"after start {loads[0]:.2f} s; then median {statistics.median(loads[1:]):.2f} s"
                 f", best {min(loads[1:]):.2f} s, worst {max(loads[1:]):.2f} s"
                 f" ({len(loads) - 1} loads, new browser context each)")
    return "\n".join(lines)


def bench_dashboard(order_lines: int = 1_000_000) -> None:
    with built_warehouse(order_lines, "storefront-bench-dashboard-") as (target, _):
        port = 8900 + os.getpid() % 100
        process = _serve(target, port, 1)
        try:
            print(report(measure(target, f"http://127.0.0.1:{port}"), order_lines), flush=True)
        finally:
            process.terminate()
            process.wait(timeout=30)
