{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='cart_id',
    )
}}

with

carts as not materialized (
    select * from {{ ref('carts') }}
),

-- Rule 2 (macros/incremental.sql): the carts written since this table's latest build
new_carts as (
    select carts.*
    from carts
    where {{ built_since_last_build('carts.built_at') }}
),

final as (
    select
        -- ids
        cart_id,
        customer_id,
        order_sk,

        -- dimensions
        cart_status,

        -- booleans
        is_converted,

        -- dates
        created_date,

        -- metadata
        {{ build_timestamp() }} as built_at
    from new_carts
)

select * from final
