"""The exposures name what really reads the marts: the API's routes and the dashboard's
callbacks are run here against the served shop, every SQL statement they send is recorded, and
the marts those statements read are exactly the ones each exposure lists (all public marts);
together they are the marts the ORM maps."""

from __future__ import annotations

import json
import re
import warnings

import pytest
from sqlalchemy import event

from storefront.api import queries
from storefront.api.app import create_app
from storefront.api.db import Database
from storefront.dashboard import callbacks, layout
from storefront.warehouse import Target

MART = re.compile(r"\bmarts\.(\w+)")


class Recording(Database):
    """A reporter database that records the marts each statement reads."""

    def __init__(self, target: Target) -> None:
        super().__init__(target)
        self.read_marts: set[str] = set()
        for engine in (self.engine, self.async_engine.sync_engine):
            event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:
        self.read_marts |= set(MART.findall(statement))


@pytest.fixture(scope="module")
def reporter(served_shop) -> Target:
    target = served_shop["target"]
    return Target(target.host, target.port, "storefront_reporter", target.dbname)


@pytest.fixture(scope="module")
def manifest(served_shop) -> dict:
    return json.loads(served_shop["manifest"].read_text())


def exposure(manifest: dict, name: str) -> set[str]:
    found = manifest["exposures"][f"exposure.storefront.{name}"]
    for node in found["depends_on"]["nodes"]:
        assert manifest["nodes"][node]["access"] == "public", node
        assert manifest["nodes"][node]["schema"] == "marts", node
    return {node.split(".")[-1] for node in found["depends_on"]["nodes"]}


def test_the_api_exposure_lists_exactly_the_marts_its_routes_read(reporter, manifest):
    with warnings.catch_warnings():  # starlette's TestClient would rather have httpx2
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    database = Recording(reporter)
    app = create_app(database, token="")
    with TestClient(app) as client:
        ids = {
            "customer_id": client.get("/customers/?limit=1").json()["items"][0]["customer_id"],
            "order_id": client.get("/orders/?limit=1").json()["items"][0]["order_id"],
            "product_id": client.get("/products/?limit=1").json()["items"][0]["product_id"],
        }
        requested = set()
        for path in [
            "/health", "/customers/?sort=lifetime_revenue", "/customers/{customer_id}",
            "/orders/?date_from=2024-01-10", "/orders/{order_id}",
            "/products/?sort=revenue", "/products/{product_id}",
            "/analytics/top-products/", "/analytics/top-products/?date_from=2024-01-10",
            "/analytics/revenue/", "/analytics/revenue/?grain=day&date_from=2024-01-10",
            "/analytics/revenue/?grain=month&region=Texas&category=Fashion",
            "/analytics/unique-customers/", "/analytics/unique-customers/?date_from=2024-02-01",
            "/analytics/customers-per-device-type/", "/analytics/members-vs-guests/",
            "/analytics/top-categories/", "/analytics/highest-margins/",
            "/analytics/average-order-size/", "/analytics/urgent-order-share/",
            "/analytics/discount-impact/", "/analytics/categories/", "/analytics/cohorts/",
            "/analytics/stock-alerts/", "/analytics/sales-by-region-category/?region=Texas",
        ]:
            response = client.get(path.format(**ids))
            assert response.status_code == 200, (path, response.text)
            requested.add(path.split("?")[0])
    # every route of the API was asked; /metrics/ reads the semantic layer's marts, listed by
    # the storefront_metrics exposure (tests/python/storefront/api/test_metrics*.py)
    assert {path for path in app.openapi()["paths"] if not path.startswith("/metrics/")} \
        == requested
    assert database.read_marts == exposure(manifest, "storefront_api")
    database.dispose()


def test_the_dashboard_exposure_lists_exactly_the_marts_its_callbacks_read(reporter, manifest):
    database = Recording(reporter)
    layout.page(database)
    with database.sessions() as session:
        found = queries.sales_filter_options(session)
    options = {"regions": found["regions"], "categories": found["categories"],
               "first_day": found["first_day"].isoformat(),
               "last_day": found["last_day"].isoformat()}
    for args in [
        (found["regions"], found["categories"], options["first_day"], options["last_day"]),
        (found["regions"][:1], found["categories"][:2], "2024-01-20", "2024-02-19"),
    ]:
        for function in callbacks.CALLBACKS:
            function(database, *args, options)
    assert database.read_marts == exposure(manifest, "storefront_dashboard")
    database.dispose()


def test_between_them_the_exposures_read_every_mapped_mart(manifest):
    served = exposure(manifest, "storefront_api") | exposure(manifest, "storefront_dashboard")
    assert served == set(queries.mapped_tables())
    private = [n for n in manifest["nodes"].values()
               if n["resource_type"] == "model" and "/intermediate/" in "/" + n["path"]]
    assert private and all(n["access"] == "private" for n in private)
    assert all(n["group"] == "analytics_engineering" for n in manifest["nodes"].values()
               if n["resource_type"] == "model")
