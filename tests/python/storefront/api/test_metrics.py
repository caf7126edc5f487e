"""The semantic layer (storefront/api/metrics.py, `/metrics/`) over the served shop: every
metric MetricFlow answers equals an independent figure (a mart, or a value computed here from
core), to the last digit; measures defined by an expression aggregate the expression; the API
answers what `mf query` answers; bad requests are 422 naming the parameter; a repeated query
shape is compiled once and costs one database round trip."""

from __future__ import annotations

import csv
import datetime as dt
import itertools
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import httpx
import psycopg
import pytest
from sqlalchemy import event

from conftest import Server, run_mf, semantic_env
from storefront.api import metrics as semantic
from storefront.api.db import Database, reporter_target

D = Decimal


@pytest.fixture(scope="module")
def db(served_shop):
    with psycopg.connect(served_shop["target"].conninfo(), autocommit=True) as conn:
        yield conn


@pytest.fixture(scope="module")
def layer(served_shop) -> semantic.SemanticLayer:
    return semantic.SemanticLayer.load(
        served_shop["work"] / "target" / "semantic_manifest.json")


@pytest.fixture(scope="module")
def database(served_shop) -> Database:
    """The API's own database access: read-only sessions as storefront_reporter."""
    database = Database(reporter_target(served_shop["target"]))
    yield database
    database.dispose()


ASKED: set[str] = set()  # the metrics the figure tests below asked for


def ask(layer, database, metrics, group_by=(), where=(), order_by=(), limit=None) -> list[dict]:
    """MetricFlow's answer, values as Python objects (Decimal, int, date)."""
    ASKED.update(metrics)
    request = semantic.Request(tuple(metrics), tuple(group_by), tuple(where), tuple(order_by),
                               limit)
    with database.sessions() as session:
        answer = layer.query(session, request)
    return [{name: typed(value) for name, value in row.items()} for row in answer.rows]


def typed(value):
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            try:
                return D(value)
            except ArithmeticError:
                return value
    return value


def rnd(value: Decimal | None, places: int) -> Decimal | None:
    """PostgreSQL's round(numeric, n): half away from zero."""
    return None if value is None else value.quantize(D(1).scaleb(-places), ROUND_HALF_UP)


def close(answer: Decimal | None, exact: Decimal | None) -> bool:
    """PostgreSQL divides numerics to 16 significant digits at least (more for small values);
    Python to 28: the two agree to 1e-15 of the value."""
    if answer is None or exact is None:
        return answer is exact
    return abs(answer - exact) <= D("1e-15") * max(D(1), abs(exact))


def by(rows: list[dict], key: str, *values: str) -> dict:
    return {row[key]: tuple(row[v] for v in values) if len(values) > 1 else row[values[0]]
            for row in rows}


def table(db, query: str, params=None) -> dict:
    """{first column: the rest (one value, or a tuple)} of ``query``."""
    found = {}
    for row in db.execute(query, params).fetchall():
        found[row[0]] = row[1] if len(row) == 2 else tuple(row[1:])
    return found


MONTH = "metric_time__month"
DAY = "metric_time__day"


# -- sales --------------------------------------------------------------------------------------
def test_revenue_profit_units_orders_and_aov_by_month_equal_revenue_monthly(layer, database, db):
    rows = ask(layer, database, ["revenue", "profit", "units", "orders", "average_order_value"],
               [MONTH])
    mart = table(db, "select month_start, revenue, profit, units_sold, order_count,"
                     " avg_order_value from marts.revenue_monthly")
    assert len(mart) >= 3
    assert {r[MONTH]: (r["revenue"], r["profit"], r["units"], r["orders"],
                       rnd(r["average_order_value"], 2)) for r in rows} == mart
    # unrounded, the average is the exact quotient (PostgreSQL's numeric division)
    for row in rows:
        assert close(row["average_order_value"], row["revenue"] / row["orders"])


def test_revenue_and_orders_by_day_equal_revenue_daily(layer, database, db):
    rows = ask(layer, database, ["revenue", "orders"], [DAY])
    mart = table(db, "select date_day, revenue, order_count from marts.revenue_daily"
                     " where order_count > 0")
    assert by(rows, DAY, "revenue", "orders") == mart and len(mart) >= 55


