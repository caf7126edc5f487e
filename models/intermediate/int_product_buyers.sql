{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['product_sk', 'customer_id'],
        indexes=[
            {'columns': ['product_sk', 'customer_id']},
            {'columns': ['built_at']},
        ],
    )
}}

with

order_lines as (
    select * from {{ ref('order_lines') }}
),

-- Rule 2 (macros/incremental.sql): the pairs of lines written since this table's latest build
-- (a pair already known is written again, unchanged).
final as (
    select distinct
        order_lines.product_sk,
        order_lines.customer_id,
        {{ build_timestamp() }} as built_at
    from order_lines
    where {{ built_since_last_build('order_lines.built_at') }}
)

select * from final
