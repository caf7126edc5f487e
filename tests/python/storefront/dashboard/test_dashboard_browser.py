"""The dashboard in a real browser (headless Chromium, driven by playwright) over
`storefront serve` on the served shop: it loads offline with every chart, a filter changes
what it shows, and the figures on screen equal the API's and those computed here from core.

With STOREFRONT_SCREENSHOTS=<folder> (`make screenshots`: docs/images), the page is saved as
PNGs there: dashboard.png (everything) and dashboard-filtered.png (one region, two
categories)."""

from __future__ import annotations

import base64
import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

import httpx
import pandas as pd
import psycopg
import pytest

import sales_truth as truth
from browser import watch
from conftest import PROJECT, Server
from storefront.dashboard.app import PLOTLY_JS

GRAPHS = ("heatmap", "category-share", "daily", "monthly", "top-category", "top-customers",
          "products")
KPIS = ("revenue", "profit", "orders", "aov", "customers")
SCREENSHOTS = os.environ.get("STOREFRONT_SCREENSHOTS")
RENDERED = """(graphs) => graphs.every(id => {
    const plot = document.querySelector('#' + id + ' .js-plotly-plot');
    return plot && plot.layout && plot.layout.title && plot.layout.title.text
        && plot.querySelector('.main-svg');
})"""


@pytest.fixture(scope="module")
def lines(served_shop) -> list[truth.Line]:
    with psycopg.connect(served_shop["target"].conninfo()) as conn:
        return truth.lines(conn)


@pytest.fixture
def page(api, browser):
    """The dashboard, loaded, every chart drawn; what went wrong on it, and every request it
    made (``watched.requests``), are recorded."""
    page = browser.new_page(viewport={"width": 1440, "height": 1000})
    watched = watch(page, api.url)
    watched.requests = []
    page.on("request", lambda request: watched.requests.append(request.url))
    page.goto(api.url + "/dashboard/")
    wait_drawn(page)
    yield watched
    page.close()


def wait_drawn(page, **conditions) -> None:
    page.wait_for_function(RENDERED, arg=list(GRAPHS), timeout=30_000)
    page.wait_for_function("() => document.getElementById('kpi-revenue').textContent !== '–'"
                           " || document.getElementById('selection').textContent", timeout=30_000)


def figure(page, graph: str) -> dict:
    """The figure plotly.js drew in ``graph``: its traces and layout, as the page holds them."""
    return page.evaluate("""(id) => {
        const plot = document.querySelector('#' + id + ' .js-plotly-plot');
        return {data: plot.data, layout: plot.layout};
    }""", graph)


def kpis(page) -> list[str]:
    return [page.inner_text(f"#kpi-{name}") for name in KPIS]


def choose(page, dropdown: str, values: list[str]) -> None:
    """Pick exactly ``values`` in a dropdown, as a user does: clear it, open it, search each
    value and click it, close it."""
    page.click(f"#{dropdown} .dash-dropdown-clear")
    page.click(f"#{dropdown}")
    for value in values:
        page.fill(".dash-dropdown-content input.dash-dropdown-search", value)
        page.locator(".dash-dropdown-content .dash-dropdown-option").filter(
            has_text=value).first.click()
    page.keyboard.press("Escape")


def heatmap_changed(page, regions: int, categories: int) -> None:
    page.wait_for_function("""([rows, columns]) => {
        const plot = document.querySelector('#heatmap .js-plotly-plot');
        const cells = plot && plot.data && plot.data[0];
        return cells && cells.y && cells.y.length === rows && cells.x.length === columns;
    }""", arg=[regions, categories], timeout=30_000)


def amount(text: str) -> Decimal:
    return Decimal(text.replace("$", "").replace(",", ""))


