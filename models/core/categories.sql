{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='category_sk',
    )
}}

with

order_lines as (
    select * from {{ ref('int_order_lines_keyed') }}
),

product_history as (
    select * from {{ ref('product_history') }}
),

-- Rule 2 (macros/incremental.sql): categories of lines and catalog versions written since
-- this table's latest build; merged in place (other tables' foreign keys point here).
named as (
    select
        order_lines.category_sk,
        order_lines.product_category as category_name
    from order_lines
    where {{ built_since_last_build('order_lines.built_at') }}
    union
    select
        product_history.category_sk,
        product_history.product_category as category_name
    from product_history
    where {{ built_since_last_build('product_history.built_at') }}
),

final as (
    select
        category_sk,
        category_name,
        {{ build_timestamp() }} as built_at
    from named
)

select * from final
