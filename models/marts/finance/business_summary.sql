with

metrics_daily as (
    select * from {{ ref('metrics_daily') }}
),

customers as (
    select * from {{ ref('customers') }}
),

-- the days with orders (metrics_daily also holds days with only carts or refunds)
totals as (
    select
        max(date_day) as as_of_date,
        min(date_day) as first_order_date,
        sum(order_count) as order_count,
        sum(order_line_count) as order_line_count,
        sum(units_sold) as units_sold,
        sum(revenue) as revenue,
        sum(profit) as profit,
        sum(urgent_order_count) as urgent_order_count
    from metrics_daily
    where order_count > 0
    -- no orders, no summary row (like every other mart)
    having count(*) > 0
),

buyers as (
    select count(*) as customer_count
    from customers
    where first_order_date is not null
),

final as (
    select
        totals.as_of_date,
        totals.first_order_date,
        buyers.customer_count,
        cast(totals.order_count as bigint) as order_count,
        cast(totals.order_line_count as bigint) as order_line_count,
        cast(totals.units_sold as bigint) as units_sold,
        totals.revenue,
        totals.profit,
        round(totals.profit / nullif(totals.revenue, 0), 4) as profit_margin,
        round(totals.revenue / totals.order_count, 2) as avg_order_value,
        round(cast(totals.units_sold as numeric) / totals.order_count, 2) as avg_order_size,
        cast(totals.urgent_order_count as bigint) as urgent_order_count,
        round(cast(totals.urgent_order_count as numeric) / totals.order_count, 4)
            as urgent_order_share
    from totals
    cross join buyers
)

select * from final
