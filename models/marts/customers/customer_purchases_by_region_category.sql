{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='customer_id',
    )
}}

{#- Rule 2 (macros/incremental.sql): int_order_lines_located rewrites every line of a customer
    with new lines or registry versions; those customers, found among its rows written since
    this table's latest build, get all their rows recomputed from all their lines
    (delete+insert by customer_id), looked up when the model runs. A full build takes every
    customer. -#}
{%- if is_incremental() -%}
    {%- set affected = lookup_keys(
        'select distinct customer_id from ' ~ ref('int_order_lines_located')
        ~ ' where ' ~ built_since_last_build('built_at'),
        'bigint'
    ) -%}
{%- endif %}

with

order_lines as (
    select * from {{ ref('int_order_lines_located') }}
),

final as (
    select
        -- ids
        customer_id,

        -- dimensions
        region,
        product_category,

        -- measures
        count(distinct order_sk) as order_count,
        count(*) as order_line_count,
        cast(sum(quantity) as bigint) as units_purchased,
        sum(sales) as revenue,
        coalesce(sum(profit), 0) as profit,

        -- dates
        range_agg(daterange(order_date, order_date, '[]')) as order_days,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,

        -- metadata
        {{ build_timestamp() }} as built_at
    from order_lines
    {%- if is_incremental() %}
        where customer_id = any({{ affected }})
    {%- endif %}
    group by customer_id, region, product_category
)

select * from final
