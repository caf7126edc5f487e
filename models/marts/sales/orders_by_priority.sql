with

daily_orders as (
    select * from {{ ref('int_daily_orders_by_attributes') }}
),

per_priority as (
    select
        coalesce(order_priority, 'unknown') as order_priority,
        sum(order_count) as order_count,
        sum(units) as units_sold,
        sum(revenue) as revenue,
        sum(profit) as profit
    from daily_orders
    group by coalesce(order_priority, 'unknown')
),

final as (
    select
        order_priority,
        case order_priority
            when 'low' then 1
            when 'medium' then 2
            when 'high' then 3
            when 'critical' then 4
        end as priority_level,
        order_priority in ('high', 'critical') as is_urgent,
        cast(order_count as bigint) as order_count,
        round(order_count / nullif(sum(order_count) over (), 0), 4) as order_share,
        cast(units_sold as bigint) as units_sold,
        revenue,
        profit
    from per_priority
)

select * from final
