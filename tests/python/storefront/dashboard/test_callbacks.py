"""The dashboard's callbacks without a browser: each one called as Dash calls it (the filters'
values, the page's options), against the served shop as storefront_reporter, and its figure
checked against the sales computed here from core (tests/python/sales_truth.py)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
import psycopg
import pytest

import sales_truth as truth
from storefront.api import queries
from storefront.api.db import Database
from storefront.dashboard import callbacks, figures, formats
from storefront.warehouse import Target


@pytest.fixture(scope="module")
def database(served_shop):
    target = served_shop["target"]
    database = Database(Target(target.host, target.port, "storefront_reporter",
                               target.dbname))
    yield database
    database.dispose()


@pytest.fixture(scope="module")
def options(database) -> dict:
    """The page's options, as the layout stores them."""
    with database.sessions() as session:
        found = queries.sales_filter_options(session)
    return {"regions": found["regions"], "categories": found["categories"],
            "first_day": found["first_day"].isoformat(), "last_day": found["last_day"].isoformat()}


@pytest.fixture(scope="module")
def lines(served_shop) -> list[truth.Line]:
    with psycopg.connect(served_shop["target"].conninfo()) as conn:
        return truth.lines(conn)


@pytest.fixture(scope="module")
def some(options, lines) -> dict:
    """One region (the one with the most lines), two categories, a month of the 60 days."""
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.region] = counts.get(line.region, 0) + 1
    region = max(counts, key=lambda r: (counts[r], r))
    return {"regions": [region], "categories": options["categories"][:2],
            "start": "2024-01-20", "end": "2024-02-19"}


def everything(options) -> tuple:
    return (options["regions"], options["categories"], options["first_day"],
            options["last_day"], options)


def chosen(some, options) -> tuple:
    return (some["regions"], some["categories"], some["start"], some["end"], options)


def selected_lines(lines, some) -> list[truth.Line]:
    return truth.chosen(lines, some["regions"], some["categories"],
                        dt.date.fromisoformat(some["start"]), dt.date.fromisoformat(some["end"]))


def traces(figure: dict) -> list[dict]:
    return figure["data"]


# -- KPIs -----------------------------------------------------------------------------------------
def kpi_texts(expected: dict) -> list[str]:
    return [truth.money(expected["revenue"]), truth.money(expected["profit"]),
            f"{expected['order_count']:,}", truth.money(expected["avg_order_value"]),
            f"{expected['customer_count']:,}"]


def test_kpis_of_everything_equal_the_order_lines(database, options, lines):
    got = callbacks.kpis(database, *everything(options))
    assert got[:5] == kpi_texts(truth.totals(lines))
    assert got[5].startswith(f"Sales of all {len(options['regions'])} regions; all "
                             f"{len(options['categories'])} categories; 4 Jan 2024 to ")


def test_kpis_of_a_region_two_categories_and_a_month_equal_the_order_lines(
        database, options, lines, some):
    got = callbacks.kpis(database, *chosen(some, options))
    expected = truth.totals(selected_lines(lines, some))
    assert expected["order_count"] > 10
    assert got[:5] == kpi_texts(expected)
    assert got[5] == (f"Sales of {some['regions'][0]}; {', '.join(some['categories'])}; "
                      "20 Jan 2024 to 19 Feb 2024")


def test_every_region_and_category_named_gives_the_all_time_figures(database, options):
    """Every region and category listed explicitly reads the marts by region; left out, the
    all-time marts: the same figures."""
    with database.sessions() as session:
        listed = queries.revenue(session, regions=options["regions"],
                                 categories=options["categories"])
        all_time = queries.revenue(session)
        assert queries.unique_customers(session, regions=options["regions"]) == \
            queries.unique_customers(session)
    assert {k: listed[k] for k in ("revenue", "profit", "order_count", "avg_order_value")} == \
        {k: all_time[k] for k in ("revenue", "profit", "order_count", "avg_order_value")}


# -- regions and categories ---------------------------------------------------------------------
def test_heatmap_cells_equal_the_lines_of_each_region_and_category(database, options, lines,
                                                                   some):
    heatmap, _, _ = callbacks.regions_and_categories(database, *chosen(some, options))
    [cells] = traces(heatmap)
    assert cells["type"] == "heatmap"
    assert cells["y"] == some["regions"] and cells["x"] == some["categories"]
    expected = truth.cells(selected_lines(lines, some))
    for i, region in enumerate(cells["y"]):
        for j, category in enumerate(cells["x"]):
            cell = expected.get((region, category), {"revenue": Decimal(0), "orders": 0})
            assert cells["customdata"][i][j] == [truth.money(cell["revenue"]),
                                                 f"{cell['orders']:,}"]
            assert cells["z"][i][j] == pytest.approx(float(cell["revenue"]))
    assert "Region: %{y}" in cells["hovertemplate"]
    assert "Category: %{x}" in cells["hovertemplate"]


