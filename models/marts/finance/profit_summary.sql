{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='month_start',
        indexes=[
            {'columns': ['month_start', 'product_category'], 'unique': true},
            {'columns': ['built_at']},
        ],
    )
}}

{#- Rule 2 (macros/incremental.sql): the month of the earliest day recomputed in the daily
    sums since this table's latest build; it and every later month are recomputed whole,
    every category (delete+insert by month_start). A full build reads every month. -#}
{%- set first_month = first_changed(ref('int_daily_category_sales'), 'order_date', 'month') -%}

with

daily_sales as (
    select * from {{ ref('int_daily_category_sales') }}
),

categories as (
    select * from {{ ref('categories') }}
),

-- the sums of the month's days (an order belongs to one day, so daily order counts add up to
-- the month's)
per_category as (
    select
        cast(date_trunc('month', daily_sales.order_date) as date) as month_start,
        categories.category_name as product_category,
        categories.category_sk,
        sum(daily_sales.order_count) as order_count,
        sum(daily_sales.units_sold) as units_sold,
        sum(daily_sales.revenue) as revenue,
        coalesce(sum(daily_sales.profit), 0) as profit,
        sum(daily_sales.cost) as cost,  -- noqa: RF04
        sum(daily_sales.discount_given) as discount_given,
        sum(daily_sales.unpriced_line_count) as unpriced_line_count
    from daily_sales
    inner join categories on daily_sales.category_sk = categories.category_sk
    where daily_sales.order_date >= {{ first_month }}
    group by
        cast(date_trunc('month', daily_sales.order_date) as date),
        categories.category_name,
        categories.category_sk
),

final as (
    select
        -- dimensions
        month_start,
        product_category,
        category_sk,

        -- measures
        cast(order_count as bigint) as order_count,
        cast(units_sold as bigint) as units_sold,
        revenue,
        profit,
        -- cost and what follows from it only when every line found its product version
        case when unpriced_line_count = 0 then cost end as cost,  -- noqa: RF04
        case when unpriced_line_count = 0 then revenue - cost end as gross_profit,
        case
            when unpriced_line_count = 0 then round((revenue - cost) / nullif(revenue, 0), 4)
        end as gross_margin,
        case when unpriced_line_count = 0 then discount_given end as discount_given,
        cast(unpriced_line_count as bigint) as unpriced_line_count,

        -- metadata
        {{ build_timestamp() }} as built_at
    from per_category
)

select * from final
