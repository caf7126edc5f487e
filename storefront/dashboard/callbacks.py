"""What a filter change runs: one plain function per chart (and one for the KPI cards), each
reading the marts through the API's query layer (:mod:`storefront.api.queries`) in a session of
its own and returning what Dash puts on the page. :func:`register` wires them to the page as
Dash callbacks, run in worker threads so a query never blocks the server's event loop.

Every function takes the filters as Dash gives them (region and category lists, the dates as
``YYYY-MM-DD`` text) and the filter options the page was built with (for the order of rows
and the colours of categories); tests call them directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from dash import Dash, Input, Output, State
from starlette.concurrency import run_in_threadpool

from storefront.api import queries
from storefront.api.db import Database
from storefront.dashboard import figures, formats

KPIS = ("revenue", "profit", "orders", "aov", "customers")


@dataclass(frozen=True)
class Filters:
    """The page's filters: the regions and categories ticked (empty: none) and the days."""

    regions: tuple[str, ...]
    categories: tuple[str, ...]
    date_from: dt.date | None
    date_to: dt.date | None

    @classmethod
    def of(cls, regions: Sequence[str] | None, categories: Sequence[str] | None,
           start: str | None, end: str | None) -> Filters:
        return cls(tuple(regions or ()), tuple(categories or ()), _day(start), _day(end))

    @property
    def nothing(self) -> bool:
        return not self.regions or not self.categories

    def query(self, options: dict | None = None) -> dict:
        """The query layer's arguments. What covers everything the filters offer (every
        region, every category, the first or last day) is left out (None): the all-time
        figures then come from the marts that hold them ready (``business_summary``)."""
        options = options or {}
        every_region = set(options.get("regions") or ()) <= set(self.regions)
        every_category = set(options.get("categories") or ()) <= set(self.categories)
        first, last = _day(options.get("first_day")), _day(options.get("last_day"))
        return {
            "regions": None if options.get("regions") and every_region
            else list(self.regions),
            "categories": None if options.get("categories") and every_category
            else list(self.categories),
            "date_from": None if first and self.date_from and self.date_from <= first
            else self.date_from,
            "date_to": None if last and self.date_to and self.date_to >= last
            else self.date_to,
        }


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _options(options: dict | None) -> dict:
    return options or {"regions": [], "categories": []}


# -- the callbacks -------------------------------------------------------------------------------
def kpis(database: Database, regions, categories, start, end, options=None) -> list[str]:
    """The KPI cards: revenue, profit, orders, average order value, unique customers, as text
    (exact), and the line saying what is selected."""
    filters = Filters.of(regions, categories, start, end)
    if filters.nothing:
        return [formats.NONE] * len(KPIS) + [figures.NOTHING_SELECTED]
    arguments = filters.query(options)
    with database.sessions() as session:
        totals = queries.revenue(session, **arguments)
        customers = queries.unique_customers(session, **arguments)
    return [
        formats.money(totals["revenue"]), formats.money(totals["profit"]),
        formats.count(totals["order_count"]), formats.money(totals["avg_order_value"]),
        formats.count(customers), selection_label(filters, _options(options)),
    ]


def selection_label(filters: Filters, options: dict) -> str:
    def some(chosen: Sequence[str], every: Sequence[str], noun: str) -> str:
        if every and set(every) <= set(chosen):
            return f"all {len(every)} {noun}"
        if len(chosen) <= 3:
            return ", ".join(chosen)
        return f"{len(chosen)} {noun}"

    return (f"Sales of {some(filters.regions, options['regions'], 'regions')}; "
            f"{some(filters.categories, options['categories'], 'categories')}; "
            f"{figures.day_label(filters.date_from)} to {figures.day_label(filters.date_to)}")


def _chosen(everything: Sequence[str], chosen: Sequence[str]) -> list[str]:
    """``chosen`` in the order of ``everything`` (the filter's), then any it does not list."""
    return [x for x in everything if x in chosen] + [x for x in chosen if x not in everything]


