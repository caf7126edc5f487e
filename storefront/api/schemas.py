"""Pydantic response models of every route. Money and rates are ``Decimal``: exact, written in
JSON as strings (``"1234.50"``) so no client parses them into a float by accident."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

Item = TypeVar("Item")


def _clock(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.time) else value


# A time of day in shop-local time, no zone: "HH:MM:SS" (JSON Schema's `time` format would
# demand a zone the shop's data does not have).
LocalTime = Annotated[
    str,
    BeforeValidator(_clock),
    Field(pattern=r"^\d{2}:\d{2}:\d{2}$", description="HH:MM:SS, shop-local time"),
]


class Row(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class Page(BaseModel, Generic[Item]):
    """A page of a list in a stable key order; ``next`` is the cursor of the following page
    (pass it back as ``cursor``), null on the last page."""

    items: list[Item]
    limit: int
    next: str | None = Field(description="cursor of the next page; null on the last one")


class Customer(Row):
    customer_id: int
    gender: str | None
    device_type: str | None
    login_type: str | None
    country: str | None
    region: str
    segment: str
    is_registered: bool
    order_count: int
    units_purchased: int
    lifetime_revenue: Decimal
    lifetime_profit: Decimal
    avg_order_value: Decimal | None
    first_order_date: dt.date | None
    last_order_date: dt.date | None
    signed_up_date: dt.date | None


class CategoryRevenue(Row):
    product_category: str
    order_count: int
    units: int
    revenue: Decimal


class Order(Row):
    order_sk: str
    order_id: str | None
    customer_id: int
    order_priority: str | None
    device_type: str | None
    login_type: str | None
    payment_method: str | None
    payment_status: str
    is_urgent: bool
    line_count: int
    units: int
    revenue: Decimal
    profit: Decimal
    order_date: dt.date
    order_time: LocalTime | None


class CustomerDetail(Customer):
    revenue_by_category: list[CategoryRevenue]
    latest_orders: list[Order]


class OrderLine(Row):
    order_line_sk: str
    product_sk: str
    product_id: int | None
    product_name: str
    product_category: str
    quantity: int
    sales: Decimal
    discount_rate: Decimal | None
    profit: Decimal | None
    shipping_cost: Decimal | None


class OrderDetail(Order):
    lines: list[OrderLine]


class Product(Row):
    product_sk: str
    product_id: int | None
    sku: str | None
    product_name: str
    product_category: str
    is_active: bool | None
    list_price: Decimal | None
    unit_cost: Decimal | None
    order_count: int
    units_sold: int
    revenue: Decimal
    profit: Decimal
    profit_margin: Decimal | None
    avg_rating: Decimal | None
    review_count: int
    stock_on_hand: int | None
    is_stock_alert: bool


class TopProduct(Row):
    rank: int
    product_sk: str
    product_id: int | None
    product_name: str
    product_category: str
    units_sold: int
    revenue: Decimal
    profit: Decimal


class RevenuePoint(Row):
    period_start: dt.date
    order_count: int
    units_sold: int
    revenue: Decimal
    profit: Decimal
    avg_order_value: Decimal | None


class Revenue(Row):
    date_from: dt.date | None
    date_to: dt.date | None
    revenue: Decimal
    profit: Decimal
    order_count: int
    avg_order_value: Decimal | None
    grain: str | None
    series: list[RevenuePoint] | None


class Count(Row):
    customer_count: int


class Segment(Row):
    segment: str
    customer_count: int
    customer_share: Decimal | None
    order_count: int
    order_share: Decimal | None
    revenue: Decimal


class Category(Row):
    product_category: str
    order_count: int
    units_sold: int
    revenue: Decimal
    profit: Decimal
    profit_margin: Decimal | None
    revenue_share: Decimal | None
    revenue_rank: int


class RegionCategorySales(Row):
    """Sales of a customer region (where the customer lived when ordering) in a category."""

    region: str
    product_category: str
    order_count: int = Field(description="orders with a line of the category")
    units_sold: int
    revenue: Decimal
    profit: Decimal
    category_rank: int = Field(description="the category's rank in the region by revenue "
                                           "(1: first; ties share a rank)")


class Margin(Row):
    product_sk: str
    product: str
    product_category: str
    revenue: Decimal
    profit: Decimal
    profit_margin: Decimal | None
    profit_margin_rank: int


class OrderSize(Row):
    avg_order_size: Decimal | None
    avg_order_value: Decimal | None
    order_count: int
    order_line_count: int
    units_sold: int


class Priority(Row):
    order_priority: str
    is_urgent: bool
    order_count: int
    order_share: Decimal | None


class UrgentShare(Row):
    urgent_order_count: int
    order_count: int
    urgent_order_share: Decimal | None
    by_priority: list[Priority]


class Discount(Row):
    discount_rate: Decimal
    order_lines: int
    units_sold: int
    revenue: Decimal
    profit: Decimal
    avg_units_per_line: Decimal | None
    avg_revenue_per_line: Decimal | None
    profit_margin: Decimal | None
    revenue_share: Decimal | None


class Cohort(Row):
    cohort_month: dt.date
    months_since_first_order: int
    activity_month: dt.date
    cohort_size: int
    active_customers: int
    retention_rate: Decimal | None
    order_count: int
    revenue: Decimal


class StockAlert(Row):
    product_sk: str
    sku: str | None
    product_name: str
    product_category: str
    alert_reason: str
    closing_stock: int
    units_sold_28d: int
    days_of_cover: Decimal | None
    reorder_point: int
    as_of_date: dt.date


class MetricDimension(BaseModel):
    name: str = Field(description="as written in `group_by` (and in a filter's "
                      "`Dimension('...')`); a time dimension takes a grain: `metric_time__month`")
    label: str
    description: str
    type: Literal["categorical", "time"]
    grains: list[str] = Field(description="the grains of a time dimension; empty otherwise")


class MetricInfo(BaseModel):
    name: str
    label: str
    description: str = Field(description="what the metric is and how it is computed")
    type: str = Field(description="MetricFlow's metric type: simple, derived, cumulative")
    dimensions: list[MetricDimension] = Field(description="what the metric can be grouped by")


# A cell of a metrics answer: a decimal as a string ("1234.50", exact), a count as an integer,
# a day as "YYYY-MM-DD", a category as text, a flag, or null.
MetricValue = str | int | bool | None


class MetricAnswer(BaseModel):
    metrics: list[str]
    group_by: list[str]
    columns: list[str] = Field(description="the group_by columns, then the metrics")
    rows: list[dict[str, MetricValue]]


class Health(BaseModel):
    status: str
    database: str
    built_at: dt.datetime | None = None
    detail: str | None = None


class Error(BaseModel):
    detail: str
    parameter: str | None = None