def api_json(api, path: str, params: list[tuple[str, str]]) -> dict | list:
    response = httpx.get(api.url + path, params=params, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()


def test_the_page_loads_offline_with_every_chart_and_no_console_error(page):
    assert page.console_errors == []
    assert page.outside_requests == []
    for graph in GRAPHS:
        drawn = figure(page.page, graph)
        assert drawn["data"], graph
        assert not (drawn["layout"].get("meta") or {}).get("no_data"), graph
    assert all(text.strip() and text != "–" for text in kpis(page.page))
    # plotly.js drew each: an SVG per chart, with the traces' shapes
    assert page.page.locator(".js-plotly-plot .main-svg").count() >= 2 * len(GRAPHS)
    assert page.page.title() == "Storefront sales"
    # the page came drawn: no callback ran to load it; plotly.js is the app's cartesian bundle
    assert not [url for url in page.requests if "_dash-update-component" in url]
    plotly = [url for url in page.requests if "plotly" in url]
    assert len(plotly) == 1
    assert plotly[0].startswith(f"{page.origin}/dashboard/assets/{PLOTLY_JS.name}")
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.page.screenshot(path=str(Path(SCREENSHOTS) / "dashboard.png"), full_page=True)


def test_one_region_and_two_categories_change_the_heatmap_to_equal_the_api_and_the_lines(
        page, api, lines):
    p = page.page
    before = figure(p, "heatmap")["data"][0]
    regions = before["y"]
    categories = before["x"]
    region, chosen = regions[0], categories[:2]
    choose(p, "region", [region])
    choose(p, "category", chosen)
    heatmap_changed(p, 1, 2)
    p.wait_for_function("(text) => document.getElementById('selection').textContent"
                        ".startsWith(text)", arg=f"Sales of {region}; {', '.join(chosen)};")
    cells = figure(p, "heatmap")["data"][0]
    assert cells["y"] == [region] and cells["x"] == chosen
    shown = {(region, category): amount(cells["customdata"][0][j][0])
             for j, category in enumerate(cells["x"])}
    # the API, for the same filters
    params = [("region", region)] + [("category", c) for c in chosen]
    api_cells = api_json(api, "/analytics/sales-by-region-category/", params)
    assert {(c["region"], c["product_category"]): Decimal(c["revenue"]) for c in api_cells} == \
        {key: value for key, value in shown.items() if value}
    # the lines themselves
    expected = truth.cells(truth.chosen(lines, [region], chosen))
    assert shown == {key: expected.get(key, {"revenue": Decimal(0)})["revenue"]
                     for key in shown}
    assert sum(shown.values()) == sum(Decimal(c["revenue"]) for c in api_cells)
    # the KPI cards equal /analytics/revenue/ and /analytics/unique-customers/
    revenue = api_json(api, "/analytics/revenue/", params)
    customers = api_json(api, "/analytics/unique-customers/", params)
    assert kpis(p) == [truth.money(Decimal(revenue["revenue"])),
                       truth.money(Decimal(revenue["profit"])), f"{revenue['order_count']:,}",
                       truth.money(Decimal(revenue["avg_order_value"])),
                       f"{customers['customer_count']:,}"]
    totals = truth.totals(truth.chosen(lines, [region], chosen))
    assert Decimal(revenue["revenue"]) == totals["revenue"]
    assert revenue["order_count"] == totals["order_count"]
    assert customers["customer_count"] == totals["customer_count"]
    assert page.console_errors == [] and page.outside_requests == []
    if SCREENSHOTS:
        p.screenshot(path=str(Path(SCREENSHOTS) / "dashboard-filtered.png"), full_page=True)


def test_the_moving_average_on_screen_equals_a_rolling_mean(page, lines):
    _, average = figure(page.page, "daily")["data"]
    days = [dt.date.fromisoformat(x[:10]) for x in average["x"]]
    revenue = truth.daily_revenue(lines, days[0], days[-1])
    rolling = pd.Series([float(v) for v in revenue.values()]).rolling(7, min_periods=1).mean()
    assert [float(y) for y in average["y"]] == pytest.approx(list(rolling.round(2)), abs=0.0051)
    subtitle = figure(page.page, "daily")["layout"]["title"]["subtitle"]["text"]
    assert "first six days" in subtitle


def test_the_customer_chart_has_20_sorted_bars_of_the_mart(page, served_shop):
    [bars] = figure(page.page, "top-customers")["data"]
    with psycopg.connect(served_shop["target"].conninfo()) as conn:
        mart = conn.execute("select customer_id, lifetime_revenue"
                            " from marts.customer_lifetime_value"
                            " order by revenue_rank, customer_id limit 20").fetchall()
    assert len(bars["y"]) == len(bars["x"]) == 20
    assert bars["x"] == sorted(bars["x"], reverse=True)
    assert bars["y"] == [f"Customer {customer}" for customer, _ in mart]
    assert [amount(c[0]) for c in bars["customdata"]] == [value for _, value in mart]
    drawn = page.page.locator("#top-customers .bars .point").count()
    assert drawn == 20


def test_the_category_shares_sum_to_100_percent(page):
    [pie] = figure(page.page, "category-share")["data"]
    shares = [Decimal(text.rstrip("%")) for text in pie["text"]]
    assert abs(sum(shares) - 100) <= Decimal("0.05") * len(shares)
    slices = page.page.locator("#category-share .slice").count()
    assert slices == len(pie["labels"]) >= 2


def test_hovering_a_heatmap_cell_shows_region_category_and_revenue(page):
    p = page.page
    cells = figure(p, "heatmap")["data"][0]
    box = p.locator("#heatmap .nsewdrag").first.bounding_box()
    rows, columns = len(cells["y"]), len(cells["x"])
    # the second region (rows top down), the last category
    row, column = 1, columns - 1
    p.mouse.move(box["x"] + box["width"] * (column + 0.5) / columns,
                 box["y"] + box["height"] * (row + 0.5) / rows)
    p.wait_for_selector("#heatmap .hoverlayer .hovertext", timeout=10_000)
    text = p.text_content("#heatmap .hoverlayer")  # SVG: its text, line after line
    assert f"Region: {cells['y'][row]}" in text
    assert f"Category: {cells['x'][column]}" in text
    assert f"Revenue: {cells['customdata'][row][column][0]}" in text
    assert cells["customdata"][row][column][0].startswith("$")


def test_selecting_nothing_shows_no_data_everywhere(page):
    p = page.page
    p.click("#region .dash-dropdown-clear")
    p.wait_for_function("() => document.getElementById('kpi-revenue').textContent === '–'",
                        timeout=30_000)
    for graph in GRAPHS:
        p.wait_for_function("""(id) => {
            const plot = document.querySelector('#' + id + ' .js-plotly-plot');
            return plot.layout.meta && plot.layout.meta.no_data;
        }""", arg=graph, timeout=30_000)
        assert "Nothing selected" in p.inner_text(f"#{graph}")
    assert "Nothing selected" in p.inner_text("#selection")
    assert page.console_errors == []



def test_the_dashboard_leaves_the_apis_rules_and_404s_as_they_were(api):
    """Dash's routes live beside the API's: an unknown path is still the API's 404 (not the
    dashboard's page), a typo in an API route's parameters still a 422, while Dash's own
    requests (a version in the query string) pass; its callbacks (POST) get no ETag, its
    layout (which the build changes) does, its scripts keep Dash's own caching."""
    missing = httpx.get(api.url + "/no-such-page")
    assert missing.status_code == 404 and missing.json() == {"detail": "Not Found"}
    assert httpx.get(api.url + "/customers/?regoin=Texas").status_code == 422
    assert httpx.get(api.url + "/dashboard/_favicon.ico?v=4.4.1").status_code == 200
    assert httpx.get(api.url + "/dashboard/?from=bookmark").status_code == 200
    assert httpx.get(api.url + "/dashboard/_dash-ws-callback").status_code == 404
    layout = httpx.get(api.url + "/dashboard/_dash-layout")
    assert layout.status_code == 200 and layout.headers["etag"]
    again = httpx.get(api.url + "/dashboard/_dash-layout",
                      headers={"If-None-Match": layout.headers["etag"]})
    assert again.status_code == 304
    script = httpx.get(f"{api.url}/dashboard/assets/{PLOTLY_JS.name}")
    assert script.status_code == 200 and script.headers.get("cache-control") != "no-cache"

def test_with_a_token_the_browser_is_asked_for_it(served_shop, browser):
    server = Server(served_shop["target"], env={"STOREFRONT_API_TOKEN": "s3cret-token"})
    try:
        refused = httpx.get(server.url + "/dashboard/")
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"].startswith('Basic realm="Storefront')
        basic = "Basic " + base64.b64encode(b"anyone:s3cret-token").decode()
        for path in ("/dashboard/", "/dashboard/_dash-layout", "/customers/"):
            assert httpx.get(server.url + path,
                             headers={"Authorization": basic}).status_code == 200, path
        assert httpx.post(server.url + "/dashboard/_dash-update-component",
                          json={}).status_code == 401
        context = browser.new_context(http_credentials={"username": "anyone",
                                                        "password": "s3cret-token"})
        page = context.new_page()
        watched = watch(page, server.url)
        page.goto(server.url + "/dashboard/")
        wait_drawn(page)
        assert watched.console_errors == [] and watched.outside_requests == []
        context.close()
    finally:
        server.stop()


def test_screenshots_are_where_the_readme_shows_them():
    image = PROJECT / "docs" / "images" / "dashboard.png"
    assert image.is_file() and image.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "docs/images/dashboard.png" in (PROJECT / "README.md").read_text()
