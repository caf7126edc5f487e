-- A view: the API reads an order's lines or a customer's through core's indexes, and a build
-- does not copy a million lines into a second table. The reporter reads it with the rights of
-- its owner (the transformer), so core stays closed to the reporter.
{{ config(materialized='view') }}

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

final as (
    select
        -- ids
        order_lines.order_line_sk,
        order_lines.order_sk,
        order_lines.product_sk,
        order_lines.customer_id,

        -- dimensions
        products.product_id,
        products.product_name,
        categories.category_name as product_category,

        -- measures
        order_lines.quantity,
        order_lines.sales,
        order_lines.discount_rate,
        order_lines.profit,
        order_lines.shipping_cost,

        -- dates
        order_lines.order_date,
        order_lines.order_time,

        -- metadata
        order_lines.built_at
    from order_lines
    inner join products on order_lines.product_sk = products.product_sk
    inner join categories on products.category_sk = categories.category_sk
)

select * from final
