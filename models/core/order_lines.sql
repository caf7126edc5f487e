{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='order_line_sk',
    )
}}

with

order_lines as (
    select * from {{ ref('int_order_lines_keyed') }}
),

-- Rule 2 (macros/incremental.sql): the lines written since this table's latest build.
new_lines as (
    select order_lines.*
    from order_lines
    where {{ built_since_last_build('order_lines.built_at') }}
),

final as (
    select
        -- ids
        order_line_sk,
        order_sk,
        product_sk,
        customer_id,

        -- measures
        sales,
        quantity,
        discount_rate,
        profit,
        shipping_cost,
        aging_days,

        -- dates and times
        order_date,
        order_time,

        -- metadata
        batch_id,
        line_number,
        loaded_at,
        {{ build_timestamp() }} as built_at
    from new_lines
)

select * from final
