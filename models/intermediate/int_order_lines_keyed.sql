{#- The unique index on order_line_sk enforces the key its `unique` test checks, so the test is
    answered from the catalog (macros/enforced_constraints.sql) instead of scanning a million
    lines while every model downstream waits for it.
    The index leading with customer_id holds every column `customers` reads when it recomputes
    a customer from all their lines: an index-only scan, a few pages per customer instead of a
    heap page per line. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        indexes=[
            {'columns': ['order_line_sk'], 'unique': True},
            {'columns': ['batch_id']},
            {'columns': ['built_at']},
            {'columns': ['order_sk']},
            {'columns': [
                'customer_id', 'order_date', 'order_time', 'batch_id', 'line_number',
                'gender', 'device_type', 'login_type',
            ]},
        ],
    )
}}

with

order_lines as (
    select * from {{ ref('stg_shop__order_lines') }}
),

-- Only lines of batches the ledger records as loaded go on (the loader lands no others;
-- assert_order_lines_come_from_loaded_batches fails the build if it ever did), and on an
-- incremental build only those of batches this table does not hold yet (rule 1,
-- macros/incremental.sql).
loaded_lines as (
    select order_lines.*
    from order_lines
    where order_lines.batch_id in ({{ unprocessed_batches('order-lines') }})
),

-- An order is its Order_Id when the export has one, else (customer, day, time).
-- Dates and times are formatted with to_char so the key text never depends on DateStyle.
identified as (
    select
        *,
        case
            when order_id is not null then {{ order_key_of_id('order_id') }}
            else
                'customer_id=' || customer_id
                || ';order_date=' || to_char(order_date, 'YYYY-MM-DD')
                || ';order_time=' || coalesce(to_char(order_time, 'HH24:MI:SS'), '')
        end as order_key
    from loaded_lines
),

final as (
    select
        -- ids
        {{ surrogate_key(['batch_id', 'line_number']) }} as order_line_sk,
        {{ surrogate_key(['order_key']) }} as order_sk,
        {{ surrogate_key(['product_category', 'product_name']) }} as product_sk,
        {{ surrogate_key(['product_category']) }} as category_sk,
        order_key,
        order_id,
        customer_id,

        -- dimensions
        product_category,
        product_name,
        gender,
        device_type,
        login_type,
        order_priority,
        payment_method,

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
    from identified
)

select * from final
