{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='order_sk',
        indexes=[
            {'columns': ['order_sk'], 'unique': true},
            {'columns': ['reconciliation_status']},
            {'columns': ['built_at']},
        ],
    )
}}

with

orders as not materialized (
    select * from {{ ref('orders') }}
),

payments as not materialized (
    select * from {{ ref('payments') }}
),

-- Rule 2 (macros/incremental.sql): orders written since this table's latest build, and
-- orders with payments written since, are reconciled again (delete+insert by order_sk).
affected_orders as (
    select orders.order_sk
    from orders
    where
        orders.order_id is not null
        and {{ built_since_last_build('orders.built_at') }}
    union
    select payments.order_sk
    from payments
    where {{ built_since_last_build('payments.built_at') }}
),

-- only orders with an Order_Id can be paid through the payment feed, which names orders by it
payable_orders as not materialized (
    select orders.*
    from orders
    where
        orders.order_id is not null
        {%- if is_incremental() %}
            and orders.order_sk in (select affected_orders.order_sk from affected_orders)
        {%- endif %}
),

-- the payments of those orders (every payment names a payable order; the final join keeps the
-- payable ones)
per_order as (
    select
        payments.order_sk,
        count(*) as payment_count,
        count(*) filter (where payments.payment_status = 'failed') as failed_payment_count,
        coalesce(
            sum(payments.amount) filter (where payments.payment_status = 'captured'), 0
        ) as captured_amount,
        coalesce(
            sum(payments.amount) filter (where payments.payment_status = 'refunded'), 0
        ) as refunded_amount,
        count(*) filter (where payments.payment_status = 'captured') as capture_count,
        min(payments.processed_at) filter (
            where payments.payment_status = 'captured'
        ) as captured_at
    from payments
    {%- if is_incremental() %}
        where payments.order_sk in (select affected_orders.order_sk from affected_orders)
    {%- endif %}
    group by payments.order_sk
),

final as (
    select
        -- ids
        payable_orders.order_sk,
        payable_orders.order_id,
        payable_orders.customer_id,

        -- dimensions
        case
            when coalesce(per_order.capture_count, 0) = 0 then 'unpaid'
            when per_order.captured_amount != payable_orders.revenue then 'amount_mismatch'
            when per_order.refunded_amount > 0 then 'refunded'
            else 'reconciled'
        end as reconciliation_status,
        payable_orders.payment_method,

        -- measures
        payable_orders.revenue as order_total,
        coalesce(per_order.payment_count, 0) as payment_count,
        coalesce(per_order.failed_payment_count, 0) as failed_payment_count,
        coalesce(per_order.captured_amount, 0) as captured_amount,
        coalesce(per_order.refunded_amount, 0) as refunded_amount,
        coalesce(per_order.captured_amount, 0) - payable_orders.revenue as captured_difference,

        -- dates and times
        payable_orders.order_date,
        per_order.captured_at,

        -- metadata
        {{ build_timestamp() }} as built_at
    from payable_orders
    left join per_order on payable_orders.order_sk = per_order.order_sk
)

select * from final
