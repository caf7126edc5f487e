"""`/analytics/...`: the business questions the marts answer (one route per question of
analyses/, plus top products, revenue, categories, cohorts and stock alerts)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from storefront.api import queries, schemas
from storefront.api.deps import Date, Text, Texts, check_range, session

router = APIRouter(prefix="/analytics", tags=["analytics"])
Db = Annotated[Session, Depends(session)]
Top = Annotated[int, Query(ge=1, le=100, description="how many (at most 100)")]
Category = Text
Regions = Annotated[Texts, Query(description="customer regions (where the customer lived when "
                                              "ordering; `Unknown`: not in the registry then); "
                                              "repeat for several")]
Categories = Annotated[Texts, Query(description="product categories; repeat for several")]


@router.get("/top-products/", response_model=list[schemas.TopProduct])
def top_products(
    db: Db, by: Literal["revenue", "units", "profit"] = "revenue", limit: Top = 10,
    date_from: Date = None, date_to: Date = None, category: Category = None,
):
    """Products ranked by revenue, units or profit: all-time, or over a date range
    (inclusive), optionally within one category."""
    check_range(date_from, date_to)
    return queries.top_products(db, by=by, limit=limit, date_from=date_from, date_to=date_to,
                                category=category)


@router.get("/revenue/", response_model=schemas.Revenue)
def revenue(
    db: Db, grain: Literal["day", "month"] | None = None, date_from: Date = None,
    date_to: Date = None, region: Regions = None, category: Categories = None,
):
    """Revenue, profit, orders and average order value, all-time or over a date range; with
    `grain` the series by day or month too. With `region` or `category`, the sales of those
    customer regions and categories: orders are those with at least one line there, each
    counted once."""
    check_range(date_from, date_to)
    return queries.revenue(db, grain=grain, date_from=date_from, date_to=date_to,
                           regions=region, categories=category)


@router.get("/unique-customers/", response_model=schemas.Count)
def unique_customers(
    db: Db, date_from: Date = None, date_to: Date = None, region: Regions = None,
    category: Categories = None,
):
    """How many distinct customers ordered (analyses/q01); with filters, those who bought in
    those regions and categories on a day of the range."""
    check_range(date_from, date_to)
    return {"customer_count": queries.unique_customers(
        db, regions=region, categories=category, date_from=date_from, date_to=date_to)}


@router.get("/sales-by-region-category/", response_model=list[schemas.RegionCategorySales])
def sales_by_region_category(
    db: Db, date_from: Date = None, date_to: Date = None, region: Regions = None,
    category: Categories = None,
):
    """Sales by customer region and category (the dashboard's heatmap), over a date range,
    for some regions and categories; each category's rank within its region by revenue."""
    check_range(date_from, date_to)
    return queries.sales_by_region_category(db, regions=region, categories=category,
                                            date_from=date_from, date_to=date_to)


@router.get("/customers-per-device-type/", response_model=list[schemas.Segment])
def customers_per_device_type(db: Db):
    """Customers and orders per device type (analyses/q02)."""
    return queries.segments(db, "device_type")


@router.get("/members-vs-guests/", response_model=list[schemas.Segment])
def members_vs_guests(db: Db):
    """Customers and orders per login type: members, guests... (analyses/q03)."""
    return queries.segments(db, "login_type")


@router.get("/top-categories/", response_model=list[schemas.Category])
def top_categories(db: Db, limit: Top = 5):
    """Categories by revenue, highest first (analyses/q05)."""
    return queries.categories(db, limit)


@router.get("/highest-margins/", response_model=list[schemas.Margin])
def highest_margins(db: Db, limit: Top = 10):
    """Products by profit margin, highest first (analyses/q06)."""
    return queries.highest_margins(db, limit)


@router.get("/average-order-size/", response_model=schemas.OrderSize)
def average_order_size(db: Db):
    """Lines per order and revenue per order (analyses/q07)."""
    summary = queries.business_summary(db)
    if summary is None:
        return {"avg_order_size": None, "avg_order_value": None, "order_count": 0,
                "order_line_count": 0, "units_sold": 0}
    return summary


@router.get("/urgent-order-share/", response_model=schemas.UrgentShare)
def urgent_order_share(db: Db):
    """The share of orders of priority Critical or High, and orders by priority
    (analyses/q09)."""
    summary = queries.business_summary(db)
    return {
        "urgent_order_count": summary.urgent_order_count if summary else 0,
        "order_count": summary.order_count if summary else 0,
        "urgent_order_share": summary.urgent_order_share if summary else None,
        "by_priority": queries.priorities(db),
    }


@router.get("/discount-impact/", response_model=list[schemas.Discount])
def discount_impact(db: Db):
    """Sales by discount rate: do discounts sell more? (analyses/q10)"""
    return queries.discount_impact(db)


@router.get("/categories/", response_model=list[schemas.Category])
def categories(db: Db):
    """Every category with its sales, margin, share and rank."""
    return queries.categories(db)


@router.get("/cohorts/", response_model=list[schemas.Cohort])
def cohorts(db: Db, cohort_from: Date = None, cohort_to: Date = None):
    """Retention by monthly cohort (first-order month) and months since the first order."""
    check_range(cohort_from, cohort_to, ("cohort_from", "cohort_to"))
    return queries.cohorts(db, cohort_from=cohort_from, cohort_to=cohort_to)


@router.get("/stock-alerts/", response_model=list[schemas.StockAlert])
def stock_alerts(db: Db, category: Category = None):
    """Products to reorder, fewest days of cover first."""
    return queries.stock_alerts(db, category)
