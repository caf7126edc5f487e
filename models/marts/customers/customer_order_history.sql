{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='customer_id',
        indexes=[
            {'columns': ['customer_id', 'order_number'], 'unique': true},
            {'columns': ['built_at']},
        ],
    )
}}

with

orders as not materialized (
    select * from {{ ref('orders') }}
),

-- Rule 2 (macros/incremental.sql): customers with orders written since this table's latest
-- build get their whole history recomputed (a late order renumbers the ones after it).
customer_orders as (
    select orders.*
    from orders
    where {{ touched_since_last_build('orders', 'customer_id') }}
),

-- a customer's orders in time order: day, time (orders without a time first), order key
numbered as (
    select
        *,
        row_number() over customer_timeline as order_number,
        sum(revenue) over customer_timeline as cumulative_revenue,
        sum(units) over customer_timeline as cumulative_units,
        lag(order_date) over customer_timeline as previous_order_date
    from customer_orders
    window customer_timeline as (
        partition by customer_id
        order by order_date, order_time nulls first, order_key
        rows between unbounded preceding and current row
    )
),

final as (
    select
        -- ids
        customer_id,
        order_sk,
        order_id,

        -- dimensions
        order_number,
        order_number = 1 as is_first_order,

        -- measures
        revenue,
        units,
        cumulative_revenue,
        cast(cumulative_units as bigint) as cumulative_units,
        order_date - previous_order_date as days_since_previous_order,

        -- dates and times
        order_date,
        order_time,

        -- metadata
        {{ build_timestamp() }} as built_at
    from numbered
)

select * from final
