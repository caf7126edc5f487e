with

orders as (
    select * from {{ ref('orders') }}
),

per_priority as (
    select
        coalesce(order_priority, 'unknown') as order_priority,
        bool_or(is_urgent) as is_urgent,
        count(*) as order_count,
        cast(sum(units) as bigint) as units_sold,
        sum(revenue) as revenue,
        sum(profit) as profit
    from orders
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
        is_urgent,
        order_count,
        round(order_count / nullif(sum(order_count) over (), 0), 4) as order_share,
        units_sold,
        revenue,
        profit
    from per_priority
)

select * from final
