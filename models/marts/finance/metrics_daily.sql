{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='date_day',
        indexes=[
            {'columns': ['date_day'], 'unique': true},
            {'columns': ['built_at']},
        ],
    )
}}

{#- a full build reads every day -#}
{%- set first_day = "date '-infinity'" -%}
{%- if is_incremental() -%}
    {#- Rule 2 (macros/incremental.sql): the earliest day touched by rows written since this
        table's latest build, but no later than the day after the last one kept (so no day is
        ever skipped). It and every later day are recomputed (delete+insert by date_day); a
        late order can turn a later "new" customer into a returning one. -#}
    {%- set since = built_since_last_build('built_at') -%}
    {%- set first_day = lookup_date(
        "select least("
        ~ "(select min(order_date) from " ~ ref('orders') ~ " where " ~ since ~ "), "
        ~ "(select min(processed_date) from " ~ ref('payments')
        ~ " where payment_status = 'refunded' and " ~ since ~ "), "
        ~ "(select min(created_date) from " ~ ref('carts') ~ " where " ~ since ~ "), "
        ~ "(select max(date_day) + 1 from " ~ this ~ "))"
    ) -%}
{%- endif -%}

with

orders as not materialized (
    select * from {{ ref('orders') }}
),

customers as not materialized (
    select * from {{ ref('customers') }}
),

payments as not materialized (
    select * from {{ ref('payments') }}
),

carts as not materialized (
    select * from {{ ref('carts') }}
),

-- The days the business was active on: orders placed, refunds paid, carts opened; on an
-- incremental build those of the rows written since this table's latest build.
changed_days as (
    select orders.order_date as date_day
    from orders
    where {{ built_since_last_build('orders.built_at') }}
    union all
    select payments.processed_date as date_day
    from payments
    where
        payments.payment_status = 'refunded'
        and {{ built_since_last_build('payments.built_at') }}
    union all
    select carts.created_date as date_day
    from carts
    where {{ built_since_last_build('carts.built_at') }}
),

bounds as (
    {{ days_to_recompute('changed_days', 'date_day', 'date_day', first_day) }}
),

-- every day of the range, zeros included; date + integer keeps this free of time zones
calendar as (
    select bounds.first_day + day_offset.n as date_day
    from bounds
    cross join generate_series(0, bounds.last_day - bounds.first_day) as day_offset (n)
),

daily_orders as (
    select
        orders.order_date as date_day,
        count(*) as order_count,
        sum(orders.line_count) as order_line_count,
        sum(orders.units) as units_sold,
        sum(orders.revenue) as revenue,
        sum(orders.profit) as profit,
        count(*) filter (where orders.is_urgent) as urgent_order_count,
        count(distinct orders.customer_id) as active_customer_count,
        count(distinct orders.customer_id) filter (
            where customers.first_order_date < orders.order_date
        ) as returning_customer_count
    from orders
    inner join customers on orders.customer_id = customers.customer_id
    where orders.order_date >= {{ first_day }}
    group by orders.order_date
),

daily_new_customers as (
    select
        customers.first_order_date as date_day,
        count(*) as new_customer_count
    from customers
    where
        customers.first_order_date is not null
        and customers.first_order_date >= {{ first_day }}
    group by customers.first_order_date
),

daily_refunds as (
    select
        payments.processed_date as date_day,
        count(*) as refund_count,
        sum(payments.amount) as refunded_amount
    from payments
    where
        payments.payment_status = 'refunded'
        and payments.processed_date >= {{ first_day }}
    group by payments.processed_date
),

daily_carts as (
    select
        carts.created_date as date_day,
        count(*) as carts_created,
        count(*) filter (where carts.is_converted) as carts_converted
    from carts
    where carts.created_date >= {{ first_day }}
    group by carts.created_date
),

final as (
    select
        -- dates
        calendar.date_day,

        -- measures
        coalesce(daily_orders.order_count, 0) as order_count,
        cast(coalesce(daily_orders.order_line_count, 0) as bigint) as order_line_count,
        cast(coalesce(daily_orders.units_sold, 0) as bigint) as units_sold,
        coalesce(daily_orders.revenue, 0) as revenue,
        coalesce(daily_orders.profit, 0) as profit,
        round(daily_orders.revenue / daily_orders.order_count, 2) as avg_order_value,
        coalesce(daily_orders.urgent_order_count, 0) as urgent_order_count,
        coalesce(daily_orders.active_customer_count, 0) as active_customer_count,
        coalesce(daily_new_customers.new_customer_count, 0) as new_customer_count,
        coalesce(daily_orders.returning_customer_count, 0) as returning_customer_count,
        coalesce(daily_refunds.refund_count, 0) as refund_count,
        coalesce(daily_refunds.refunded_amount, 0) as refunded_amount,
        coalesce(daily_carts.carts_created, 0) as carts_created,
        coalesce(daily_carts.carts_converted, 0) as carts_converted,
        round(
            cast(daily_carts.carts_converted as numeric) / daily_carts.carts_created, 4
        ) as cart_conversion_rate,

        -- metadata
        {{ build_timestamp() }} as built_at
    from calendar
    left join daily_orders on calendar.date_day = daily_orders.date_day
    left join daily_new_customers on calendar.date_day = daily_new_customers.date_day
    left join daily_refunds on calendar.date_day = daily_refunds.date_day
    left join daily_carts on calendar.date_day = daily_carts.date_day
)

select * from final
