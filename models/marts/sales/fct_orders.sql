{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='order_sk',
    )
}}

with

orders as not materialized (
    select * from {{ ref('orders') }}
),

payment_reconciliation as not materialized (
    select * from {{ ref('payment_reconciliation') }}
),

-- Rule 2 (macros/incremental.sql): orders written since this table's latest build, and orders
-- whose payments were reconciled again since, are merged in place by order_sk
-- (fct_order_lines' foreign key points here).
affected_orders as (
    select orders.order_sk
    from orders
    where {{ built_since_last_build('orders.built_at') }}
    union
    select payment_reconciliation.order_sk
    from payment_reconciliation
    where {{ built_since_last_build('payment_reconciliation.built_at') }}
),

final as (
    select
        -- ids
        orders.order_sk,
        orders.order_id,
        orders.customer_id,

        -- dimensions
        orders.order_priority,
        orders.device_type,
        orders.login_type,
        orders.payment_method,
        -- orders without an Order_Id cannot be named by the payment feed
        coalesce(
            payment_reconciliation.reconciliation_status,
            case when orders.order_id is null then 'not_tracked' end
        ) as payment_status,

        -- booleans
        orders.is_urgent,

        -- measures
        orders.line_count,
        orders.units,
        orders.revenue,
        orders.profit,

        -- dates
        orders.order_date,
        orders.order_time,

        -- metadata
        {{ build_timestamp() }} as built_at
    from orders
    left join payment_reconciliation
        on orders.order_sk = payment_reconciliation.order_sk
    {%- if is_incremental() %}
        where orders.order_sk in (select affected_orders.order_sk from affected_orders)
    {%- endif %}
)

select * from final
