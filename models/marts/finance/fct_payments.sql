{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='payment_id',
    )
}}

with

payments as not materialized (
    select * from {{ ref('payments') }}
),

-- Rule 2 (macros/incremental.sql): the payment events written since this table's latest build
new_payments as (
    select payments.*
    from payments
    where {{ built_since_last_build('payments.built_at') }}
),

final as (
    select
        -- ids
        payment_id,
        order_sk,

        -- dimensions
        payment_method,
        payment_status,

        -- measures
        amount,

        -- dates
        processed_date,

        -- metadata
        {{ build_timestamp() }} as built_at
    from new_payments
)

select * from final
