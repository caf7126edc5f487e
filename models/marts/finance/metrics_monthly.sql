{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='month_start',
        indexes=[
            {'columns': ['month_start'], 'unique': true},
            {'columns': ['built_at']},
        ],
    )
}}

{#- Rule 2 (macros/incremental.sql): the month of the earliest day metrics_daily recomputed
    since this table's latest build; it and every later month are recomputed whole
    (delete+insert by month_start). A full build reads every month. -#}
{%- set first_month = first_changed(ref('metrics_daily'), 'date_day', 'month') -%}

with

metrics_daily as (
    select * from {{ ref('metrics_daily') }}
),

orders as (
    select * from {{ ref('orders') }}
),

-- Sums of the daily figures; only the distinct customers of a month need the orders again.
monthly as (
    select
        cast(date_trunc('month', metrics_daily.date_day) as date) as month_start,
        sum(metrics_daily.order_count) as order_count,
        sum(metrics_daily.order_line_count) as order_line_count,
        sum(metrics_daily.units_sold) as units_sold,
        sum(metrics_daily.revenue) as revenue,
        sum(metrics_daily.profit) as profit,
        sum(metrics_daily.urgent_order_count) as urgent_order_count,
        sum(metrics_daily.new_customer_count) as new_customer_count,
        sum(metrics_daily.refund_count) as refund_count,
        sum(metrics_daily.refunded_amount) as refunded_amount,
        sum(metrics_daily.carts_created) as carts_created,
        sum(metrics_daily.carts_converted) as carts_converted
    from metrics_daily
    where metrics_daily.date_day >= {{ first_month }}
    group by cast(date_trunc('month', metrics_daily.date_day) as date)
),

monthly_customers as (
    select
        cast(date_trunc('month', orders.order_date) as date) as month_start,
        count(distinct orders.customer_id) as active_customer_count
    from orders
    where orders.order_date >= {{ first_month }}
    group by cast(date_trunc('month', orders.order_date) as date)
),

final as (
    select
        -- dates
        monthly.month_start,

        -- measures
        cast(monthly.order_count as bigint) as order_count,
        cast(monthly.order_line_count as bigint) as order_line_count,
        cast(monthly.units_sold as bigint) as units_sold,
        monthly.revenue,
        monthly.profit,
        round(monthly.revenue / nullif(monthly.order_count, 0), 2) as avg_order_value,
        cast(monthly.urgent_order_count as bigint) as urgent_order_count,
        coalesce(monthly_customers.active_customer_count, 0) as active_customer_count,
        cast(monthly.new_customer_count as bigint) as new_customer_count,
        -- active customers whose first order was in an earlier month
        coalesce(monthly_customers.active_customer_count, 0)
        - cast(monthly.new_customer_count as bigint) as returning_customer_count,
        cast(monthly.refund_count as bigint) as refund_count,
        monthly.refunded_amount,
        cast(monthly.carts_created as bigint) as carts_created,
        cast(monthly.carts_converted as bigint) as carts_converted,
        round(
            monthly.carts_converted / nullif(monthly.carts_created, 0), 4
        ) as cart_conversion_rate,

        -- metadata
        {{ build_timestamp() }} as built_at
    from monthly
    left join monthly_customers on monthly.month_start = monthly_customers.month_start
)

select * from final
