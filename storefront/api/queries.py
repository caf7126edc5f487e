"""The one query layer: every figure the API and the dashboard serve is read here, from the
marts only, with SQLAlchemy's ``select()`` over the typed classes of :mod:`.models`. Functions
take an open session and plain arguments and return ORM rows or plain dicts; they know nothing
of HTTP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    Select,
    Text,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.orm import InstrumentedAttribute, Session

from storefront.api import pagination
from storefront.api.models import (
    BusinessSummary,
    CategoryPerformance,
    CustomerCohort,
    CustomerLifetimeValue,
    CustomerPurchases,
    CustomerSegment,
    DimCustomer,
    DimProduct,
    DiscountImpact,
    FctOrder,
    FctOrderLine,
    LatestBuild,
    OrdersByPriority,
    OrdersDailyByRegionBasket,
    ProductPerformance,
    ProductRating,
    ProductSalesDaily,
    RevenueDaily,
    RevenueMonthly,
    SalesDailyByRegionCategory,
    SalesDailyByRegionProduct,
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


def _json_rows(query: Select, name: str, *order_by: str) -> Any:
    """The rows of ``query`` as one JSON array (``[]`` when there are none), in ``order_by``
    order (columns of ``query``; ``-`` first: descending): a lookup reads an entity and its
    parts in one round trip. Numbers come back as exact ``Decimal`` (see :mod:`.db`)."""
    rows = query.subquery(name)
    keys = [rows.c[key[1:]].desc() if key.startswith("-") else rows.c[key] for key in order_by]
    return (
        select(func.coalesce(func.json_agg(aggregate_order_by(literal_column(name), *keys)),
                             func.json_build_array()))
        .select_from(rows).scalar_subquery()
    )


# The lookups by id: one statement each, built once (their id a bind parameter), since
# building a select() costs more than running it.
_CUSTOMER = select(
    DimCustomer,
    _json_rows(
        select(
            FctOrderLine.product_category,
            func.count(func.distinct(FctOrderLine.order_sk)).label("order_count"),
            func.sum(FctOrderLine.quantity).label("units"),
            func.sum(FctOrderLine.sales).label("revenue"),
        ).where(FctOrderLine.customer_id == DimCustomer.customer_id)
        .group_by(FctOrderLine.product_category).correlate(DimCustomer),
        "category", "-revenue", "product_category",
    ).label("revenue_by_category"),
    _json_rows(
        select(FctOrder).where(FctOrder.customer_id == DimCustomer.customer_id)
        .order_by(FctOrder.order_date.desc(), FctOrder.order_sk.desc()).limit(LATEST_ORDERS)
        .correlate(DimCustomer),
        "latest", "-order_date", "-order_sk",
    ).label("latest_orders"),
).where(DimCustomer.customer_id == bindparam("customer_id"))
_ORDER = (
    select(
        FctOrder,
        _json_rows(select(FctOrderLine).where(FctOrderLine.order_sk == FctOrder.order_sk)
                   .correlate(FctOrder), "line", "order_line_sk").label("lines"),
    )
    # by Order_Id, else (an order without one) by order_sk
    .where((FctOrder.order_id == bindparam("order_id"))
           | (FctOrder.order_sk == bindparam("order_id")))
    .order_by((FctOrder.order_id == bindparam("order_id")).desc().nulls_last()).limit(1)
)


def get_customer(session: Session, customer_id: int) -> dict | None:
    """The customer, their revenue by category (highest first) and their latest orders."""
    found = session.execute(_CUSTOMER, {"customer_id": customer_id}).first()
    if found is None:
        return None
    customer, by_category, latest = found
    return {**_columns(customer), "revenue_by_category": by_category, "latest_orders": latest}


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
    found = session.execute(_ORDER, {"order_id": order_id}).first()
    if found is None:
        return None
    order, lines = found
    return {**_columns(order), "lines": lines}


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
    """numerator / denominator to the cent, half away from zero as PostgreSQL's round() (the
    marts' averages), not Python's round() (half to even)."""
    if not denominator or numerator is None:
        return None
    return (Decimal(numerator) / denominator).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def revenue(
    session: Session, *, grain: str | None = None, date_from: dt.date | None = None,
    date_to: dt.date | None = None, regions: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
) -> dict:
    """Revenue, profit, orders and AOV: all-time from ``business_summary``, over a date range
    from ``revenue_daily``; with ``grain`` (day or month) the series too. AOV = revenue /
    orders, 2 decimals.

    With ``regions`` or ``categories`` (None: all; empty: none), the sales of those customer
    regions (:func:`sales_by_region_category`) and categories: revenue, profit and units of
    their lines from ``sales_daily_by_region_category``, orders holding at least one such
    line from ``orders_daily_by_region_basket`` (each order once)."""
    where = Where(regions, categories, date_from, date_to)
    if where.by_region_or_category:
        totals = _filtered_totals(session, where)
    elif date_from is None and date_to is None:
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
        series = revenue_series(session, grain=grain, date_from=date_from, date_to=date_to,
                                regions=regions, categories=categories)
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
    date_to: dt.date | None = None, regions: Sequence[str] | None = None,
    categories: Sequence[str] | None = None,
) -> list[dict]:
    """One point per day (``revenue_daily``, days without orders included) or per month
    (``revenue_monthly``; the months whose first day is in the range, a range starting
    mid-month taking that month whole). With ``regions`` or ``categories``, the same days or
    months, with the sales of those regions and categories (zeros where there are none)."""
    mart, period = (
        (RevenueDaily, RevenueDaily.date_day) if grain == "day"
        else (RevenueMonthly, RevenueMonthly.month_start)
    )
    start = date_from
    if grain == "month" and date_from is not None:
        start = date_from.replace(day=1)
    if regions is not None or categories is not None:
        # whole months, as revenue_monthly has them
        where = Where(regions, categories, start, date_to if grain == "day" else None)
        return _filtered_series(session, where, period, start, date_to)
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


def urgent_order_share(session: Session) -> dict:
    """The share of Critical and High orders (``business_summary``) and the orders by
    priority, read on one session."""
    summary = business_summary(session)
    return {
        "urgent_order_count": summary.urgent_order_count if summary else 0,
        "order_count": summary.order_count if summary else 0,
        "urgent_order_share": summary.urgent_order_share if summary else None,
        "by_priority": priorities(session),
    }


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


# -- sales by customer region and category (the dashboard, and the region and category filters
# of /analytics/) -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Where:
    """A choice of customer regions, product categories and days. ``None``: every region or
    category; empty: none of them (nothing was sold there); dates inclusive, None: open."""

    regions: Sequence[str] | None = None
    categories: Sequence[str] | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    @property
    def by_region_or_category(self) -> bool:
        return self.regions is not None or self.categories is not None

    @property
    def selects_nothing(self) -> bool:
        return (self.regions is not None and not self.regions) or (
            self.categories is not None and not self.categories)

    def apply(self, query, mart, *, dates: bool = True):
        """``query`` restricted to these regions, categories and (``dates``) days, over a mart
        with ``region``, ``product_category`` and ``order_date``."""
        if self.regions is not None:
            query = query.where(mart.region.in_(list(self.regions)))
        if self.categories is not None:
            query = query.where(mart.product_category.in_(list(self.categories)))
        if dates:
            query = _date_range(query, mart.order_date, self.date_from, self.date_to)
        return query


def _sum(column, label: str):
    return func.coalesce(func.sum(column), 0).label(label)


def _count(column, label: str):
    """A sum of counts as an integer (PostgreSQL's sum of bigint is numeric)."""
    return cast(func.coalesce(func.sum(column), 0), BigInteger).label(label)


def _orders(where: Where):
    """Orders of the chosen regions and days holding at least one line of the chosen
    categories, each once: a query of ``orders_daily_by_region_basket`` to add columns to."""
    basket = OrdersDailyByRegionBasket
    query = select()
    if where.regions is not None:
        query = query.where(basket.region.in_(list(where.regions)))
    if where.categories is not None:
        query = query.where(basket.basket.overlap(literal(list(where.categories), ARRAY(Text))))
    return _date_range(query, basket.order_date, where.date_from, where.date_to)


def _filtered_totals(session: Session, where: Where) -> dict:
    if where.selects_nothing:
        return {"revenue": Decimal(0), "profit": Decimal(0), "order_count": 0}
    sales = SalesDailyByRegionCategory
    totals = dict(session.execute(where.apply(
        select(_sum(sales.revenue, "revenue"), _sum(sales.profit, "profit")), sales,
    )).one()._mapping)
    totals["order_count"] = session.scalar(
        _orders(where).add_columns(_count(OrdersDailyByRegionBasket.order_count, "n")))
    return totals


def _filtered_series(session: Session, where: Where, period, start, end) -> list[dict]:
    """The days (or months) of ``period`` (``revenue_daily.date_day`` or
    ``revenue_monthly.month_start``) from ``start`` to ``end``, with the sales and orders of
    ``where`` (zeros where there are none)."""
    sales, basket = SalesDailyByRegionCategory, OrdersDailyByRegionBasket
    monthly = period.class_ is RevenueMonthly

    def bucket(column):
        # the unit as a literal: a bound one would differ between select and group by
        return cast(func.date_trunc(literal_column("'month'"), column), Date) if monthly \
            else column

    points = _date_range(select(period.label("period_start")), period, start, end)
    if where.selects_nothing:
        return [{"period_start": day, "order_count": 0, "units_sold": 0, "revenue": Decimal(0),
                 "profit": Decimal(0), "avg_order_value": None}
                for day in session.scalars(points.order_by(period))]
    by_sales = where.apply(select(
        bucket(sales.order_date).label("period_start"), _count(sales.units_sold, "units_sold"),
        _sum(sales.revenue, "revenue"), _sum(sales.profit, "profit"),
    ), sales).group_by(bucket(sales.order_date)).subquery()
    by_orders = _orders(where).add_columns(
        bucket(basket.order_date).label("period_start"), _count(basket.order_count, "n"),
    ).group_by(bucket(basket.order_date)).subquery()
    spine = points.subquery()
    query = (
        select(
            spine.c.period_start,
            func.coalesce(by_orders.c.n, 0).label("order_count"),
            func.coalesce(by_sales.c.units_sold, 0).label("units_sold"),
            func.coalesce(by_sales.c.revenue, 0).label("revenue"),
            func.coalesce(by_sales.c.profit, 0).label("profit"),
        )
        .join(by_sales, by_sales.c.period_start == spine.c.period_start, isouter=True)
        .join(by_orders, by_orders.c.period_start == spine.c.period_start, isouter=True)
        .order_by(spine.c.period_start)
    )
    rows = [dict(row._mapping) for row in session.execute(query)]
    for point in rows:
        point["avg_order_value"] = _ratio(point["revenue"], point["order_count"])
    return rows


def sales_filter_options(session: Session) -> dict:
    """What the dashboard's filters offer: the customer regions (``Unknown`` last) and
    categories with sales, and the first and last day with sales."""
    sales = SalesDailyByRegionCategory
    regions = list(session.scalars(
        select(sales.region).group_by(sales.region)
        .order_by(sales.region == "Unknown", sales.region)))
    categories = list(session.scalars(
        select(sales.product_category).distinct().order_by(sales.product_category)))
    first_day, last_day = session.execute(
        select(func.min(sales.order_date), func.max(sales.order_date))).one()
    return {"regions": regions, "categories": categories, "first_day": first_day,
            "last_day": last_day}


def sales_by_region_category(
    session: Session, *, regions: Sequence[str] | None = None,
    categories: Sequence[str] | None = None, date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict]:
    """Sales by customer region and category over the days chosen, from
    ``sales_daily_by_region_category``: one row per pair with sales, with the category's rank
    in its region by revenue (``rank()``: ties share it), by region, then rank."""
    where = Where(regions, categories, date_from, date_to)
    if where.selects_nothing:
        return []
    sales = SalesDailyByRegionCategory
    revenue_sum = func.sum(sales.revenue)
    ranked = where.apply(select(
        sales.region, sales.product_category,
        _count(sales.order_count, "order_count"), _count(sales.units_sold, "units_sold"),
        revenue_sum.label("revenue"), func.sum(sales.profit).label("profit"),
        func.rank().over(partition_by=sales.region, order_by=revenue_sum.desc())
        .label("category_rank"),
    ), sales).group_by(sales.region, sales.product_category).subquery()
    query = select(ranked).order_by(
        ranked.c.region == "Unknown", ranked.c.region, ranked.c.category_rank,
        ranked.c.product_category)
    return [dict(row._mapping) for row in session.execute(query)]


def unique_customers(
    session: Session, *, regions: Sequence[str] | None = None,
    categories: Sequence[str] | None = None, date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> int:
    """Distinct customers who ordered: all-time from ``business_summary``; for a choice of
    regions, categories or days, those with a line there, each once, from
    ``customer_purchases_by_region_category`` (one of their order days in the range)."""
    where = Where(regions, categories, date_from, date_to)
    if where.selects_nothing:
        return 0
    if not where.by_region_or_category and date_from is None and date_to is None:
        summary = session.scalars(select(BusinessSummary)).first()
        return summary.customer_count if summary else 0
    return session.scalar(_purchases(where, select(
        func.count(func.distinct(CustomerPurchases.customer_id)))))


def _purchases(where: Where, query):
    """``query`` over ``customer_purchases_by_region_category`` restricted to ``where``: a
    customer's row counts when one of its order days is in the range."""
    purchases = CustomerPurchases
    query = where.apply(query, purchases, dates=False)
    if where.date_from is not None or where.date_to is not None:
        days = func.daterange(cast(literal(where.date_from), Date),
                              cast(literal(where.date_to), Date), "[]")
        query = query.where(purchases.order_days.overlaps(days))
    return query


def daily_sales(
    session: Session, *, regions: Sequence[str] | None = None,
    categories: Sequence[str] | None = None, date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict]:
    """Every day of the range (within the shop's first and last order day, ``revenue_daily``'s
    days) with the revenue, profit and units of the chosen regions and categories, zeros
    included, and ``revenue_7d_avg``: the mean revenue of the day and the six before it, 2
    decimals, read from before the range when it starts later; the shop's first six days
    average the days there are (as ``revenue_daily.revenue_7d_avg``)."""
    where = Where(regions, categories, date_from, date_to)
    sales = SalesDailyByRegionCategory
    read_from = date_from - dt.timedelta(days=6) if date_from is not None else None
    spine = _date_range(select(RevenueDaily.date_day), RevenueDaily.date_day, read_from,
                        date_to).subquery()
    if where.selects_nothing:
        summed = select(spine.c.date_day, literal(0).label("units_sold"),
                        literal(Decimal(0)).label("revenue"),
                        literal(Decimal(0)).label("profit")).subquery()
    else:
        by_day = Where(regions, categories, read_from, date_to).apply(select(
            sales.order_date, _count(sales.units_sold, "units_sold"),
            _sum(sales.revenue, "revenue"), _sum(sales.profit, "profit"),
        ), sales).group_by(sales.order_date).subquery()
        summed = (
            select(spine.c.date_day,
                   func.coalesce(by_day.c.units_sold, 0).label("units_sold"),
                   func.coalesce(by_day.c.revenue, 0).label("revenue"),
                   func.coalesce(by_day.c.profit, 0).label("profit"))
            .join(by_day, by_day.c.order_date == spine.c.date_day, isouter=True)
        ).subquery()
    averaged = select(
        summed,
        func.round(func.avg(summed.c.revenue).over(
            order_by=summed.c.date_day, rows=(-6, 0)), 2).label("revenue_7d_avg"),
    ).subquery()
    query = _date_range(select(averaged), averaged.c.date_day, date_from, None)
    return [dict(row._mapping) for row in session.execute(query.order_by(averaged.c.date_day))]


def monthly_sales(
    session: Session, *, regions: Sequence[str] | None = None,
    categories: Sequence[str] | None = None, date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict]:
    """The months the range touches (``revenue_monthly``'s months), each with the sales and
    orders of the chosen regions and categories on the days of the range, and the growth of
    revenue against the month before it (``revenue_mom_growth``, a fraction, 4 decimals; null
    for the first month of the range and after a month without revenue). ``is_partial``: the
    range, or the shop's first or last order day, cuts the month."""
    where = Where(regions, categories, date_from, date_to)
    points = _filtered_series(session, where, RevenueMonthly.month_start,
                              date_from.replace(day=1) if date_from else None, date_to)
    first_day, last_day = session.execute(
        select(func.min(RevenueDaily.date_day), func.max(RevenueDaily.date_day))).one()
    covered_from = max((d for d in (date_from, first_day) if d is not None), default=None)
    covered_to = min((d for d in (date_to, last_day) if d is not None), default=None)
    previous = None
    for point in points:
        month_start = point["period_start"]
        month_end = (month_start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        point["is_partial"] = bool(
            (covered_from and covered_from > month_start)
            or (covered_to and covered_to < month_end))
        point["previous_revenue"] = previous
        point["revenue_mom_growth"] = (
            ((point["revenue"] - previous) / previous).quantize(
                Decimal("0.0001"), rounding=ROUND_HALF_UP) if previous else None)
        previous = point["revenue"]
    return points


def top_customers(
    session: Session, *, limit: int = 20, regions: Sequence[str] | None = None,
    categories: Sequence[str] | None = None, date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict]:
    """The customers with the highest lifetime value (``customer_lifetime_value``: all their
    orders), among those who bought in the chosen regions and categories on a day of the range
    (``customer_purchases_by_region_category``); by rank, then customer."""
    where = Where(regions, categories, date_from, date_to)
    if where.selects_nothing:
        return []
    clv = CustomerLifetimeValue
    query = select(clv.customer_id, clv.lifetime_revenue, clv.lifetime_profit, clv.order_count,
                   clv.avg_order_value, clv.revenue_rank)
    if where.by_region_or_category or date_from is not None or date_to is not None:
        purchases = CustomerPurchases
        query = query.where(_purchases(where, select(purchases.customer_id).where(
            purchases.customer_id == clv.customer_id)).exists())
    query = query.order_by(clv.revenue_rank, clv.customer_id).limit(limit)
    return [dict(row._mapping) for row in session.execute(query)]


def product_sales_and_ratings(
    session: Session, *, regions: Sequence[str] | None = None,
    categories: Sequence[str] | None = None, date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> list[dict]:
    """Each rated product (``product_ratings``: at least one review; the rating of all its
    reviews) that sold in the chosen regions, categories and days, with those sales
    (``sales_daily_by_region_product``); by category, then name."""
    where = Where(regions, categories, date_from, date_to)
    if where.selects_nothing:
        return []
    sales, ratings = SalesDailyByRegionProduct, ProductRating
    sold = where.apply(select(
        sales.product_sk, _count(sales.units_sold, "units_sold"),
        _sum(sales.revenue, "revenue"), _sum(sales.profit, "profit"),
    ), sales).group_by(sales.product_sk).subquery()
    query = (
        select(ratings.product_sk, ratings.product_name, ratings.product_category,
               ratings.avg_rating, ratings.review_count, sold.c.units_sold, sold.c.revenue,
               sold.c.profit)
        .join(sold, sold.c.product_sk == ratings.product_sk)
        .where(ratings.review_count > 0)
        .order_by(ratings.product_category, ratings.product_name, ratings.product_sk)
    )
    return [dict(row._mapping) for row in session.execute(query)]


def mapped_tables() -> Sequence[str]:
    """The marts this layer reads (``marts.<name>``), for the exposure check."""
    from storefront.api.models import Mart

    return sorted(table.name for table in Mart.metadata.sorted_tables)
