{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='month_start',
        indexes=[
            {'columns': ['month_start', 'product_sk'], 'unique': true},
            {'columns': ['month_start', 'revenue_rank']},
            {'columns': ['built_at']},
        ],
    )
}}

{#- Rule 2 (macros/incremental.sql): the month of the earliest day recomputed in the daily
    sums since this table's latest build; it and every later month are recomputed whole,
    ranks included (delete+insert by month_start). A full build reads every month. -#}
{%- set first_month = first_changed(ref('int_daily_product_sales'), 'order_date', 'month') -%}

with

daily_sales as (
    select * from {{ ref('int_daily_product_sales') }}
),

products as (
    select * from {{ ref('products') }}
),

categories as (
    select * from {{ ref('categories') }}
),

-- the sums of the month's days (an order belongs to one day, so daily order counts add up to
-- the month's)
per_product as (
    select
        cast(date_trunc('month', daily_sales.order_date) as date) as month_start,
        daily_sales.product_sk,
        cast(sum(daily_sales.order_count) as bigint) as order_count,
        cast(sum(daily_sales.units_sold) as bigint) as units_sold,
        sum(daily_sales.revenue) as revenue,
        coalesce(sum(daily_sales.profit), 0) as profit
    from daily_sales
    where daily_sales.order_date >= {{ first_month }}
    group by
        cast(date_trunc('month', daily_sales.order_date) as date),
        daily_sales.product_sk
),

final as (
    select
        -- ids
        per_product.month_start,
        per_product.product_sk,
        products.sku,

        -- dimensions
        products.product_name,
        categories.category_name as product_category,

        -- measures
        per_product.order_count,
        per_product.units_sold,
        per_product.revenue,
        per_product.profit,
        rank() over (
            partition by per_product.month_start order by per_product.revenue desc
        ) as revenue_rank,
        rank() over (
            partition by per_product.month_start order by per_product.units_sold desc
        ) as units_rank,

        -- metadata
        {{ build_timestamp() }} as built_at
    from per_product
    inner join products on per_product.product_sk = products.product_sk
    inner join categories on products.category_sk = categories.category_sk
)

select * from final
