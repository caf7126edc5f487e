{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='order_date',
    )
}}

{#- Rule 2 (macros/incremental.sql): the earliest day touched by lines or registry versions
    written since this table's latest build; it and every later day are recomputed whole
    (delete+insert by order_date). A full build reads every day. -#}
{%- set first_day = first_changed_by_region(
    ref('int_order_lines_priced'), ref('customer_history')
) -%}

with

order_lines as (
    select * from {{ ref('int_order_lines_located') }}
),

-- One row per order: its day, the region it was placed from (all lines of an order share a
-- customer and a moment) and its basket, the sorted categories of its lines.
orders as (
    select
        order_sk,
        min(order_date) as order_date,
        min(region) as region,
        array_agg(distinct product_category order by product_category) as basket,
        count(*) as order_line_count,
        sum(quantity) as units,
        sum(sales) as revenue,
        coalesce(sum(profit), 0) as profit
    from order_lines
    where order_date >= {{ first_day }}
    group by order_sk
),

final as (
    select
        -- dimensions
        order_date,
        region,
        basket,
        cardinality(basket) as category_count,

        -- measures
        count(*) as order_count,
        cast(sum(order_line_count) as bigint) as order_line_count,
        cast(sum(units) as bigint) as units_sold,
        sum(revenue) as revenue,
        sum(profit) as profit,

        -- metadata
        {{ build_timestamp() }} as built_at
    from orders
    group by order_date, region, basket
)

select * from final
