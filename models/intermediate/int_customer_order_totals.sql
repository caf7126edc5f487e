{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='customer_id',
        indexes=[
            {'columns': ['customer_id'], 'unique': true},
            {'columns': ['built_at']},
        ],
    )
}}

with

orders as not materialized (
    select * from {{ ref('orders') }}
),

-- Rule 2 (macros/incremental.sql): customers with orders written since this table's latest
-- build get their totals recomputed from all their orders (merged by customer_id).
customer_orders as (
    select orders.*
    from orders
    where {{ touched_since_last_build('orders', 'customer_id') }}
),

final as (
    select
        -- ids
        customer_id,

        -- dates
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,

        -- measures
        count(*) as order_count,
        cast(sum(units) as bigint) as units_purchased,
        sum(revenue) as revenue,
        sum(profit) as profit,

        -- metadata
        {{ build_timestamp() }} as built_at
    from customer_orders
    group by customer_id
)

select * from final
