"""`/customers/`, `/orders/`, `/products/` and one of each by id."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path, Query

from storefront.api import queries, schemas
from storefront.api.deps import PRINTABLE, Date, Id, QueryId, Read, Text, check_range
from storefront.api.pagination import DEFAULT_LIMIT, MAX_LIMIT

router = APIRouter()
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="rows per page (at most 1000)")]
Cursor = Annotated[str | None, Query(max_length=500, description="`next` of the previous page")]


@router.get("/customers/", response_model=schemas.Page[schemas.Customer], tags=["customers"])
async def list_customers(
    read: Read, region: Text = None, device_type: Text = None, login_type: Text = None,
    segment: Text = None, sort: Literal["customer_id", "lifetime_revenue"] = "customer_id",
    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None,
):
    """Customers (no personal data), filtered; by `customer_id`, or by `lifetime_revenue`
    (highest first, then customer_id descending)."""
    rows, after = await read(
        queries.list_customers, region=region, device_type=device_type,
        login_type=login_type, segment=segment, sort=sort, limit=limit, cursor=cursor,
    )
    return {"items": rows, "limit": limit, "next": after}


@router.get("/customers/{customer_id}", response_model=schemas.CustomerDetail,
            tags=["customers"], responses={404: {"model": schemas.Error}})
async def get_customer(read: Read, customer_id: Id):
    """The customer, their revenue by category and their 10 latest orders."""
    found = await read(queries.get_customer, customer_id)
    if found is None:
        raise HTTPException(404, f"customer {customer_id} not found")
    return found


@router.get("/orders/", response_model=schemas.Page[schemas.Order], tags=["orders"])
async def list_orders(
    read: Read, date_from: Date = None, date_to: Date = None,
    customer_id: QueryId = None, order_priority: Text = None, payment_method: Text = None,
    device_type: Text = None, limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None,
):
    """Orders, newest first (order date, then order_sk, both descending); `date_from` and
    `date_to` are inclusive."""
    check_range(date_from, date_to)
    rows, after = await read(
        queries.list_orders, date_from=date_from, date_to=date_to, customer_id=customer_id,
        order_priority=order_priority, payment_method=payment_method, device_type=device_type,
        limit=limit, cursor=cursor,
    )
    return {"items": rows, "limit": limit, "next": after}


@router.get("/orders/{order_id}", response_model=schemas.OrderDetail, tags=["orders"],
            responses={404: {"model": schemas.Error}})
async def get_order(
    read: Read, order_id: Annotated[str, Path(min_length=1, max_length=100, pattern=PRINTABLE)],
):
    """The order with this Order_Id (or, for an order without one, this `order_sk`), its
    lines and its payment status."""
    found = await read(queries.get_order, order_id)
    if found is None:
        raise HTTPException(404, f"order {order_id} not found")
    return found


@router.get("/products/", response_model=schemas.Page[schemas.Product], tags=["products"])
async def list_products(
    read: Read, category: Text = None,
    search: Annotated[str | None, Query(min_length=1, max_length=100, pattern=PRINTABLE,
                                        description="part of the name, any case")] = None,
    sort: Literal["product_name", "revenue", "units_sold", "profit"] = "product_name",
    limit: Limit = DEFAULT_LIMIT, cursor: Cursor = None,
):
    """Products, by name (A-Z) or by revenue, units sold or profit (highest first)."""
    rows, after = await read(
        queries.list_products, category=category, search=search, sort=sort, limit=limit,
        cursor=cursor,
    )
    return {"items": rows, "limit": limit, "next": after}


@router.get("/products/{product_id}", response_model=schemas.Product, tags=["products"],
            responses={404: {"model": schemas.Error}})
async def get_product(read: Read, product_id: Id):
    """The product with this catalog id."""
    found = await read(queries.get_product, product_id)
    if found is None:
        raise HTTPException(404, f"product {product_id} not found")
    return found
