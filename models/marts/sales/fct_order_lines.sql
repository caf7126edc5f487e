{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='order_line_sk',
    )
}}

with

order_lines as not materialized (
    select * from {{ ref('order_lines') }}
),

products as (
    select * from {{ ref('products') }}
),

categories as (
    select * from {{ ref('categories') }}
),

-- Rule 2 (macros/incremental.sql): the lines written since this table's latest build
new_lines as (
    select order_lines.*
    from order_lines
    where {{ built_since_last_build('order_lines.built_at') }}
),

final as (
    select
        -- ids
        new_lines.order_line_sk,
        new_lines.order_sk,
        new_lines.product_sk,
        new_lines.customer_id,

        -- dimensions
        products.product_id,
        products.product_name,
        categories.category_name as product_category,

        -- measures
        new_lines.quantity,
        new_lines.sales,
        new_lines.discount_rate,
        new_lines.profit,
        new_lines.shipping_cost,

        -- dates
        new_lines.order_date,
        new_lines.order_time,

        -- metadata
        {{ build_timestamp() }} as built_at
    from new_lines
    inner join products on new_lines.product_sk = products.product_sk
    inner join categories on products.category_sk = categories.category_sk
)

select * from final
