{#- A table, built once per run, so the four marts by customer region aggregate it instead of
    each joining every line to orders, the registry and the catalog again. Rule 2
    (macros/incremental.sql): customers with lines or registry versions written since this
    table's latest build get all their lines located again (delete+insert by customer_id),
    looked up when the model runs; a full build locates every line. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='customer_id',
        indexes=[
            {'columns': ['order_line_sk'], 'unique': True},
            {'columns': ['customer_id']},
            {'columns': ['order_date']},
            {'columns': ['built_at']},
        ],
    )
}}

{%- if is_incremental() -%}
    {%- set affected = lookup_keys(
        'select customer_id from ' ~ ref('order_lines')
        ~ ' where ' ~ built_since_last_build('built_at')
        ~ ' union select customer_id from ' ~ ref('customer_history')
        ~ ' where ' ~ built_since_last_build('built_at'),
        'bigint'
    ) -%}
{%- endif %}

with

order_lines as (
    select * from {{ ref('order_lines') }}
    {%- if is_incremental() %}
        where customer_id = any({{ affected }})
    {%- endif %}
),

orders as (
    select * from {{ ref('orders') }}
    {%- if is_incremental() %}
        where customer_id = any({{ affected }})
    {%- endif %}
),

customer_history as (
    select * from {{ ref('customer_history') }}
),

products as (
    select * from {{ ref('products') }}
),

categories as (
    select * from {{ ref('categories') }}
),

-- Each order's region: that of the customer's registry version valid at the order's moment
-- (its day and time, midnight without a time), so every line of an order has the same one.
-- None when the registry did not know the customer then (an export-only load, or an order
-- placed before the customer's first version).
order_regions as (
    select
        orders.order_sk,
        customer_history.region
    from orders
    left join customer_history
        on
            orders.customer_id = customer_history.customer_id
            and orders.order_date + coalesce(orders.order_time, time '00:00')
            >= customer_history.valid_from
            and (
                orders.order_date + coalesce(orders.order_time, time '00:00')
                < customer_history.valid_to
                or customer_history.valid_to is null
            )
),

final as (
    select
        -- ids
        order_lines.order_line_sk,
        order_lines.order_sk,
        order_lines.product_sk,
        order_lines.customer_id,

        -- dimensions
        coalesce(order_regions.region, 'Unknown') as region,
        categories.category_name as product_category,

        -- measures
        order_lines.quantity,
        order_lines.sales,
        order_lines.profit,

        -- dates
        order_lines.order_date,

        -- metadata
        {{ build_timestamp() }} as built_at
    from order_lines
    inner join order_regions on order_lines.order_sk = order_regions.order_sk
    inner join products on order_lines.product_sk = products.product_sk
    inner join categories on products.category_sk = categories.category_sk
)

select * from final