def test_sales_by_category_equal_category_performance(layer, database, db):
    rows = ask(layer, database, ["revenue", "profit", "units", "orders", "profit_margin"],
               ["product__product_category"])
    mart = table(db, "select product_category, revenue, profit, units_sold, order_count,"
                     " profit_margin from marts.category_performance")
    assert {r["product__product_category"]: (r["revenue"], r["profit"], r["units"], r["orders"],
                                             rnd(r["profit_margin"], 4)) for r in rows} == mart


def test_gross_profit_cost_margin_and_discounts_by_month_and_category_equal_profit_summary(
    layer, database, db,
):
    rows = ask(layer, database, ["gross_profit", "cost", "gross_margin", "discount_given"],
               [MONTH, "product__product_category"])
    mart = db.execute("select month_start, product_category, gross_profit, cost, gross_margin,"
                      " discount_given from marts.profit_summary").fetchall()
    assert all(row[2] is not None for row in mart)  # the generated catalog prices every line
    assert {(r[MONTH], r["product__product_category"], r["gross_profit"], r["cost"],
             rnd(r["gross_margin"], 4), r["discount_given"]) for r in rows} == set(mart)


def test_order_lines_units_and_revenue_by_discount_band_from_core(layer, database, db):
    rows = ask(layer, database, ["order_lines", "units", "revenue"],
               ["order_line__discount_band"])
    expected = table(db, """
        select case
                   when discount_rate = 0 then 'none'
                   when discount_rate <= 0.1 then 'up to 10 %'
                   when discount_rate <= 0.2 then '10-20 %'
                   when discount_rate <= 0.3 then '20-30 %'
                   else 'over 30 %'
               end, count(*), sum(quantity), sum(sales)
        from core.order_lines group by 1""")
    assert by(rows, "order_line__discount_band", "order_lines", "units", "revenue") == expected
    assert len(expected) >= 4
    total = ask(layer, database, ["order_lines"])
    assert total == [{"order_lines": db.execute(
        "select order_line_count from marts.business_summary").fetchone()[0]}]


def test_revenue_and_aov_by_order_attributes_equal_the_orders(layer, database, db):
    group_by = ["order__order_priority", "order__payment_method", "order__device_type",
                "order__login_type"]
    rows = ask(layer, database, ["revenue", "orders", "average_order_value"], group_by)
    expected = {
        tuple(row[:4]): row[4:] for row in db.execute(
            "select order_priority, payment_method, device_type, login_type, sum(revenue),"
            " count(*) from core.orders group by 1, 2, 3, 4").fetchall()
    }
    assert {tuple(r[g] for g in group_by): (r["revenue"], r["orders"]) for r in rows} == expected
    assert all(close(r["average_order_value"], r["revenue"] / r["orders"]) for r in rows)
    by_priority = ask(layer, database, ["orders"], ["order__order_priority"])
    assert by(by_priority, "order__order_priority", "orders") == table(
        db, "select order_priority, order_count from marts.orders_by_priority")


def test_cumulative_revenue_is_the_running_total_by_month_and_by_day(layer, database, db):
    monthly = table(db, "select month_start, revenue from marts.revenue_monthly")
    running = dict(zip(sorted(monthly), itertools.accumulate(monthly[m] for m in sorted(monthly)),
                       strict=True))
    rows = ask(layer, database, ["cumulative_revenue"], [MONTH])
    assert by(rows, MONTH, "cumulative_revenue") == running
    daily = table(db, "select date_day, revenue from marts.revenue_daily")
    days = sorted(daily)
    rows = ask(layer, database, ["cumulative_revenue"], [DAY])
    assert by(rows, DAY, "cumulative_revenue") == dict(
        zip(days, itertools.accumulate(daily[d] for d in days), strict=True))
    assert days[-1] == db.execute("select max(order_date) from core.order_lines").fetchone()[0]


def test_revenue_growth_month_over_month(layer, database, db):
    monthly = table(db, "select month_start, revenue from marts.revenue_monthly")
    months = sorted(monthly)
    expected = {months[0]: None}
    for previous, month in itertools.pairwise(months):
        expected[month] = (monthly[month] - monthly[previous]) / monthly[previous]
    rows = by(ask(layer, database, ["revenue_growth_mom"], [MONTH]), MONTH, "revenue_growth_mom")
    assert set(rows) == set(expected)
    for month, growth in expected.items():
        if growth is None:
            assert rows[month] is None
        else:
            assert close(rows[month], growth), month
    mart = table(db, "select month_start, revenue_mom_growth from marts.revenue_monthly")
    assert {m: rnd(g, 4) for m, g in rows.items()} == mart


