-- Captured payments reconcile with order totals except where flagged: every order with an
-- Order_Id whose captured payments (summed here from core.payments, independently of the mart)
-- differ from its total is flagged in payment_reconciliation (`unpaid` or `amount_mismatch`),
-- and every order the mart calls `reconciled` or `refunded` is captured in full. Returns the
-- orders where the mart and the payments disagree. On an incremental build, the orders the
-- build reconciled again (when every order is checked, every payment is summed, no join).
{%- set scope = latest_build_condition(ref('payment_reconciliation')) -%}
{%- set every_order = 'true' if scope == 'true' else 'false' %}
with

reconciliation as not materialized (
    select *
    from {{ ref('payment_reconciliation') }}
    where {{ scope }}
),

orders as not materialized (
    select * from {{ ref('orders') }}
),

payments as (
    select * from {{ ref('payments') }}
),

captured as (
    select
        payments.order_sk,
        sum(payments.amount) as captured_amount
    from payments
    where
        payments.payment_status = 'captured'
        and (
            {{ every_order }}
            or payments.order_sk in (select reconciliation.order_sk from reconciliation)
        )
    group by payments.order_sk
),

final as (
    select
        reconciliation.order_sk,
        reconciliation.reconciliation_status,
        orders.revenue as order_total,
        captured.captured_amount
    from reconciliation
    inner join orders on reconciliation.order_sk = orders.order_sk
    left join captured on reconciliation.order_sk = captured.order_sk
    where
        (
            captured.captured_amount is distinct from orders.revenue
            and reconciliation.reconciliation_status not in ('unpaid', 'amount_mismatch')
        )
        or (
            captured.captured_amount = orders.revenue
            and reconciliation.reconciliation_status in ('unpaid', 'amount_mismatch')
        )
)

select * from final
