"""Typed ORM classes of the marts the API and the dashboard read (SQLAlchemy 2.0 ``Mapped``).

Declared, not reflected: start-up reads nothing from the database. Every class maps a table
of schema ``marts``; the exposures ``storefront_api`` and ``storefront_dashboard``
(models/marts/_exposures.yml) list the tables each one reads (a test compares them with the
tables their queries touch). Money and rates are ``Decimal``: exact.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import BigInteger, MetaData, Text
from sqlalchemy.dialects.postgresql import ARRAY, DATEMULTIRANGE, Range
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Mart(DeclarativeBase):
    metadata = MetaData(schema="marts")
    # integers are bound as bigint: an id past 2^31 is compared, not refused by the server
    type_annotation_map = {int: BigInteger}


class DimCustomer(Mart):
    __tablename__ = "dim_customers"
    customer_id: Mapped[int] = mapped_column(primary_key=True)
    gender: Mapped[str | None]
    device_type: Mapped[str | None]
    login_type: Mapped[str | None]
    country: Mapped[str | None]
    region: Mapped[str]
    segment: Mapped[str]
    is_registered: Mapped[bool]
    order_count: Mapped[int]
    units_purchased: Mapped[int]
    lifetime_revenue: Mapped[Decimal]
    lifetime_profit: Mapped[Decimal]
    avg_order_value: Mapped[Decimal | None]
    first_order_date: Mapped[dt.date | None]
    last_order_date: Mapped[dt.date | None]
    signed_up_date: Mapped[dt.date | None]


class DimProduct(Mart):
    __tablename__ = "dim_products"
    product_sk: Mapped[str] = mapped_column(primary_key=True)
    product_id: Mapped[int | None]
    sku: Mapped[str | None]
    product_name: Mapped[str]
    product_category: Mapped[str]
    is_active: Mapped[bool | None]
    list_price: Mapped[Decimal | None]
    unit_cost: Mapped[Decimal | None]
    order_count: Mapped[int]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]
    profit_margin: Mapped[Decimal | None]
    avg_rating: Mapped[Decimal | None]
    review_count: Mapped[int]
    stock_on_hand: Mapped[int | None]
    is_stock_alert: Mapped[bool]


class FctOrder(Mart):
    __tablename__ = "fct_orders"
    order_sk: Mapped[str] = mapped_column(primary_key=True)
    order_id: Mapped[str | None]
    customer_id: Mapped[int]
    order_priority: Mapped[str | None]
    device_type: Mapped[str | None]
    login_type: Mapped[str | None]
    payment_method: Mapped[str | None]
    payment_status: Mapped[str]
    is_urgent: Mapped[bool]
    line_count: Mapped[int]
    units: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]
    order_date: Mapped[dt.date]
    order_time: Mapped[dt.time | None]


class FctOrderLine(Mart):
    __tablename__ = "fct_order_lines"
    order_line_sk: Mapped[str] = mapped_column(primary_key=True)
    order_sk: Mapped[str]
    product_sk: Mapped[str]
    customer_id: Mapped[int]
    product_id: Mapped[int | None]
    product_name: Mapped[str]
    product_category: Mapped[str]
    quantity: Mapped[int]
    sales: Mapped[Decimal]
    discount_rate: Mapped[Decimal | None]
    profit: Mapped[Decimal | None]
    shipping_cost: Mapped[Decimal | None]
    order_date: Mapped[dt.date]
    order_time: Mapped[dt.time | None]


class LatestBuild(Mart):
    __tablename__ = "latest_build"
    built_at: Mapped[dt.datetime] = mapped_column(primary_key=True)


class RevenueDaily(Mart):
    __tablename__ = "revenue_daily"
    date_day: Mapped[dt.date] = mapped_column(primary_key=True)
    order_count: Mapped[int]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]
    avg_order_value: Mapped[Decimal | None]
    revenue_7d_avg: Mapped[Decimal | None]


class RevenueMonthly(Mart):
    __tablename__ = "revenue_monthly"
    month_start: Mapped[dt.date] = mapped_column(primary_key=True)
    order_count: Mapped[int]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]
    avg_order_value: Mapped[Decimal | None]
    previous_revenue: Mapped[Decimal | None]
    revenue_mom_growth: Mapped[Decimal | None]


class BusinessSummary(Mart):
    __tablename__ = "business_summary"
    as_of_date: Mapped[dt.date] = mapped_column(primary_key=True)
    first_order_date: Mapped[dt.date | None]
    customer_count: Mapped[int]
    order_count: Mapped[int]
    order_line_count: Mapped[int]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]
    profit_margin: Mapped[Decimal | None]
    avg_order_value: Mapped[Decimal | None]
    avg_order_size: Mapped[Decimal | None]
    urgent_order_count: Mapped[int]
    urgent_order_share: Mapped[Decimal | None]


class CustomerSegment(Mart):
    __tablename__ = "customer_segments"
    segment_type: Mapped[str] = mapped_column(primary_key=True)
    segment: Mapped[str] = mapped_column(primary_key=True)
    customer_count: Mapped[int]
    customer_share: Mapped[Decimal | None]
    order_count: Mapped[int]
    order_share: Mapped[Decimal | None]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]


class CategoryPerformance(Mart):
    __tablename__ = "category_performance"
    category_sk: Mapped[str] = mapped_column(primary_key=True)
    product_category: Mapped[str]
    order_count: Mapped[int]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]
    profit_margin: Mapped[Decimal | None]
    revenue_share: Mapped[Decimal | None]
    revenue_rank: Mapped[int]


class ProductPerformance(Mart):
    __tablename__ = "product_performance"
    product_sk: Mapped[str] = mapped_column(primary_key=True)
    product: Mapped[str]
    product_category: Mapped[str]
    order_count: Mapped[int]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]
    profit_margin: Mapped[Decimal | None]
    revenue_rank: Mapped[int]
    profit_margin_rank: Mapped[int]


class ProductSalesDaily(Mart):
    __tablename__ = "product_sales_daily"
    order_date: Mapped[dt.date] = mapped_column(primary_key=True)
    product_sk: Mapped[str] = mapped_column(primary_key=True)
    product_id: Mapped[int | None]
    product_name: Mapped[str]
    product_category: Mapped[str]
    order_count: Mapped[int]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]


class DiscountImpact(Mart):
    __tablename__ = "discount_impact"
    discount_rate: Mapped[Decimal] = mapped_column(primary_key=True)
    order_lines: Mapped[int]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]
    avg_units_per_line: Mapped[Decimal | None]
    avg_revenue_per_line: Mapped[Decimal | None]
    profit_margin: Mapped[Decimal | None]
    revenue_share: Mapped[Decimal | None]


class OrdersByPriority(Mart):
    __tablename__ = "orders_by_priority"
    order_priority: Mapped[str] = mapped_column(primary_key=True)
    priority_level: Mapped[int | None]
    is_urgent: Mapped[bool]
    order_count: Mapped[int]
    order_share: Mapped[Decimal | None]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]


class CustomerCohort(Mart):
    __tablename__ = "customer_cohorts"
    cohort_month: Mapped[dt.date] = mapped_column(primary_key=True)
    months_since_first_order: Mapped[int] = mapped_column(primary_key=True)
    activity_month: Mapped[dt.date]
    cohort_size: Mapped[int]
    active_customers: Mapped[int]
    retention_rate: Mapped[Decimal | None]
    order_count: Mapped[int]
    revenue: Mapped[Decimal]


class StockAlert(Mart):
    __tablename__ = "stock_alerts"
    product_sk: Mapped[str] = mapped_column(primary_key=True)
    sku: Mapped[str | None]
    product_name: Mapped[str]
    product_category: Mapped[str]
    alert_reason: Mapped[str]
    is_below_reorder_point: Mapped[bool]
    is_low_cover: Mapped[bool]
    closing_stock: Mapped[int]
    units_sold_28d: Mapped[int]
    daily_sales_rate: Mapped[Decimal]
    days_of_cover: Mapped[Decimal | None]
    lead_time_days: Mapped[int]
    reorder_point: Mapped[int]
    as_of_date: Mapped[dt.date]


# -- by customer region (the dashboard; the region filters of /analytics/) ----------------------
class SalesDailyByRegionCategory(Mart):
    __tablename__ = "sales_daily_by_region_category"
    order_date: Mapped[dt.date] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(primary_key=True)
    product_category: Mapped[str] = mapped_column(primary_key=True)
    order_count: Mapped[int]
    order_line_count: Mapped[int]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]


class SalesDailyByRegionProduct(Mart):
    __tablename__ = "sales_daily_by_region_product"
    order_date: Mapped[dt.date] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(primary_key=True)
    product_sk: Mapped[str] = mapped_column(primary_key=True)
    product_category: Mapped[str]
    order_count: Mapped[int]
    order_line_count: Mapped[int]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]


class OrdersDailyByRegionBasket(Mart):
    __tablename__ = "orders_daily_by_region_basket"
    order_date: Mapped[dt.date] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(primary_key=True)
    basket: Mapped[list[str]] = mapped_column(ARRAY(Text), primary_key=True)
    category_count: Mapped[int]
    order_count: Mapped[int]
    order_line_count: Mapped[int]
    units_sold: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]


class CustomerPurchases(Mart):
    __tablename__ = "customer_purchases_by_region_category"
    customer_id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(primary_key=True)
    product_category: Mapped[str] = mapped_column(primary_key=True)
    order_count: Mapped[int]
    order_line_count: Mapped[int]
    units_purchased: Mapped[int]
    revenue: Mapped[Decimal]
    profit: Mapped[Decimal]
    order_days: Mapped[list[Range[dt.date]]] = mapped_column(DATEMULTIRANGE)
    first_order_date: Mapped[dt.date]
    last_order_date: Mapped[dt.date]


class CustomerLifetimeValue(Mart):
    __tablename__ = "customer_lifetime_value"
    customer_id: Mapped[int] = mapped_column(primary_key=True)
    device_type: Mapped[str | None]
    login_type: Mapped[str | None]
    first_order_date: Mapped[dt.date]
    last_order_date: Mapped[dt.date]
    order_count: Mapped[int]
    units_purchased: Mapped[int]
    lifetime_revenue: Mapped[Decimal]
    lifetime_profit: Mapped[Decimal]
    avg_order_value: Mapped[Decimal]
    revenue_rank: Mapped[int]


class ProductRating(Mart):
    __tablename__ = "product_ratings"
    product_sk: Mapped[str] = mapped_column(primary_key=True)
    sku: Mapped[str | None]
    product_name: Mapped[str]
    product_category: Mapped[str]
    review_count: Mapped[int]
    avg_rating: Mapped[Decimal | None]
