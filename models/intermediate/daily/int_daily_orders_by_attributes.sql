{#- Rule 2 (macros/incremental.sql): the day of the earliest order written since this
    table's latest build; it and every later day are recomputed whole (delete+insert by
    order_date). A full build reads every day. -#}
{%- set first_day = first_changed(ref('orders'), 'order_date') -%}

with

orders as (
    select * from {{ ref('orders') }}
),

final as (
    select
        -- dimensions
        orders.order_date,
        orders.order_priority,
        orders.device_type,
        orders.login_type,

        -- measures
        count(*) as order_count,
        cast(sum(orders.units) as bigint) as units,
        sum(orders.revenue) as revenue,
        sum(orders.profit) as profit,

        -- metadata
        {{ build_timestamp() }} as built_at
    from orders
    where orders.order_date >= {{ first_day }}
    group by
        orders.order_date,
        orders.order_priority,
        orders.device_type,
        orders.login_type
)

select * from final