# -- customers ----------------------------------------------------------------------------------
def test_customers_new_and_returning_by_month_equal_metrics_monthly(layer, database, db):
    rows = ask(layer, database, ["customers", "new_customers", "returning_customers"], [MONTH])
    mart = table(db, "select month_start, active_customer_count, new_customer_count,"
                     " returning_customer_count from marts.metrics_monthly"
                     " where order_count > 0")
    assert {r[MONTH]: (r["customers"], r["new_customers"], r["returning_customers"])
            for r in rows} == mart


def test_customers_new_and_returning_by_day_equal_metrics_daily(layer, database, db):
    rows = ask(layer, database, ["customers", "new_customers", "returning_customers"], [DAY])
    mart = table(db, "select date_day, active_customer_count, new_customer_count,"
                     " returning_customer_count from marts.metrics_daily where order_count > 0")
    assert {r[DAY]: (r["customers"], r["new_customers"], r["returning_customers"])
            for r in rows} == mart
    total = ask(layer, database, ["customers", "new_customers"])
    buyers = db.execute("select customer_count from marts.business_summary").fetchone()[0]
    assert total == [{"customers": buyers, "new_customers": buyers}]


def test_revenue_per_customer_by_region_and_segment_from_core(layer, database, db):
    rows = ask(layer, database, ["revenue", "customers", "revenue_per_customer"],
               ["customer__region", "customer__segment"])
    expected = {
        (region, segment): (revenue, buyers) for region, segment, revenue, buyers in db.execute(
            "select coalesce(c.region, 'Unknown'), d.segment, sum(l.sales),"
            " count(distinct l.customer_id) from core.order_lines as l"
            " join core.customers as c using (customer_id)"
            " join marts.dim_customers as d using (customer_id) group by 1, 2").fetchall()
    }
    assert {(r["customer__region"], r["customer__segment"]): (r["revenue"], r["customers"])
            for r in rows} == expected
    assert all(close(r["revenue_per_customer"], r["revenue"] / r["customers"]) for r in rows)
    assert len({r["customer__region"] for r in rows}) >= 3


# -- payments, carts, reviews, stock ------------------------------------------------------------
def test_refunds_and_refund_rate_by_month_from_core(layer, database, db):
    rows = ask(layer, database, ["refunds", "refunded_amount", "captures", "refund_rate"],
               [MONTH])
    expected = table(db, """
        select date_trunc('month', processed_date)::date,
               count(*) filter (where payment_status = 'refunded'),
               coalesce(sum(amount) filter (where payment_status = 'refunded'), 0),
               count(*) filter (where payment_status = 'captured')
        from core.payments group by 1""")
    assert {r[MONTH]: (r["refunds"], r["refunded_amount"], r["captures"]) for r in rows} == (
        expected)
    for row in rows:
        assert close(row["refund_rate"], D(row["refunds"]) / row["captures"]
                     if row["captures"] else None)
    assert sum(r["refunds"] for r in rows) > 0
    mart = table(db, "select month_start, refund_count, refunded_amount from"
                     " marts.metrics_monthly where refund_count > 0")
    assert {m: v for m, v in by(rows, MONTH, "refunds", "refunded_amount").items()
            if v[0]} == mart


def test_carts_and_cart_conversion_rate_by_month_from_core(layer, database, db):
    rows = ask(layer, database, ["carts", "converted_carts", "cart_conversion_rate"], [MONTH])
    expected = table(db, "select date_trunc('month', created_date)::date, count(*),"
                         " count(*) filter (where is_converted) from core.carts group by 1")
    assert by(rows, MONTH, "carts", "converted_carts") == expected
    for row in rows:
        assert close(row["cart_conversion_rate"], D(row["converted_carts"]) / row["carts"])
    mart = table(db, "select month_start, cart_conversion_rate from marts.metrics_monthly")
    assert {m: rnd(r, 4) for m, r in by(rows, MONTH, "cart_conversion_rate").items()} == mart