def regions_and_categories(database: Database, regions, categories, start, end,
                           options=None) -> list[dict]:
    """The three charts of sales by region and category, from one query: the heatmap, the
    categories' shares and each region's top category."""
    filters = Filters.of(regions, categories, start, end)
    if filters.nothing:
        return [figures.no_data(title, figures.NOTHING_SELECTED) for title in
                (figures.HEATMAP_TITLE, figures.SHARE_TITLE, figures.TOP_CATEGORY_TITLE)]
    opts = _options(options)
    with database.sessions() as session:
        cells = queries.sales_by_region_category(session, **filters.query(options))
    shown_regions = _chosen(opts["regions"], filters.regions)
    colours = _colours(opts, filters)
    return [
        figures.heatmap(cells, shown_regions, _chosen(opts["categories"], filters.categories)),
        figures.category_share(cells, colours),
        figures.top_category_by_region(cells, shown_regions, colours),
    ]


def _colours(options: dict, filters: Filters) -> dict[str, str]:
    """The chosen categories' colours, in the filter's order; a colour is fixed by the full
    list of categories, so it does not change with the selection."""
    chosen = _chosen(options["categories"], filters.categories)
    every = figures.palette(list(options["categories"])
                            + [name for name in chosen if name not in options["categories"]])
    return {name: every[name] for name in chosen}


def daily(database: Database, regions, categories, start, end, options=None) -> dict:
    filters = Filters.of(regions, categories, start, end)
    if filters.nothing:
        return figures.no_data(figures.DAILY_TITLE, figures.NOTHING_SELECTED)
    with database.sessions() as session:
        return figures.daily(queries.daily_sales(session, **filters.query(options)))


def monthly(database: Database, regions, categories, start, end, options=None) -> dict:
    filters = Filters.of(regions, categories, start, end)
    if filters.nothing:
        return figures.no_data(figures.MONTHLY_TITLE, figures.NOTHING_SELECTED)
    with database.sessions() as session:
        return figures.monthly(queries.monthly_sales(session, **filters.query(options)))


def top_customers(database: Database, regions, categories, start, end,
                  options=None) -> dict:
    filters = Filters.of(regions, categories, start, end)
    if filters.nothing:
        return figures.no_data(figures.CUSTOMERS_TITLE, figures.NOTHING_SELECTED)
    with database.sessions() as session:
        return figures.top_customers(
            queries.top_customers(session, limit=20, **filters.query(options)))


def products(database: Database, regions, categories, start, end, options=None) -> dict:
    filters = Filters.of(regions, categories, start, end)
    if filters.nothing:
        return figures.no_data(figures.PRODUCTS_TITLE, figures.NOTHING_SELECTED)
    with database.sessions() as session:
        rows = queries.product_sales_and_ratings(session, **filters.query(options))
    return figures.products(rows, _colours(_options(options), filters))


# the callbacks of the page: what each one draws, in the page's order
CALLBACKS: dict[Callable, tuple[Output, ...]] = {
    kpis: tuple(Output(f"kpi-{name}", "children") for name in KPIS)
    + (Output("selection", "children"),),
    regions_and_categories: (Output("heatmap", "figure"), Output("category-share", "figure"),
                             Output("top-category", "figure")),
    daily: (Output("daily", "figure"),),
    monthly: (Output("monthly", "figure"),),
    top_customers: (Output("top-customers", "figure"),),
    products: (Output("products", "figure"),),
}
GRAPHS = ("heatmap", "category-share", "daily", "monthly", "top-category", "top-customers",
          "products")
FILTERS = (Input("region", "value"), Input("category", "value"),
           Input("dates", "start_date"), Input("dates", "end_date"), State("options", "data"))


def register(dash_app: Dash, database: Database) -> None:
    """Each callback of :data:`CALLBACKS` as a Dash callback of a change of the filters."""
    for function, outputs in CALLBACKS.items():
        # the page comes drawn for its first filters (layout.page): nothing to run on load
        dash_app.callback(list(outputs) if len(outputs) > 1 else outputs[0], *FILTERS,
                          prevent_initial_call=True)(_threaded(function, database))


def _threaded(function: Callable, database: Database) -> Callable:
    """``function`` as an async callback run in a worker thread: its queries wait on the
    database while the server goes on answering (Dash would run a plain function on the
    event loop itself)."""
    async def callback(*args):
        return await run_in_threadpool(function, database, *args)

    callback.__name__ = function.__name__
    return callback
