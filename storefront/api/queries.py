"""The one query layer: every figure the API and the dashboard serve is read here, from the
marts only, with SQLAlchemy's ``select()`` over the typed classes of :mod:`.models`. Functions
take an open session and plain arguments and return ORM rows or plain dicts; they know nothing
of HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from storefront.api import pagination
from storefront.api.models import (
    BusinessSummary,
    CategoryPerformance,
    CustomerCohort,
    CustomerSegment,
    DimCustomer,
    DimProduct,
    DiscountImpact,
    FctOrder,
    FctOrderLine,
    LatestBuild,
    OrdersByPriority,
    ProductPerformance,
    ProductSalesDaily,
    RevenueDaily,
    RevenueMonthly,
    StockAlert,
)

LATEST_ORDERS = 10

# sort name -> (key columns, descending); the last key makes the order total
CUSTOMER_SORTS: dict[str, tuple[tuple[InstrumentedAttribute, ...], bool]] = {
    "customer_id": ((DimCustomer.customer_id,), False),
    "lifetime_revenue": ((DimCustomer.lifetime_revenue, DimCustomer.customer_id), True),
}
PRODUCT_SORTS: dict[str, tuple[tuple[InstrumentedAttribute, ...], bool]] = {
    "product_name": ((DimProduct.product_name, DimProduct.product_sk), False),
    "revenue": ((DimProduct.revenue, DimProduct.product_sk), True),
    "units_sold": ((DimProduct.units_sold, DimProduct.product_sk), True),
    "profit": ((DimProduct.profit, DimProduct.product_sk), True),
}
ORDER_KEYS = (FctOrder.order_date, FctOrder.order_sk)  # newest first
TOP_PRODUCT_MEASURES = {"revenue": "revenue", "units": "units_sold", "profit": "profit"}


def latest_build(session: Session) -> dt.datetime | None:
    return session.scalar(select(LatestBuild.built_at))


def _where_equal(query, filters: dict[InstrumentedAttribute, Any]):
    for column, value in filters.items():
        if value is not None:
            query = query.where(column == value)
    return query


def _paged(session, query, keys, descending, limit, cursor) -> tuple[list, str | None]:
    rows = list(session.scalars(pagination.page(query, keys, descending, limit, cursor)))
    return pagination.split(rows, keys, limit)


# -- customers ----------------------------------------------------------------------------------
def list_customers(
    session: Session, *, region: str | None = None, device_type: str | None = None,
    login_type: str | None = None, segment: str | None = None, sort: str = "customer_id",
    limit: int = pagination.DEFAULT_LIMIT, cursor: str | None = None,
) -> tuple[list[DimCustomer], str | None]:
    keys, descending = CUSTOMER_SORTS[sort]
    query = _where_equal(select(DimCustomer), {
        DimCustomer.region: region, DimCustomer.device_type: device_type,
        DimCustomer.login_type: login_type, DimCustomer.segment: segment,
    })
    return _paged(session, query, keys, descending, limit, cursor)


def customer_revenue_by_category(session: Session, customer_id: int) -> list[dict]:
    query = (
        select(
            FctOrderLine.product_category,
            func.count(func.distinct(FctOrderLine.order_sk)).label("order_count"),
            func.sum(FctOrderLine.quantity).label("units"),
            func.sum(FctOrderLine.sales).label("revenue"),
        )
        .where(FctOrderLine.customer_id == customer_id)
        .group_by(FctOrderLine.product_category)
        .order_by(func.sum(FctOrderLine.sales).desc(), FctOrderLine.product_category)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def get_customer(session: Session, customer_id: int) -> dict | None:
    customer = session.get(DimCustomer, customer_id)
    if customer is None:
        return None
    orders = session.scalars(
        select(FctOrder).where(FctOrder.customer_id == customer_id)
        .order_by(FctOrder.order_date.desc(), FctOrder.order_sk.desc()).limit(LATEST_ORDERS)
    )
    return {
        **_columns(customer),
        "revenue_by_category": customer_revenue_by_category(session, customer_id),
        "latest_orders": list(orders),
    }


def _columns(row: Any) -> dict:
    return {column.key: getattr(row, column.key) for column in row.__mapper__.column_attrs}


# -- orders -------------------------------------------------------------------------------------
def list_orders(
    session: Session, *, date_from: dt.date | None = None, date_to: dt.date | None = None,
    customer_id: int | None = None, order_priority: str | None = None,
    payment_method: str | None = None, device_type: str | None = None,
    limit: int = pagination.DEFAULT_LIMIT, cursor: str | None = None,
) -> tuple[list[FctOrder], str | None]:
    query = _where_equal(select(FctOrder), {
        FctOrder.customer_id: customer_id, FctOrder.order_priority: order_priority,
        FctOrder.payment_method: payment_method, FctOrder.device_type: device_type,
    })
    if date_from is not None:
        query = query.where(FctOrder.order_date >= date_from)
    if date_to is not None:
        query = query.where(FctOrder.order_date <= date_to)
    return _paged(session, query, ORDER_KEYS, True, limit, cursor)


def get_order(session: Session, order_id: str) -> dict | None:
    """The order whose Order_Id is ``order_id`` (or whose ``order_sk`` it is: orders without
    an Order_Id are named by their surrogate key), with its lines."""
    order = session.scalars(
        select(FctOrder).where(FctOrder.order_id == order_id).limit(1)
    ).first() or session.get(FctOrder, order_id)
    if order is None:
        return None
    lines = session.scalars(
        select(FctOrderLine).where(FctOrderLine.order_sk == order.order_sk)
        .order_by(FctOrderLine.order_line_sk)
    )
    return {**_columns(order), "lines": list(lines)}


# -- products -----------------------------------------------------------------------------------
def list_products(
    session: Session, *, category: str | None = None, search: str | None = None,
    sort: str = "product_name", limit: int = pagination.DEFAULT_LIMIT,
    cursor: str | None = None,
) -> tuple[list[DimProduct], str | None]:
    keys, descending = PRODUCT_SORTS[sort]
    query = _where_equal(select(DimProduct), {DimProduct.product_category: category})
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(DimProduct.product_name.ilike(f"%{escaped}%", escape="\\"))
    return _paged(session, query, keys, descending, limit, cursor)


def get_product(session: Session, product_id: int) -> DimProduct | None:
    return session.scalars(select(DimProduct).where(DimProduct.product_id == product_id)).first()


# -- analytics ----------------------------------------------------------------------------------
def top_products(
    session: Session, *, by: str = "revenue", limit: int = 10,
    date_from: dt.date | None = None, date_to: dt.date | None = None,
    category: str | None = None,
) -> list[dict]:
    """Products ranked by revenue, units or profit: all-time from ``dim_products``, over a date
    range from ``product_sales_daily``. Ties are ranked alike (``rank()``), listed by key."""
    measure = TOP_PRODUCT_MEASURES[by]
    if date_from is None and date_to is None:
        source = select(
            DimProduct.product_sk, DimProduct.product_id, DimProduct.product_name,
            DimProduct.product_category, DimProduct.units_sold, DimProduct.revenue,
            DimProduct.profit,
        ).where(DimProduct.order_count > 0)
        if category is not None:
            source = source.where(DimProduct.product_category == category)
    else:
        daily = ProductSalesDaily
        source = select(
            daily.product_sk, func.min(daily.product_id).label("product_id"),
            func.min(daily.product_name).label("product_name"),
            func.min(daily.product_category).label("product_category"),
            func.sum(daily.units_sold).label("units_sold"),
            func.sum(daily.revenue).label("revenue"), func.sum(daily.profit).label("profit"),
        ).group_by(daily.product_sk)
        if date_from is not None:
            source = source.where(daily.order_date >= date_from)
        if date_to is not None:
            source = source.where(daily.order_date <= date_to)
        if category is not None:
            source = source.where(daily.product_category == category)
    ranked = source.subquery()
    value = ranked.c[measure]
    query = (
        select(func.rank().over(order_by=value.desc()).label("rank"), ranked)
        .order_by(value.desc(), ranked.c.product_sk).limit(limit)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def _ratio(numerator: Decimal | None, denominator: int | None) -> Decimal | None:
    if not denominator or numerator is None:
        return None
    return round(numerator / denominator, 2)


def revenue(
    session: Session, *, grain: str | None = None, date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict:
    """Revenue, profit, orders and AOV: all-time from ``business_summary``, over a date range
    from ``revenue_daily``; with ``grain`` (day or month) the series too. AOV = revenue /
    orders, 2 decimals."""
    if date_from is None and date_to is None:
        summary = session.scalars(select(BusinessSummary)).first()
        totals = {
            "revenue": summary.revenue if summary else Decimal(0),
            "profit": summary.profit if summary else Decimal(0),
            "order_count": summary.order_count if summary else 0,
        }
    else:
        query = select(
            func.coalesce(func.sum(RevenueDaily.revenue), 0).label("revenue"),
            func.coalesce(func.sum(RevenueDaily.profit), 0).label("profit"),
            func.coalesce(func.sum(RevenueDaily.order_count), 0).label("order_count"),
        )
        query = _date_range(query, RevenueDaily.date_day, date_from, date_to)
        totals = dict(session.execute(query).one()._mapping)
        totals["order_count"] = int(totals["order_count"])
    totals["avg_order_value"] = _ratio(totals["revenue"], totals["order_count"])
    series = None
    if grain is not None:
        series = revenue_series(session, grain=grain, date_from=date_from, date_to=date_to)
    return {"date_from": date_from, "date_to": date_to, "grain": grain, "series": series,
            **totals}


def _date_range(query, column, date_from, date_to):
    if date_from is not None:
        query = query.where(column >= date_from)
    if date_to is not None:
        query = query.where(column <= date_to)
    return query


def revenue_series(
    session: Session, *, grain: str, date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict]:
    """One point per day (``revenue_daily``, days without orders included) or per month
    (``revenue_monthly``; the months whose first day is in the range, a range starting
    mid-month taking that month whole)."""
    mart, period = (
        (RevenueDaily, RevenueDaily.date_day) if grain == "day"
        else (RevenueMonthly, RevenueMonthly.month_start)
    )
    start = date_from
    if grain == "month" and date_from is not None:
        start = date_from.replace(day=1)
    query = _date_range(
        select(period.label("period_start"), mart.order_count, mart.units_sold, mart.revenue,
               mart.profit, mart.avg_order_value),
        period, start, date_to,
    ).order_by(period)
    return [dict(row._mapping) for row in session.execute(query)]


def business_summary(session: Session) -> BusinessSummary | None:
    return session.scalars(select(BusinessSummary)).first()


def segments(session: Session, segment_type: str) -> list[CustomerSegment]:
    return list(session.scalars(
        select(CustomerSegment).where(CustomerSegment.segment_type == segment_type)
        .order_by(CustomerSegment.customer_count.desc(), CustomerSegment.segment)
    ))


def categories(session: Session, limit: int | None = None) -> list[CategoryPerformance]:
    query = select(CategoryPerformance).order_by(
        CategoryPerformance.revenue_rank, CategoryPerformance.product_category
    )
    return list(session.scalars(query.limit(limit) if limit else query))


def highest_margins(session: Session, limit: int) -> list[ProductPerformance]:
    return list(session.scalars(
        select(ProductPerformance).where(ProductPerformance.profit_margin.is_not(None))
        .order_by(ProductPerformance.profit_margin_rank, ProductPerformance.product_sk)
        .limit(limit)
    ))


def priorities(session: Session) -> list[OrdersByPriority]:
    return list(session.scalars(
        select(OrdersByPriority).order_by(OrdersByPriority.priority_level.nulls_last(),
                                          OrdersByPriority.order_priority)
    ))


def discount_impact(session: Session) -> list[DiscountImpact]:
    return list(session.scalars(select(DiscountImpact).order_by(DiscountImpact.discount_rate)))


def cohorts(
    session: Session, *, cohort_from: dt.date | None = None, cohort_to: dt.date | None = None,
) -> list[CustomerCohort]:
    query = _date_range(select(CustomerCohort), CustomerCohort.cohort_month, cohort_from,
                        cohort_to)
    return list(session.scalars(
        query.order_by(CustomerCohort.cohort_month, CustomerCohort.months_since_first_order)
    ))


def stock_alerts(session: Session, category: str | None = None) -> list[StockAlert]:
    query = _where_equal(select(StockAlert), {StockAlert.product_category: category})
    return list(session.scalars(
        query.order_by(StockAlert.days_of_cover.nulls_first(), StockAlert.product_sk)
    ))


def mapped_tables() -> Sequence[str]:
    """The marts this layer reads (``marts.<name>``), for the exposure check."""
    from storefront.api.models import Mart

    return sorted(table.name for table in Mart.metadata.sorted_tables)
