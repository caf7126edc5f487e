"""The dashboard's charts as Plotly figures, from the rows the query layer returns.

Pure functions: rows in, figure out, no database. A figure is the plain dict plotly.js reads
(``{"data": [...], "layout": {...}}``), built directly: Plotly's Python objects validate every
property and would cost more than the query behind the chart. Bars, cells and points are drawn
from floats (plotly.js needs numbers), but every figure a tooltip or a label shows is formatted
from the exact ``Decimal`` (:mod:`.formats`) and carried in ``customdata`` or ``text``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from storefront.dashboard import formats

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
# colour-blind safe (Okabe-Ito), one per category in the order the filters list them
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442",
           "#000000")
GRID = "#E5EAF0"
# what plotly's "plotly_white" template gives, the little of it these charts use (a template
# named in a dict figure would not be applied: plotly.js knows none by name)
TEMPLATE = {
    "layout": {
        "paper_bgcolor": "white", "plot_bgcolor": "white", "colorway": list(PALETTE),
        "font": {"family": FONT, "size": 12, "color": "#2a3f5f"},
        "xaxis": {"gridcolor": GRID, "linecolor": GRID, "zerolinecolor": GRID,
                  "automargin": True},
        "yaxis": {"gridcolor": GRID, "linecolor": GRID, "zerolinecolor": GRID,
                  "automargin": True},
        "hoverlabel": {"font": {"family": FONT}, "align": "left"},
    },
}
CONFIG = {"displaylogo": False, "responsive": True,
          "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
NOTHING_SELECTED = "Nothing selected: choose at least one region and one category."
NO_SALES = "No sales for this selection."
MA_NOTE = ("7-day average: the day and the six before it (read from before the range); the "
           "shop's first six days average the days there are")
HORIZONTAL_LEGEND = {"orientation": "h", "y": 1.02, "x": 1, "xanchor": "right",
                     "yanchor": "bottom"}

HEATMAP_TITLE = "Revenue by customer region and category"
DAILY_TITLE = "Daily revenue and its 7-day moving average"
MONTHLY_TITLE = "Monthly revenue and growth on the month before"
SHARE_TITLE = "Share of revenue by category"
TOP_CATEGORY_TITLE = "Top category in each region"
CUSTOMERS_TITLE = "Top 20 customers by lifetime value"
PRODUCTS_TITLE = "Products: sales against average rating"


def palette(categories: Sequence[str]) -> dict[str, str]:
    """A colour per category, fixed by the full list of categories (not the selection), so a
    category keeps its colour whatever is filtered."""
    return {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(categories)}


def _figure(data: list[dict], title: str, subtitle: str | None = None, **layout) -> dict:
    heading = {"text": title, "x": 0.01, "xanchor": "left"}
    if subtitle:
        heading["subtitle"] = {"text": subtitle, "font": {"size": 11, "color": "#52606d"}}
    return {"data": data, "layout": {
        "template": TEMPLATE, "title": heading,
        "margin": {"l": 10, "r": 10, "t": 72 if subtitle else 48, "b": 10},
        **layout,
    }}


def no_data(title: str, message: str = NO_SALES) -> dict:
    """A chart with nothing to draw: its title and ``message`` in its middle, no axes."""
    return _figure(
        [], title, meta={"no_data": True},
        annotations=[{"text": message, "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper",
                      "showarrow": False, "font": {"size": 15, "color": "#52606d"}}],
        xaxis={"visible": False}, yaxis={"visible": False},
    )


def _short_money(value: Decimal) -> str:
    """``$2.6M``, ``$840.2K``, ``$95``: the label inside a heatmap cell."""
    for size, suffix in ((Decimal(1_000_000), "M"), (Decimal(1_000), "K")):
        if abs(value) >= size:
            return f"{formats.CURRENCY}{value / size:.1f}{suffix}"
    return f"{formats.CURRENCY}{value:.0f}"


def heatmap(cells: Iterable[dict], regions: Sequence[str],
            categories: Sequence[str]) -> dict:
    """Revenue by region (rows, in the order given, first at the top) and category (columns):
    one cell per pair, zero where nothing sold. Hover: region, category, revenue, orders."""
    found = {(c["region"], c["product_category"]): c for c in cells}
    if not found:
        return no_data(HEATMAP_TITLE)
    revenue = [[found[(r, c)]["revenue"] if (r, c) in found else Decimal(0) for c in categories]
               for r in regions]
    orders = [[found[(r, c)]["order_count"] if (r, c) in found else 0 for c in categories]
              for r in regions]
    trace = {
        "type": "heatmap", "x": list(categories), "y": list(regions),
        "z": [[float(v) for v in row] for row in revenue],
        "text": [[_short_money(v) for v in row] for row in revenue],
        "texttemplate": "%{text}",
        "customdata": [[[formats.money(v), formats.count(n)]
                        for v, n in zip(rv, rn, strict=True)]
                       for rv, rn in zip(revenue, orders, strict=True)],
        "hovertemplate": ("Region: %{y}<br>Category: %{x}<br>Revenue: %{customdata[0]}"
                          "<br>Orders: %{customdata[1]}<extra></extra>"),
        # plotly.js's "Blues" runs dark to light: reversed, the largest revenue is darkest
        "colorscale": "Blues", "reversescale": True, "xgap": 2, "ygap": 2,
        "colorbar": {"title": {"text": "Revenue"}, "tickprefix": "$"},
    }
    return _figure([trace], HEATMAP_TITLE, height=max(320, 90 + 28 * len(regions)),
                   yaxis={"autorange": "reversed", "type": "category"},
                   xaxis={"type": "category", "side": "bottom"})


def daily(days: Sequence[dict]) -> dict:
    """Revenue per day (zeros included) and its 7-day moving average; the subtitle says how
    the first days are averaged."""
    if not days or not any(day["revenue"] for day in days):
        return no_data(DAILY_TITLE)
    x = [day["date_day"].isoformat() for day in days]
    revenue = {
        "type": "scatter", "mode": "lines", "name": "Revenue", "x": x,
        "y": [float(day["revenue"]) for day in days],
        "line": {"color": "#9BB7D4", "width": 1},
        "customdata": [formats.money(day["revenue"]) for day in days],
        "hovertemplate": "Revenue: %{customdata}<extra></extra>",
    }
    average = {
        "type": "scatter", "mode": "lines", "name": "7-day average", "x": x,
        "y": [float(day["revenue_7d_avg"]) for day in days],
        "line": {"color": "#0B3C6E", "width": 2.5},
        "customdata": [formats.money(day["revenue_7d_avg"]) for day in days],
        "hovertemplate": "7-day average: %{customdata}<extra></extra>",
    }
    return _figure([revenue, average], DAILY_TITLE, MA_NOTE, hovermode="x unified",
                   legend=HORIZONTAL_LEGEND,
                   xaxis={"type": "date", "hoverformat": "%a %d %b %Y"},
                   yaxis={"tickprefix": "$", "rangemode": "tozero"})


def monthly(months: Sequence[dict]) -> dict:
    """Revenue per month (bars; months the range or the data cuts are lighter) and its growth
    on the month before (a line, right axis)."""
    if not months or not any(month["revenue"] for month in months):
        return no_data(MONTHLY_TITLE)
    x = [month["period_start"].isoformat() for month in months]
    bars = {
        "type": "bar", "name": "Revenue", "x": x,
        "y": [float(month["revenue"]) for month in months],
        "marker": {"color": ["#9BB7D4" if m["is_partial"] else "#0072B2" for m in months]},
        "customdata": [[formats.money(m["revenue"]), formats.count(m["order_count"]),
                        " (part of the month)" if m["is_partial"] else ""] for m in months],
        "hovertemplate": ("%{x|%B %Y}%{customdata[2]}<br>Revenue: %{customdata[0]}"
                          "<br>Orders: %{customdata[1]}<extra></extra>"),
    }
    growth = [month["revenue_mom_growth"] for month in months]
    line = {
        "type": "scatter", "mode": "lines+markers", "name": "Growth on the month before",
        "x": x, "y": [float(g) * 100 if g is not None else None for g in growth], "yaxis": "y2",
        "line": {"color": "#D55E00"},
        "customdata": [formats.signed_percent(g) for g in growth],
        "hovertemplate": "%{x|%B %Y}<br>Growth: %{customdata}<extra></extra>",
    }
    return _figure(
        [bars, line], MONTHLY_TITLE,
        "Lighter bars: months the date range or the data covers in part",
        yaxis={"tickprefix": "$", "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "side": "right", "ticksuffix": "%", "showgrid": False,
                "tickmode": "auto", "tickformat": ".0f", "zeroline": True,
                "zerolinecolor": "#F4C6A6"},
        xaxis={"type": "date", "dtick": "M1", "tickformat": "%b %Y"},
        legend=HORIZONTAL_LEGEND, bargap=0.25,
    )


def category_totals(cells: Iterable[dict]) -> dict[str, Decimal]:
    totals: dict[str, Decimal] = {}
    for cell in cells:
        totals[cell["product_category"]] = (
            totals.get(cell["product_category"], Decimal(0)) + cell["revenue"])
    return totals


def category_share(cells: Iterable[dict], colours: dict[str, str]) -> dict:
    """Each category's share of the selection's revenue: a donut, shares exact to 0.1 %."""
    totals = category_totals(cells)
    whole = sum(totals.values(), Decimal(0))
    if not whole:
        return no_data(SHARE_TITLE)
    names = [name for name in colours if name in totals]
    shares = [totals[name] / whole for name in names]
    trace = {
        "type": "pie", "labels": names, "values": [float(totals[name]) for name in names],
        "hole": 0.45, "sort": False, "direction": "clockwise",
        "marker": {"colors": [colours[name] for name in names]},
        "text": [formats.percent(share) for share in shares], "textinfo": "label+text",
        "customdata": [formats.money(totals[name]) for name in names],
        "hovertemplate": "%{label}<br>Revenue: %{customdata}<br>Share: %{text}<extra></extra>",
    }
    return _figure([trace], SHARE_TITLE, showlegend=False, annotations=[{
        "text": formats.money(whole), "x": 0.5, "y": 0.5, "xref": "paper", "yref": "paper",
        "showarrow": False, "font": {"size": 14}}])


def top_category_by_region(cells: Sequence[dict], regions: Sequence[str],
                           colours: dict[str, str]) -> dict:
    """For each region, the category ranked first by revenue there (``category_rank`` 1,
    from the query's window ranking; ties both shown), its revenue and its share of the
    region's revenue."""
    region_totals: dict[str, Decimal] = {}
    for cell in cells:
        region_totals[cell["region"]] = (
            region_totals.get(cell["region"], Decimal(0)) + cell["revenue"])
    top = [cell for cell in cells if cell["category_rank"] == 1]
    if not top:
        return no_data(TOP_CATEGORY_TITLE)
    data = []
    for name, colour in colours.items():
        rows = [cell for cell in top if cell["product_category"] == name]
        if rows:
            data.append({
                "type": "bar", "orientation": "h", "name": name,
                "y": [cell["region"] for cell in rows],
                "x": [float(cell["revenue"]) for cell in rows],
                "marker": {"color": colour}, "text": [name] * len(rows),
                "textposition": "inside", "insidetextanchor": "start",
                "customdata": [[formats.money(cell["revenue"]),
                                formats.percent(cell["revenue"] / region_totals[cell["region"]])]
                               for cell in rows],
                "hovertemplate": (f"%{{y}}: {name}<br>Revenue: %{{customdata[0]}}"
                                  "<br>Share of the region: %{customdata[1]}<extra></extra>"),
            })
    shown = [region for region in regions if region in region_totals]
    return _figure(
        data, TOP_CATEGORY_TITLE, "Ranked by revenue within the region",
        barmode="overlay", height=max(320, 110 + 26 * len(shown)),
        yaxis={"type": "category", "categoryorder": "array", "categoryarray": shown,
               "autorange": "reversed"},
        xaxis={"tickprefix": "$"}, legend={"orientation": "h", "y": -0.08, "yanchor": "top"},
    )


def top_customers(rows: Sequence[dict]) -> dict:
    """The customers with the highest lifetime value, highest at the top."""
    if not rows:
        return no_data(CUSTOMERS_TITLE)
    trace = {
        "type": "bar", "orientation": "h", "marker": {"color": "#0072B2"},
        "y": [f"Customer {row['customer_id']}" for row in rows],
        "x": [float(row["lifetime_revenue"]) for row in rows],
        "customdata": [[formats.money(row["lifetime_revenue"]),
                        formats.count(row["order_count"]), formats.money(row["avg_order_value"]),
                        row["revenue_rank"]] for row in rows],
        "hovertemplate": ("%{y}<br>Lifetime value: %{customdata[0]}<br>Orders: "
                          "%{customdata[1]}<br>Average order: %{customdata[2]}"
                          "<br>Rank in the shop: %{customdata[3]}<extra></extra>"),
    }
    return _figure([trace], CUSTOMERS_TITLE,
                   "All their orders; customers who bought in the selection",
                   height=max(320, 110 + 22 * len(rows)),
                   yaxis={"type": "category", "autorange": "reversed"},
                   xaxis={"tickprefix": "$"})


def products(rows: Sequence[dict], colours: dict[str, str]) -> dict:
    """One point per rated product that sold in the selection: its average rating (all its
    reviews) across, its revenue in the selection up; the point's area by units sold, its
    colour by category."""
    if not rows:
        return no_data(PRODUCTS_TITLE)
    largest = max(row["units_sold"] for row in rows) or 1
    data = []
    for name, colour in colours.items():
        points = [row for row in rows if row["product_category"] == name]
        if points:
            data.append({
                "type": "scatter", "mode": "markers", "name": name,
                "x": [float(row["avg_rating"]) for row in points],
                "y": [float(row["revenue"]) for row in points],
                "marker": {"size": [row["units_sold"] for row in points], "sizemode": "area",
                           "sizeref": 2 * largest / 45**2, "sizemin": 4, "color": colour,
                           "opacity": 0.8, "line": {"width": 1, "color": "white"}},
                "customdata": [[row["product_name"], formats.rating(row["avg_rating"]),
                                formats.count(row["review_count"]), formats.money(row["revenue"]),
                                formats.count(row["units_sold"])] for row in points],
                "hovertemplate": (f"%{{customdata[0]}} ({name})<br>Rating: %{{customdata[1]}} "
                                  "from %{customdata[2]} reviews<br>Revenue: %{customdata[3]}"
                                  "<br>Units: %{customdata[4]}<extra></extra>"),
            })
    return _figure(
        data, PRODUCTS_TITLE, "Point area: units sold",
        xaxis={"title": {"text": "Average rating (all reviews), out of 5"}},
        yaxis={"title": {"text": "Revenue"}, "tickprefix": "$", "rangemode": "tozero"},
        legend={"orientation": "h", "y": -0.15, "yanchor": "top", "itemsizing": "constant"},
    )


def day_label(day: dt.date | None) -> str:
    return day.strftime("%d %b %Y").lstrip("0") if day else formats.NONE
