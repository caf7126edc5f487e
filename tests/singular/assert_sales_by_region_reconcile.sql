-- The marts by customer region hold the same sales as the marts they summarize differently:
-- per day, `sales_daily_by_region_category` (revenue, profit, units) and
-- `orders_daily_by_region_basket` (orders, revenue, profit, units) equal `revenue_daily`; per
-- category, `sales_daily_by_region_category` (revenue, profit, units, orders) equals
-- `category_performance`; cell by cell, `sales_daily_by_region_product` summed over the
-- products equals `sales_daily_by_region_category`; per customer,
-- `customer_purchases_by_region_category` equals `dim_customers`' lifetime totals. Always over
-- every row. Returns each day, category, cell or customer that differs.

with

by_region_category as (
    select * from {{ ref('sales_daily_by_region_category') }}
),

by_region_product as (
    select * from {{ ref('sales_daily_by_region_product') }}
),

by_region_basket as (
    select * from {{ ref('orders_daily_by_region_basket') }}
),

customer_purchases as (
    select * from {{ ref('customer_purchases_by_region_category') }}
),

revenue_daily as (
    select * from {{ ref('revenue_daily') }}
),

category_performance as (
    select * from {{ ref('category_performance') }}
),

dim_customers as (
    select * from {{ ref('dim_customers') }}
),

category_days as (
    select
        order_date,
        sum(revenue) as revenue,
        sum(profit) as profit,
        sum(units_sold) as units
    from by_region_category
    group by order_date
),

basket_days as (
    select
        order_date,
        sum(order_count) as order_count,
        sum(revenue) as revenue,
        sum(profit) as profit,
        sum(units_sold) as units
    from by_region_basket
    group by order_date
),

-- days without orders are zeros in revenue_daily and absent from the marts by region
day_differences as (
    select
        'day ' || revenue_daily.date_day as difference,
        revenue_daily.revenue as expected,
        coalesce(category_days.revenue, 0) as by_category,
        coalesce(basket_days.revenue, 0) as by_basket
    from revenue_daily
    left join category_days on revenue_daily.date_day = category_days.order_date
    left join basket_days on revenue_daily.date_day = basket_days.order_date
    where
        coalesce(category_days.revenue, 0) != revenue_daily.revenue
        or coalesce(category_days.profit, 0) != revenue_daily.profit
        or coalesce(category_days.units, 0) != revenue_daily.units_sold
        or coalesce(basket_days.revenue, 0) != revenue_daily.revenue
        or coalesce(basket_days.profit, 0) != revenue_daily.profit
        or coalesce(basket_days.units, 0) != revenue_daily.units_sold
        or coalesce(basket_days.order_count, 0) != revenue_daily.order_count
    union all
    -- a day of the marts by region that revenue_daily does not have
    select
        'day ' || coalesce(category_days.order_date, basket_days.order_date) as difference,
        cast(null as numeric) as expected,
        category_days.revenue as by_category,
        basket_days.revenue as by_basket
    from category_days
    full outer join basket_days on category_days.order_date = basket_days.order_date
    left join revenue_daily
        on coalesce(category_days.order_date, basket_days.order_date) = revenue_daily.date_day
    where revenue_daily.date_day is null
),

categories as (
    select
        product_category,
        sum(revenue) as revenue,
        sum(profit) as profit,
        sum(units_sold) as units,
        sum(order_count) as order_count
    from by_region_category
    group by product_category
),

category_differences as (
    select
        'category ' || coalesce(
            categories.product_category, category_performance.product_category
        ) as difference,
        category_performance.revenue as expected,
        categories.revenue as by_category,
        cast(null as numeric) as by_basket
    from categories
    full outer join category_performance
        on categories.product_category = category_performance.product_category
    where
        categories.revenue is distinct from category_performance.revenue
        or categories.profit is distinct from category_performance.profit
        or categories.units is distinct from category_performance.units_sold
        or categories.order_count is distinct from category_performance.order_count
),

product_cells as (
    select
        order_date,
        region,
        product_category,
        sum(revenue) as revenue,
        sum(profit) as profit,
        sum(units_sold) as units,
        sum(order_line_count) as line_count
    from by_region_product
    group by order_date, region, product_category
),

cell_differences as (
    select
        'cell ' || coalesce(by_region_category.order_date, product_cells.order_date)
        || ' ' || coalesce(by_region_category.region, product_cells.region)
        || ' ' || coalesce(
            by_region_category.product_category, product_cells.product_category
        ) as difference,
        by_region_category.revenue as expected,
        product_cells.revenue as by_category,
        cast(null as numeric) as by_basket
    from by_region_category
    full outer join product_cells
        on
            by_region_category.order_date = product_cells.order_date
            and by_region_category.region = product_cells.region
            and by_region_category.product_category = product_cells.product_category
    where
        by_region_category.revenue is distinct from product_cells.revenue
        or by_region_category.profit is distinct from product_cells.profit
        or by_region_category.units_sold is distinct from product_cells.units
        or by_region_category.order_line_count is distinct from product_cells.line_count
),

customers as (
    select
        customer_id,
        sum(revenue) as revenue,
        sum(profit) as profit,
        sum(units_purchased) as units
    from customer_purchases
    group by customer_id
),

customer_differences as (
    select
        'customer ' || dim_customers.customer_id as difference,
        dim_customers.lifetime_revenue as expected,
        coalesce(customers.revenue, 0) as by_category,
        cast(null as numeric) as by_basket
    from dim_customers
    left join customers on dim_customers.customer_id = customers.customer_id
    where
        coalesce(customers.revenue, 0) != dim_customers.lifetime_revenue
        or coalesce(customers.profit, 0) != dim_customers.lifetime_profit
        or coalesce(customers.units, 0) != dim_customers.units_purchased
),

final as (
    select * from day_differences
    union all
    select * from category_differences
    union all
    select * from cell_differences
    union all
    select * from customer_differences
)

select * from final