def test_reviews_and_average_rating_by_product_equal_product_ratings(layer, database, db):
    rows = ask(layer, database, ["reviews", "average_rating"],
               ["product__product_category", "product__product_name"])
    mart = {
        (category, name): (count, rating) for category, name, count, rating in db.execute(
            "select product_category, product_name, review_count, avg_rating"
            " from marts.product_ratings where review_count > 0").fetchall()
    }
    assert {(r["product__product_category"], r["product__product_name"]):
            (r["reviews"], rnd(r["average_rating"], 2)) for r in rows} == mart
    exact = table(db, "select date_trunc('month', review_date)::date, avg(rating)"
                      " from core.reviews group by 1")
    assert by(ask(layer, database, ["average_rating"], [MONTH]), MONTH, "average_rating") == exact


def test_stock_on_hand_is_the_last_day_of_each_period_and_receipts_add_up(layer, database, db):
    rows = ask(layer, database, ["stock_on_hand", "units_received"], [MONTH])
    expected = table(db, """
        with months as (
            select date_trunc('month', stock_date)::date as month, max(stock_date) as last_day,
                   sum(units_received) as received
            from core.stock_levels_daily group by 1
        )
        select months.month, sum(levels.closing_stock), min(months.received)
        from months join core.stock_levels_daily as levels on levels.stock_date = months.last_day
        group by 1""")
    assert by(rows, MONTH, "stock_on_hand", "units_received") == expected
    by_category = ask(layer, database, ["stock_on_hand"], ["product__product_category"])
    assert by(by_category, "product__product_category", "stock_on_hand") == table(
        db, "select product_category, sum(stock_on_hand) from marts.dim_products"
            " where stock_on_hand is not null group by 1")


def test_every_metric_has_a_figure_test_a_label_and_a_description(layer):
    # runs after the figure tests above (pytest keeps the file's order)
    if len(ASKED) < 10:
        pytest.skip("run with the figure tests above")
    assert set(layer.metrics) == ASKED
    assert len(layer.metrics) >= 16
    for metric in layer.metrics.values():
        assert metric.label and metric.label != metric.name, metric.name
        assert len(metric.description) > 30, metric.name


# -- measures defined by an expression ------------------------------------------------------------
def test_a_measure_with_an_expr_aggregates_the_expression(layer, database, db, served_shop):
    """MetricFlow has been known to aggregate a measure's name instead of its `expr`: every
    measure with an expr whose simple metric can be asked on its own equals the aggregate of
    the expression over its mart, computed here; and aggregating the name would not do."""
    import json

    manifest = json.loads((served_shop["work"] / "target" / "semantic_manifest.json")
                          .read_text())
    simple = {m["type_params"]["measure"]["name"]: m["name"] for m in manifest["metrics"]
              if m["type"] == "simple" and not m["filter"]}
    functions = {"sum": "sum({})", "count": "count({})", "count_distinct": "count(distinct {})",
                 "average": "avg({})"}
    checked = []
    for model in manifest["semantic_models"]:
        relation = f'marts."{model["node_relation"]["alias"]}"'
        columns = {row[0] for row in db.execute(
            "select column_name from information_schema.columns where table_schema = 'marts'"
            " and table_name = %s", (model["node_relation"]["alias"],))}
        for measure in model["measures"]:
            expr = measure["expr"]
            if not expr or expr == measure["name"] or measure["non_additive_dimension"] \
                    or measure["name"] not in simple:
                continue
            aggregate = functions[measure["agg"]]
            expected = db.execute(f"select {aggregate.format(expr)} from {relation}").fetchone()[0]
            answer = ask(layer, database, [simple[measure["name"]]])
            assert answer == [{simple[measure["name"]]: expected}], measure["name"]
            if measure["name"] in columns:  # the name is a column too: it must not be it
                by_name = db.execute(f"select {aggregate.format(measure['name'])}"
                                     f" from {relation}").fetchone()[0]
                assert by_name != expected or expr.replace(" ", "") in (
                    f"coalesce({measure['name']},0)",), measure["name"]
            checked.append(measure["name"])
    assert {"gross_profit", "discount_given", "cost", "converted_carts", "refunds",
            "refunded_amount", "captures", "revenue", "units", "buyers"} <= set(checked)


