{{ config(materialized='view') }}

with

order_lines as (
    select * from {{ ref('int_order_lines_priced') }}
),

orders as (
    select * from {{ ref('orders') }}
),

customer_history as (
    select * from {{ ref('customer_history') }}
),

products as (
    select * from {{ ref('products') }}
),

categories as (
    select * from {{ ref('categories') }}
),

-- Each order's region: that of the customer's registry version valid at the order's moment
-- (its day and time, midnight without a time), so every line of an order has the same one.
-- None when the registry did not know the customer then (an export-only load, or an order
-- placed before the customer's first version).
order_regions as (
    select
        orders.order_sk,
        customer_history.region
    from orders
    left join customer_history
        on
            orders.customer_id = customer_history.customer_id
            and orders.order_date + coalesce(orders.order_time, time '00:00')
            >= customer_history.valid_from
            and (
                orders.order_date + coalesce(orders.order_time, time '00:00')
                < customer_history.valid_to
                or customer_history.valid_to is null
            )
),

final as (
    select
        -- ids
        order_lines.order_line_sk,
        order_lines.order_sk,
        order_lines.product_sk,
        order_lines.customer_id,

        -- dimensions
        coalesce(order_regions.region, 'Unknown') as region,
        categories.category_name as product_category,

        -- measures
        order_lines.quantity,
        order_lines.sales,
        order_lines.profit,

        -- dates
        order_lines.order_date,

        -- metadata
        order_lines.built_at
    from order_lines
    inner join order_regions on order_lines.order_sk = order_regions.order_sk
    inner join products on order_lines.product_sk = products.product_sk
    inner join categories on products.category_sk = categories.category_sk
)

select * from final
