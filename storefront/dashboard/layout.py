"""The page: a header, the filters (regions, categories, days), five KPI cards and the charts.

Built on every page load (:func:`page`), so the filters offer what the marts hold now: every
region and category selected, the whole range of days. The page comes with its KPIs and charts
already drawn for that choice (by the callbacks themselves): a first load needs no callback
round trip; a filter change runs them."""

from __future__ import annotations

import datetime as dt

from dash import dcc, html

from storefront.api import queries
from storefront.api.db import Database
from storefront.dashboard import callbacks, figures, formats

KPI_LABELS = {
    "revenue": "Revenue",
    "profit": "Profit",
    "orders": "Orders",
    "aov": "Average order value",
    "customers": "Unique customers",
}


NO_OPTIONS = {"regions": [], "categories": [], "first_day": None, "last_day": None}


def page(database: Database) -> html.Div:
    """The page, with the filters set to everything the marts hold now, drawn."""
    with database.sessions() as session:
        options = queries.sales_filter_options(session)
        built_at = queries.latest_build(session)
    first, last = options["first_day"], options["last_day"]
    stored = _stored(options)
    everything = (options["regions"], options["categories"],
                  first.isoformat() if first else None, last.isoformat() if last else None,
                  stored)
    drawn = {}
    for function, outputs in callbacks.CALLBACKS.items():
        values = function(database, *everything)
        for output, value in zip(outputs, values if len(outputs) > 1 else [values],
                                 strict=True):
            drawn[output.component_id] = value
    return build(options, built_at, drawn)


def _stored(options: dict) -> dict:
    first, last = options["first_day"], options["last_day"]
    return {"regions": options["regions"], "categories": options["categories"],
            "first_day": first.isoformat() if first else None,
            "last_day": last.isoformat() if last else None}


def build(options: dict, built_at: dt.datetime | None, drawn: dict | None = None) -> html.Div:
    """The page for these filter options (regions, categories, first and last day), with
    ``drawn``: the KPIs' texts and the charts' figures by component id."""
    drawn = drawn or {}
    first, last = options["first_day"], options["last_day"]
    return html.Div(className="page", children=[
        html.Header(className="header", children=[
            html.H1("Storefront sales"),
            html.P(className="built", children=(
                f"Marts built {built_at.astimezone(dt.timezone.utc):%Y-%m-%d %H:%M} UTC"
                if built_at else "Marts not built")),
        ]),
        html.Section(className="filters", children=[
            html.Label(className="filter", children=[
                html.Span("Customer regions"),
                dcc.Dropdown(id="region", options=options["regions"],
                             value=options["regions"], multi=True,
                             placeholder="No region: choose one or more"),
            ]),
            html.Label(className="filter", children=[
                html.Span("Categories"),
                dcc.Dropdown(id="category", options=options["categories"],
                             value=options["categories"], multi=True,
                             placeholder="No category: choose one or more"),
            ]),
            html.Div(className="filter dates", children=[
                html.Span("Days"),
                dcc.DatePickerRange(
                    id="dates", start_date=first, end_date=last, min_date_allowed=first,
                    max_date_allowed=last, display_format="YYYY-MM-DD",
                    first_day_of_week=1, clearable=False,
                ),
            ]),
        ]),
        html.P(drawn.get("selection"), id="selection", className="selection"),
        html.Section(className="kpis", children=[
            html.Div(className="kpi", children=[
                html.Span(label, className="kpi-label"),
                html.Span(drawn.get(f"kpi-{name}", formats.NONE), id=f"kpi-{name}",
                          className="kpi-value"),
            ])
            for name, label in KPI_LABELS.items()
        ]),
        html.Section(className="charts", children=[
            _chart("heatmap", drawn, "wide"), _chart("category-share", drawn),
            _chart("daily", drawn, "full"),
            _chart("monthly", drawn, "wide"), _chart("top-category", drawn),
            _chart("top-customers", drawn, "half"), _chart("products", drawn, "half"),
        ]),
        html.Footer(className="footer", children=(
            "Read from the marts as storefront_reporter, through the API's query layer "
            "(storefront/api/queries.py). Region: where the customer lived when ordering "
            "(Unknown: not in the registry then). Amounts in the shop's currency.")),
        dcc.Store(id="options", data=_stored(options)),
    ])


def _chart(graph: str, drawn: dict, width: str = "narrow") -> html.Div:
    figure = drawn.get(graph) or figures.no_data("", "Loading…")
    return html.Div(className=f"chart {width}", children=[
        dcc.Graph(id=graph, config=figures.CONFIG, figure=figure),
    ])
