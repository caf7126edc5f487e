"""`/analytics/...`: the business questions the marts answer (one route per question of
analyses/, plus top products, revenue, categories, cohorts and stock alerts)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from storefront.api import queries, schemas
from storefront.api.deps import Date, Read, Text, Texts, check_range

router = APIRouter(prefix="/analytics", tags=["analytics"])
Top = Annotated[int, Query(ge=1, le=100, description="how many (at most 100)")]
Category = Text
Regions = Annotated[Texts, Query(description="customer regions (where the customer lived when "
                                              "ordering; `Unknown`: not in the registry then); "
                                              "repeat for several")]
Categories = Annotated[Texts, Query(description="product categories; repeat for several")]


@router.get("/top-products/", response_model=list[schemas.TopProduct])
async def top_products(
    read: Read, by: Literal["revenue", "units", "profit"] = "revenue", limit: Top = 10,
    date_from: Date = None, date_to: Date = None, category: Category = None,
):
    """Products ranked by revenue, units or profit: all-time, or over a date range
    (inclusive), optionally within one category."""
    check_range(date_from, date_to)
    return await read(queries.top_products, by=by, limit=limit, date_from=date_from,
                      date_to=date_to, category=category)


@router.get("/revenue/", response_model=schemas.Revenue)
async def revenue(
    read: Read, grain: Literal["day", "month"] | None = None, date_from: Date = None,
    date_to: Date = None, region: Regions = None, category: Categories = None,
):
    """Revenue, profit, orders and average order value, all-time or over a date range; with
    `grain` the series by day or month too. With `region` or `category`, the sales of those
    customer regions and categories: orders are those with at least one line there, each
    counted once."""
    check_range(date_from, date_to)
    return await read(queries.revenue, grain=grain, date_from=date_from, date_to=date_to,
                           regions=region, categories=category)


@router.get("/unique-customers/", response_model=schemas.Count)
async def unique_customers(
    read: Read, date_from: Date = None, date_to: Date = None, region: Regions = None,
    category: Categories = None,
):
    """How many distinct customers ordered (analyses/q01); with filters, those who bought in
    those regions and categories on a day of the range."""
    check_range(date_from, date_to)
    return {"customer_count": await read(
        queries.unique_customers, regions=region, categories=category, date_from=date_from,
        date_to=date_to)}


@router.get("/sales-by-region-category/", response_model=list[schemas.RegionCategorySales])
async def sales_by_region_category(
    read: Read, date_from: Date = None, date_to: Date = None, region: Regions = None,
    category: Categories = None,
):
    """Sales by customer region and category (the dashboard's heatmap), over a date range,
    for some regions and categories; each category's rank within its region by revenue."""
    check_range(date_from, date_to)
    return await read(queries.sales_by_region_category, regions=region, categories=category,
                                            date_from=date_from, date_to=date_to)


@router.get("/customers-per-device-type/", response_model=list[schemas.Segment])
async def customers_per_device_type(read: Read):
    """Customers and orders per device type (analyses/q02)."""
    return await read(queries.segments, "device_type")


@router.get("/members-vs-guests/", response_model=list[schemas.Segment])
async def members_vs_guests(read: Read):
    """Customers and orders per login type: members, guests... (analyses/q03)."""
    return await read(queries.segments, "login_type")


@router.get("/top-categories/", response_model=list[schemas.Category])
async def top_categories(read: Read, limit: Top = 5):
    """Categories by revenue, highest first (analyses/q05)."""
    return await read(queries.categories, limit)


@router.get("/highest-margins/", response_model=list[schemas.Margin])
async def highest_margins(read: Read, limit: Top = 10):
    """Products by profit margin, highest first (analyses/q06)."""
    return await read(queries.highest_margins, limit)


@router.get("/average-order-size/", response_model=schemas.OrderSize)
async def average_order_size(read: Read):
    """Lines per order and revenue per order (analyses/q07)."""
    summary = await read(queries.business_summary)
    if summary is None:
        return {"avg_order_size": None, "avg_order_value": None, "order_count": 0,
                "order_line_count": 0, "units_sold": 0}
    return summary


@router.get("/urgent-order-share/", response_model=schemas.UrgentShare)
async def urgent_order_share(read: Read):
    """The share of orders of priority Critical or High, and orders by priority
    (analyses/q09)."""
    return await read(queries.urgent_order_share)


@router.get("/discount-impact/", response_model=list[schemas.Discount])
async def discount_impact(read: Read):
    """Sales by discount rate: do discounts sell more? (analyses/q10)"""
    return await read(queries.discount_impact)


@router.get("/categories/", response_model=list[schemas.Category])
async def categories(read: Read):
    """Every category with its sales, margin, share and rank."""
    return await read(queries.categories)


@router.get("/cohorts/", response_model=list[schemas.Cohort])
async def cohorts(read: Read, cohort_from: Date = None, cohort_to: Date = None):
    """Retention by monthly cohort (first-order month) and months since the first order."""
    check_range(cohort_from, cohort_to, ("cohort_from", "cohort_to"))
    return await read(queries.cohorts, cohort_from=cohort_from, cohort_to=cohort_to)


@router.get("/stock-alerts/", response_model=list[schemas.StockAlert])
async def stock_alerts(read: Read, category: Category = None):
    """Products to reorder, fewest days of cover first."""
    return await read(queries.stock_alerts, category)
