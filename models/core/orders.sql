{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='order_sk',
    )
}}

{%- set attributes = [
    'order_time', 'order_priority', 'device_type', 'payment_method', 'login_type',
] -%}

with

order_lines as not materialized (
    select * from {{ ref('int_order_lines_keyed') }}
),

-- Rule 2 (macros/incremental.sql): orders with lines written since this table's latest build
-- are recomputed from all their lines (a late line joins its order) and merged in place
-- (other tables' foreign keys point here). A full build takes every order.
affected_lines as (
    select order_lines.*
    from order_lines
    where {{ touched_since_last_build('order_lines', 'order_sk') }}
),

-- order_key, order_id, customer_id and order_date are the same on every line of an order
-- (the first two by construction, the last two proven by a data test), so min() picks them.
-- Other attributes: the first line in file order that has a value.
aggregated as (
    select
        order_sk,
        min(order_key) as order_key,
        min(order_id) as order_id,
        min(customer_id) as customer_id,
        {%- for attribute in attributes %}
            (
                array_agg({{ attribute }} order by batch_id, line_number)
                filter (where {{ attribute }} is not null)
            )[1] as {{ attribute }},
        {%- endfor %}
        count(*) as line_count,
        sum(quantity) as units,
        sum(sales) as revenue,
        coalesce(sum(profit), 0) as profit,
        min(order_date) as order_date
    from affected_lines
    group by order_sk
),

final as (
    select
        -- ids
        order_sk,
        order_key,
        order_id,
        customer_id,

        -- dimensions
        order_priority,
        device_type,
        payment_method,
        login_type,
        coalesce(order_priority in ('high', 'critical'), false) as is_urgent,

        -- measures
        line_count,
        units,
        revenue,
        profit,

        -- dates and times
        order_date,
        order_time,

        -- metadata
        {{ build_timestamp() }} as built_at
    from aggregated
)

select * from final
