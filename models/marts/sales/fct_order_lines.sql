{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='order_line_sk',
    )
}}

with

-- the lines with the list price and unit cost of the product version valid when each was
-- ordered (null when the catalog does not price it): one read of the lines, no join back
priced_lines as not materialized (
    select * from {{ ref('int_order_lines_priced') }}
),

products as (
    select * from {{ ref('products') }}
),

categories as (
    select * from {{ ref('categories') }}
),

-- Rule 2 (macros/incremental.sql): the lines written since this table's latest build
new_lines as (
    select priced_lines.*
    from priced_lines
    where {{ built_since_last_build('priced_lines.built_at') }}
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
        new_lines.list_price,
        new_lines.unit_cost,

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