# -- the engine ---------------------------------------------------------------------------------
def test_a_repeated_shape_is_compiled_once_and_costs_one_round_trip(layer, database):
    request = semantic.Request(("revenue", "orders"), ("customer__region",),
                               ("{{ Dimension('customer__region') }} = 'Ontario'",))
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with database.sessions() as session:
        layer.query(session, request)
        shapes = layer.cached_shapes()
        compiled = layer.compile(request, [semantic.split_filter(request.where[0], [])])
        event.listen(database.engine, "before_cursor_execute", count)
        try:
            other = semantic.Request(request.metrics, request.group_by,
                                     ("{{ Dimension('customer__region') }} = 'Quebec'",))
            answer = layer.query(session, other)
        finally:
            event.remove(database.engine, "before_cursor_execute", count)
    assert layer.cached_shapes() == shapes  # another value, the same shape
    assert layer.compile(request, [semantic.split_filter(request.where[0], [])]) is compiled
    assert len(statements) == 1 and "%(p0)s" in statements[0]
    assert "Quebec" not in statements[0]  # the value is a bind parameter
    assert [row["customer__region"] for row in answer.rows] in ([], ["Quebec"])


def test_an_answer_is_kept_until_the_next_build(layer, database):
    request = semantic.Request(("revenue", "orders"), ("metric_time__month",))
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(database.engine, "before_cursor_execute", count)
    try:
        with database.sessions() as session:
            first = layer.query(session, request, build=dt.datetime(2024, 3, 4, 6))
            again = layer.query(session, request, build=dt.datetime(2024, 3, 4, 6))
            rebuilt = layer.query(session, request, build=dt.datetime(2024, 3, 5, 6))
            unkept = layer.query(session, request)
    finally:
        event.remove(database.engine, "before_cursor_execute", count)
    assert again is first  # from memory: no query
    assert rebuilt is not first and rebuilt.rows == first.rows == unkept.rows
    assert len(statements) == 3