def test_the_heatmap_of_everything_has_every_region_in_the_filters_order(database, options,
                                                                          lines):
    heatmap, _, _ = callbacks.regions_and_categories(database, *everything(options))
    [cells] = traces(heatmap)
    assert cells["y"] == options["regions"] and cells["x"] == options["categories"]
    total = sum(Decimal(value.replace("$", "").replace(",", ""))
                for row in cells["customdata"] for value, _ in row)
    assert total == truth.totals(lines)["revenue"]


def test_category_shares_sum_to_100_percent(database, options, lines):
    _, share, _ = callbacks.regions_and_categories(database, *everything(options))
    [pie] = traces(share)
    expected = truth.cells(lines)
    whole = truth.totals(lines)["revenue"]
    by_category = {c: sum((v["revenue"] for (_, cat), v in expected.items() if cat == c),
                          Decimal(0)) for c in pie["labels"]}
    assert pie["labels"] == options["categories"]
    assert pie["text"] == [formats.percent(by_category[c] / whole) for c in pie["labels"]]
    assert sum(Decimal(t.rstrip("%")) for t in pie["text"]) == pytest.approx(
        Decimal(100), abs=Decimal("0.05") * len(pie["text"]))
    assert sum(by_category.values()) == whole


def test_top_category_of_each_region_is_its_first_by_revenue(database, options, lines):
    _, _, top = callbacks.regions_and_categories(database, *everything(options))
    expected = truth.cells(lines)
    shown = {}
    for bar in traces(top):
        for region, revenue in zip(bar["y"], bar["x"], strict=True):
            shown.setdefault(region, set()).add((bar["name"], revenue))
    for region in options["regions"]:
        mine = {cat: v["revenue"] for (r, cat), v in expected.items() if r == region}
        if not mine:
            continue
        best = max(mine.values())
        assert shown[region] == {(cat, float(rev)) for cat, rev in mine.items() if rev == best}


# -- over time ----------------------------------------------------------------------------------
def test_the_moving_average_equals_a_rolling_mean_of_the_daily_revenue(database, options,
                                                                        lines):
    figure = callbacks.daily(database, *everything(options))
    revenue, average = traces(figure)
    first = dt.date.fromisoformat(options["first_day"])
    last = dt.date.fromisoformat(options["last_day"])
    days = truth.daily_revenue(lines, first, last)
    series = pd.Series([float(v) for v in days.values()], index=list(days))
    rolling = series.rolling(7, min_periods=1).mean()
    assert revenue["x"] == [day.isoformat() for day in days]
    assert revenue["customdata"] == [truth.money(v) for v in days.values()]
    assert average["y"] == pytest.approx(list(rolling.round(2)), abs=0.0051)
    # exactly, in decimals: the mean of the day and the six before it, cents half up
    values = list(days.values())
    exact = [truth.money(sum(values[max(0, i - 6):i + 1]) / len(values[max(0, i - 6):i + 1]))
             for i in range(len(values))]
    assert average["customdata"] == exact
    assert figures.MA_NOTE in figure["layout"]["title"]["subtitle"]["text"]


def test_the_moving_average_of_a_later_range_reads_the_six_days_before_it(database, options,
                                                                          lines, some):
    figure = callbacks.daily(database, *chosen(some, options))
    _, average = traces(figure)
    first = dt.date.fromisoformat(options["first_day"])
    rows = truth.chosen(lines, some["regions"], some["categories"])
    days = truth.daily_revenue(rows, first, dt.date.fromisoformat(some["end"]))
    rolling = pd.Series([float(v) for v in days.values()]).rolling(7, min_periods=1).mean()
    start = list(days).index(dt.date.fromisoformat(some["start"]))
    assert average["x"][0] == some["start"] and len(average["x"]) == 31
    assert average["y"] == pytest.approx(list(rolling.round(2))[start:], abs=0.0051)


def test_monthly_revenue_and_growth_on_the_month_before(database, options, lines, some):
    figure = callbacks.monthly(database, *chosen(some, options))
    bars, growth = traces(figure)
    rows = selected_lines(lines, some)
    by_month: dict[str, Decimal] = {}
    for line in rows:
        key = line.order_date.replace(day=1).isoformat()
        by_month[key] = by_month.get(key, Decimal(0)) + line.sales
    assert bars["x"] == ["2024-01-01", "2024-02-01"]
    assert [c[0] for c in bars["customdata"]] == [truth.money(by_month[m]) for m in bars["x"]]
    # both months are cut by the range (20 January to 19 February)
    assert [c[2] for c in bars["customdata"]] == [" (part of the month)"] * 2
    change = (by_month["2024-02-01"] - by_month["2024-01-01"]) / by_month["2024-01-01"]
    assert growth["customdata"] == [formats.NONE, formats.signed_percent(
        change.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))]


