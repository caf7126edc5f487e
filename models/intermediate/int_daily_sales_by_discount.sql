{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='order_date',
        indexes=[
            {'columns': ['order_date']},
            {'columns': ['built_at']},
        ],
    )
}}

{#- a full build reads every day -#}
{%- set first_day = "date '-infinity'" -%}
{%- if is_incremental() -%}
    {#- Rule 2 (macros/incremental.sql): the day of the earliest line written since this
        table's latest build; it and every later day are recomputed whole (delete+insert by
        order_date). -#}
    {%- set first_day = lookup_date(
        "select min(order_date) from " ~ ref('order_lines')
        ~ " where " ~ built_since_last_build('built_at')
    ) -%}
{%- endif -%}

with

order_lines as (
    select * from {{ ref('order_lines') }}
),

final as (
    select
        -- dimensions
        order_lines.order_date,
        order_lines.discount_rate,

        -- measures
        count(*) as line_count,
        sum(order_lines.quantity) as units_sold,
        sum(order_lines.sales) as revenue,
        sum(order_lines.profit) as profit,

        -- metadata
        {{ build_timestamp() }} as built_at
    from order_lines
    where order_lines.order_date >= {{ first_day }}
    group by order_lines.order_date, order_lines.discount_rate
)

select * from final