def test_answers_run_once_for_clients_asking_together_and_keep_a_bounded_number_of_rows():
    import threading
    import time

    answers = semantic.Answers(max_rows=5)
    runs = []

    def compute(rows: int):
        def run():
            runs.append(rows)
            time.sleep(0.2)
            return semantic.Answer(["n"], [{"n": n} for n in range(rows)])
        return run

    got = []
    threads = [threading.Thread(target=lambda: got.append(answers.get(("a",), compute(3))))
               for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert runs == [3] and len({id(answer) for answer in got}) == 1
    answers.get(("b",), compute(2))
    assert len(answers) == 2
    answers.get(("c",), compute(2))  # 7 rows > 5: the least recently used one goes
    assert len(answers) == 2 and answers.get(("a",), compute(3)) is not got[0]
    answers.get(("d",), compute(9))  # larger than the whole cache: answered, not kept
    assert runs[-1] == 9 and len(answers) <= 2


def test_filter_literals_are_bound_and_anything_but_a_filter_is_refused():
    values: list = []
    template = semantic.split_filter(
        "{{ Dimension('customer__region') }} in ('O''Neil', 'x') and"
        " {{ TimeDimension('metric_time', 'day') }} >= '2024-01-10' or"
        " {{ Dimension('order_line__discount_band') }} is not null and 1.5 > 2", values)
    assert values == ["O'Neil", "x", "2024-01-10", D("1.5"), 2]
    assert "'" not in template.replace("{{ Dimension('customer__region') }}", "").replace(
        "{{ TimeDimension('metric_time', 'day') }}", "").replace(
        "{{ Dimension('order_line__discount_band') }}", "")
    for bad in ["1 = 1", "{{ Dimension('customer__region') }} = 'x'; drop table t",
                "{{ Dimension('customer__region') }} = current_user",
                "{{ Dimension('customer__region') }} = 'x' -- comment",
                "{{ Dimension('customer__region') }}::text = 'x'",
                "{{ ''.__class__ }} = 'x'", "{% if 1 %}x{% endif %}",
                "{{ Dimension('customer__region') }} = (select 'x')"]:
        with pytest.raises(semantic.BadRequest) as refused:
            semantic.split_filter(bad, [])
        assert refused.value.parameter == "where", bad


# -- the API ------------------------------------------------------------------------------------
def get(api, path: str, **params):
    response = httpx.get(api.url + path, params=params, timeout=60)
    assert response.status_code == 200, (path, params, response.text)
    return response.json()


def test_metrics_lists_every_metric_with_label_description_and_dimensions(api, layer):
    body = get(api, "/metrics/")
    assert [m["name"] for m in body] == sorted(layer.metrics)
    revenue = next(m for m in body if m["name"] == "revenue")
    assert revenue["label"] == "Revenue" and "sum" in revenue["description"]
    dimensions = {d["name"]: d for d in revenue["dimensions"]}
    assert dimensions["metric_time"]["grains"] == ["day", "week", "month", "quarter", "year"]
    assert {"product__product_name", "product__product_category", "customer__region",
            "customer__segment", "order__device_type", "order__login_type",
            "order__order_priority", "order__payment_method", "order_line__discount_band",
            "customer__device_type", "customer__login_type"} <= set(dimensions)
    assert "order__customer__region" not in dimensions  # customer__region says it
    assert all(d["label"] and d["description"] for d in revenue["dimensions"])
    refunds = next(m for m in body if m["name"] == "refund_rate")
    assert "order__customer__region" in {d["name"] for d in refunds["dimensions"]}
    cumulative = next(m for m in body if m["name"] == "cumulative_revenue")
    assert [d["name"] for d in cumulative["dimensions"]] == ["metric_time",
                                                             "revenue_day__date_day"]


def read_csv(path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def same(api_value, mf_value: str) -> bool:
    if api_value is None:
        return mf_value in ("", "None", "nan")
    if isinstance(api_value, bool | str) and not _numeric(api_value):
        return str(api_value)[:10] == mf_value[:10]  # a day: "2024-01-01T00:00:00" from mf
    return abs(float(api_value) - float(mf_value)) <= 1e-9 * max(1.0, abs(float(mf_value)))


def _numeric(value) -> bool:
    try:
        D(value)
        return True
    except ArithmeticError:
        return False


@pytest.mark.parametrize(("params", "mf_args"), [
    ({"metrics": "revenue,orders,average_order_value", "group_by": MONTH},
     ["--metrics", "revenue,orders,average_order_value", "--group-by", MONTH,
      "--order", MONTH]),
    ({"metrics": "revenue,customers", "group_by": "customer__region,product__product_category",
      "where": "{{ Dimension('customer__segment') }} != 'champions'",
      "order_by": "-revenue", "limit": "7"},
     ["--metrics", "revenue,customers", "--group-by",
      "customer__region,product__product_category",
      "--where", "{{ Dimension('customer__segment') }} != 'champions'", "--order", "-revenue",
      "--limit", "7"]),
    ({"metrics": "cumulative_revenue,revenue_growth_mom,returning_customers",
      "group_by": MONTH},
     ["--metrics", "cumulative_revenue,revenue_growth_mom,returning_customers", "--group-by",
      MONTH, "--order", MONTH]),
    ({"metrics": "refund_rate,cart_conversion_rate,average_rating", "group_by": "metric_time__week",
      "where": "{{ TimeDimension('metric_time', 'day') }} >= '2024-02-01'"},
     ["--metrics", "refund_rate,cart_conversion_rate,average_rating", "--group-by",
      "metric_time__week", "--where",
      "{{ TimeDimension('metric_time', 'day') }} >= '2024-02-01'", "--order",
      "metric_time__week"]),
])
def test_the_api_answers_what_mf_query_answers(api, served_shop, tmp_path, params, mf_args):
    body = get(api, "/metrics/query", **params)
    run_mf(served_shop, "query", *mf_args, "--csv", str(tmp_path / "mf.csv"), "--quiet")
    expected = read_csv(tmp_path / "mf.csv")
    assert len(body["rows"]) == len(expected) > 0
    assert set(body["columns"]) == set(expected[0])
    for row, mf_row in zip(body["rows"], expected, strict=True):
        for column in body["columns"]:
            assert same(row[column], mf_row[column]), (column, row, mf_row)


def test_answers_are_exact_decimals_as_strings(api):
    body = get(api, "/metrics/query", metrics="revenue,orders,gross_margin",
               group_by="metric_time__year")
    assert body["columns"] == ["metric_time__year", "revenue", "orders", "gross_margin"]
    row = body["rows"][0]
    assert row["metric_time__year"] == "2024-01-01"
    assert isinstance(row["revenue"], str) and D(row["revenue"]).as_tuple().exponent == -2
    assert isinstance(row["orders"], int)
    assert isinstance(row["gross_margin"], str) and len(row["gross_margin"]) > 10


@pytest.mark.parametrize(("params", "parameter", "named"), [
    ({"metrics": "revenu"}, "metrics", "revenu"),
    ({"metrics": "revenue,nope"}, "metrics", "nope"),
    ({}, "metrics", "metrics"),
    ({"metrics": "revenue", "group_by": "customer__regio"}, "group_by", "customer__regio"),
    ({"metrics": "refunds", "group_by": "product__product_category"}, "group_by",
     "product__product_category"),
    ({"metrics": "revenue", "group_by": "metric_time__hour"}, "group_by", "metric_time__hour"),
    ({"metrics": "revenue_growth_mom"}, "group_by", "metric_time"),
    ({"metrics": "revenue", "where": "{{ Dimension('customer__regio') }} = 'x'"}, "where",
     "customer__regio"),
    ({"metrics": "revenue", "where": "{{ Dimension('customer__region' }} = 'x'"}, "where",
     "where"),
    ({"metrics": "revenue", "where": "{{ Dimension('customer__region') }} = 'x' or 1=1; --"},
     "where", "where"),
    ({"metrics": "revenue", "where": "region = 'North'"}, "where", "region"),
    ({"metrics": "revenue", "where": "{{ TimeDimension('metric_time', 'day') }} > 'someday'"},
     "where", "someday"),
    ({"metrics": "revenue", "order_by": "-orders"}, "order_by", "-orders"),
    ({"metrics": "revenue", "limit": "0"}, "limit", "limit"),
    ({"metrics": "revenue", "group_by": DAY, "limit": "100000"}, "limit", "limit"),
    ({"metrics": "revenue", "metric": "x"}, "metric", "metric"),
])
def test_bad_requests_are_422_naming_the_parameter(api, params, parameter, named):
    response = httpx.get(api.url + "/metrics/query", params=params, timeout=60)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["parameter"] == parameter
    assert named in body["detail"]


def test_the_api_without_a_semantic_manifest_is_503_for_metrics_only(served_shop, tmp_path):
    server = Server(served_shop["target"],
                    env={**semantic_env(served_shop),
                         "STOREFRONT_SEMANTIC_MANIFEST": str(tmp_path / "missing.json")})
    try:
        response = httpx.get(server.url + "/metrics/", timeout=30)
        assert response.status_code == 503
        assert "missing.json: no such file" in response.json()["detail"]
        assert httpx.get(server.url + "/analytics/revenue/", timeout=30).status_code == 200
    finally:
        server.stop()


def test_the_api_reads_the_marts_as_the_reporter_through_the_metrics_exposure(served_shop):
    import json

    manifest = json.loads(served_shop["manifest"].read_text())
    exposure = manifest["exposures"]["exposure.storefront.storefront_metrics"]
    assert exposure["type"] == "application"
    read = {manifest["nodes"][n]["name"] for n in exposure["depends_on"]["nodes"]}
    models = {manifest["nodes"][m["depends_on"]["nodes"][0]]["name"]
              for m in manifest["semantic_models"].values()}
    assert read == models | {"metricflow_time_spine"}
    for node in exposure["depends_on"]["nodes"]:
        assert manifest["nodes"][node]["schema"] == "marts", node
        assert manifest["nodes"][node]["access"] == "public", node


def test_metric_time_values_are_days_not_timestamps(layer, database):
    rows = ask(layer, database, ["revenue"], ["metric_time__week"], limit=2)
    assert all(isinstance(r["metric_time__week"], dt.date) for r in rows)
    assert all(r["metric_time__week"].weekday() == 0 for r in rows)  # ISO weeks start Mondays
    by_year = defaultdict(D)
    for row in ask(layer, database, ["revenue"], [MONTH]):
        by_year[row[MONTH].year] += row["revenue"]
    assert by(ask(layer, database, ["revenue"], ["metric_time__year"]), "metric_time__year",
              "revenue") == {dt.date(year, 1, 1): total for year, total in by_year.items()}
