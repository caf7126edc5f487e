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

final as (
    select
        -- ids
        product_sk,

        -- dimensions
        order_date,
        region,
        product_category,

        -- measures
        count(distinct order_sk) as order_count,
        count(*) as order_line_count,
        cast(sum(quantity) as bigint) as units_sold,
        sum(sales) as revenue,
        coalesce(sum(profit), 0) as profit,

        -- metadata
        {{ build_timestamp() }} as built_at
    from order_lines
    where order_date >= {{ first_day }}
    group by order_date, region, product_sk, product_category
)

select * from final