# -- customers and products ---------------------------------------------------------------------
def test_top_customers_are_the_20_highest_lifetime_values_of_the_mart(database, options,
                                                                      served_shop):
    figure = callbacks.top_customers(database, *everything(options))
    [bars] = traces(figure)
    with psycopg.connect(served_shop["target"].conninfo()) as conn:
        mart = conn.execute(
            "select customer_id, lifetime_revenue from marts.customer_lifetime_value"
            " order by revenue_rank, customer_id limit 20").fetchall()
    assert bars["y"] == [f"Customer {customer}" for customer, _ in mart]
    assert [c[0] for c in bars["customdata"]] == [truth.money(value) for _, value in mart]
    assert bars["x"] == sorted(bars["x"], reverse=True)
    assert figure["layout"]["yaxis"]["autorange"] == "reversed"  # the highest at the top


def test_top_customers_of_a_selection_bought_there(database, options, lines, some):
    [bars] = traces(callbacks.top_customers(database, *chosen(some, options)))
    buyers = {line.customer_id for line in selected_lines(lines, some)}
    shown = [int(label.split()[-1]) for label in bars["y"]]
    assert shown and set(shown) <= buyers and len(shown) == min(20, len(buyers))
    assert bars["x"] == sorted(bars["x"], reverse=True)


def test_products_one_point_per_rated_product_sized_by_units(database, options, lines,
                                                              served_shop):
    figure = callbacks.products(database, *everything(options))
    with psycopg.connect(served_shop["target"].conninfo()) as conn:
        rated = dict(conn.execute(
            "select product_name || ' / ' || product_category, avg_rating"
            " from marts.product_ratings where review_count > 0").fetchall())
        units = dict(conn.execute(
            "select product_name || ' / ' || product_category, units_sold"
            " from marts.dim_products").fetchall())
    points = {}
    for trace in traces(figure):
        for name, size, rating in zip((c[0] for c in trace["customdata"]),
                                      trace["marker"]["size"], trace["x"], strict=True):
            points[f"{name} / {trace['name']}"] = (size, rating)
    assert set(points) == {name for name in rated if units.get(name)}
    for name, (size, rating) in points.items():
        assert size == units[name] and rating == float(rated[name])
    assert [t["name"] for t in traces(figure)] == [
        c for c in options["categories"] if any(p.endswith(" / " + c) for p in points)]


# -- nothing to show ------------------------------------------------------------------------------
@pytest.mark.parametrize("regions", [[], None])
def test_selecting_nothing_shows_no_data_not_an_error(database, options, regions):
    args = (regions, options["categories"], options["first_day"], options["last_day"], options)
    assert callbacks.kpis(database, *args) == ["–"] * 5 + [figures.NOTHING_SELECTED]
    drawn = [*callbacks.regions_and_categories(database, *args)] + [
        function(database, *args) for function in (callbacks.daily, callbacks.monthly,
                                                   callbacks.top_customers, callbacks.products)]
    assert len(drawn) == len(callbacks.GRAPHS)
    for figure in drawn:
        assert figure["data"] == [] and figure["layout"]["meta"] == {"no_data": True}
        assert figure["layout"]["annotations"][0]["text"] == figures.NOTHING_SELECTED


def test_a_selection_without_sales_shows_no_sales(database, options):
    args = (["Atlantis"], options["categories"], options["first_day"], options["last_day"],
            options)
    kpis = callbacks.kpis(database, *args)
    assert kpis[:5] == ["$0.00", "$0.00", "0", "–", "0"]
    for figure in [*callbacks.regions_and_categories(database, *args),
                   callbacks.daily(database, *args), callbacks.products(database, *args)]:
        assert figure["layout"]["annotations"][0]["text"] == figures.NO_SALES


def test_every_callback_is_wired_to_the_filters_and_draws_every_graph():
    outputs = [output.component_id for outs in callbacks.CALLBACKS.values() for output in outs]
    assert sorted(o for o in outputs if not o.startswith(("kpi-", "selection"))) == sorted(
        callbacks.GRAPHS)
    assert [o for o in outputs if o.startswith("kpi-")] == [
        f"kpi-{name}" for name in callbacks.KPIS]


# -- formats -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "text"), [
    (Decimal("1234567.891"), "$1,234,567.89"), (Decimal("0.005"), "$0.01"),
    (Decimal("-12.5"), "-$12.50"), (Decimal(0), "$0.00"), (None, "–"),
])
def test_money_is_exact_half_up_with_separators(value, text):
    assert formats.money(value) == text


def test_percentages_and_counts():
    assert formats.percent(Decimal("0.12345")) == "12.3%"
    assert formats.percent(Decimal("0.00049"), 2) == "0.05%"
    assert formats.signed_percent(Decimal("0.1")) == "+10.0%"
    assert formats.signed_percent(Decimal("-0.05")) == "-5.0%"
    assert formats.count(1234567) == "1,234,567"


def test_the_plotly_js_bundle_served_is_the_version_the_plotly_package_ships():
    """The cartesian bundle (assets/) in place of the full plotly.js: the same release."""
    from plotly.offline import get_plotlyjs_version

    from storefront.dashboard.app import PLOTLY_JS

    version = get_plotlyjs_version()
    assert PLOTLY_JS.name == f"plotly-cartesian-{version}.min.js"
    assert f"plotly.js (cartesian - minified) v{version}" in PLOTLY_JS.read_text()[:200]
