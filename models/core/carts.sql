{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        indexes=[
            {'columns': ['batch_id']},
            {'columns': ['built_at']},
            {'columns': ['order_sk']},
            {'columns': ['created_date']},
        ],
    )
}}

with

carts as (
    select * from {{ ref('stg_shop__carts') }}
),

-- Rule 1 (macros/incremental.sql): the carts of batches not processed yet.
new_carts as (
    select carts.*
    from carts
    where carts.batch_id in ({{ unprocessed_batches('carts') }})
),

final as (
    select
        -- ids
        cart_id,
        customer_id,
        case
            when order_id is not null then {{ order_sk_of_id('order_id') }}
        end as order_sk,
        order_id,

        -- dimensions
        cart_status,
        cart_status = 'converted' as is_converted,

        -- dates and times
        created_at,
        cast(created_at as date) as created_date,

        -- metadata
        batch_id,
        line_number,
        loaded_at,
        {{ build_timestamp() }} as built_at
    from new_carts
)

select * from final
