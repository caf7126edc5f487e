with

orders as (
    select * from {{ ref('orders') }}
),

totals as (
    select
        max(order_date) as as_of_date,
        min(order_date) as first_order_date,
        count(distinct customer_id) as customer_count,
        count(*) as order_count,
        cast(sum(line_count) as bigint) as order_line_count,
        cast(sum(units) as bigint) as units_sold,
        sum(revenue) as revenue,
        sum(profit) as profit,
        count(*) filter (where is_urgent) as urgent_order_count
    from orders
    -- no orders, no summary row (like every other mart)
    having count(*) > 0
),

final as (
    select
        as_of_date,
        first_order_date,
        customer_count,
        order_count,
        order_line_count,
        units_sold,
        revenue,
        profit,
        round(profit / nullif(revenue, 0), 4) as profit_margin,
        round(revenue / order_count, 2) as avg_order_value,
        round(cast(units_sold as numeric) / order_count, 2) as avg_order_size,
        urgent_order_count,
        round(cast(urgent_order_count as numeric) / order_count, 4)
            as urgent_order_share
    from totals
)

select * from final
