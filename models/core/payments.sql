{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        indexes=[
            {'columns': ['batch_id']},
            {'columns': ['built_at']},
            {'columns': ['order_sk']},
            {'columns': ['processed_date']},
        ],
    )
}}

with

payments as (
    select * from {{ ref('stg_shop__payments') }}
),

-- Rule 1 (macros/incremental.sql): the payments of batches not processed yet.
new_payments as (
    select payments.*
    from payments
    where payments.batch_id in ({{ unprocessed_batches('payments') }})
),

final as (
    select
        -- ids
        payment_id,
        {{ order_sk_of_id('order_id') }} as order_sk,
        order_id,

        -- dimensions
        payment_method,
        payment_status,

        -- measures
        amount,

        -- dates and times
        processed_at,
        cast(processed_at as date) as processed_date,

        -- metadata
        batch_id,
        line_number,
        loaded_at,
        {{ build_timestamp() }} as built_at
    from new_payments
)

select * from final
