{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='date_day',
        indexes=[
            {'columns': ['date_day'], 'unique': true},
            {'columns': ['built_at']},
        ],
    )
}}

{#- a full build reads every day -#}
{%- set first_day = "date '-infinity'" -%}
{%- if is_incremental() -%}
    {#- Rule 2 (macros/incremental.sql): the earliest day of carts, or of carts of cart items,
        written since this table's latest build; it and every later day are recomputed whole
        (delete+insert by date_day). -#}
    {%- set since = built_since_last_build('built_at') -%}
    {%- set first_day = lookup_date(
        "select least("
        ~ "(select min(created_date) from " ~ ref('carts') ~ " where " ~ since ~ "), "
        ~ "(select min(carts.created_date) from " ~ ref('carts') ~ " as carts where"
        ~ " carts.cart_id in (select cart_id from " ~ ref('cart_items') ~ " where "
        ~ since ~ ")))"
    ) -%}
{%- endif -%}

with

carts as (
    select * from {{ ref('carts') }}
),

cart_items as (
    select * from {{ ref('cart_items') }}
),

product_history as (
    select * from {{ ref('product_history') }}
),

day_carts as not materialized (
    select carts.*
    from carts
    where carts.created_date >= {{ first_day }}
),

-- The items of abandoned carts by day, each at the list price of the product version valid when
-- it was put in the cart (summed by day directly: no per-cart step).
abandoned_items as (
    select
        day_carts.created_date as date_day,
        sum(cart_items.quantity) as abandoned_units,
        sum(cart_items.quantity * product_history.list_price) as abandoned_value
    from cart_items
    inner join day_carts on cart_items.cart_id = day_carts.cart_id
    left join product_history
        on
            cart_items.product_sk = product_history.product_sk
            and cart_items.added_at >= product_history.valid_from
            and (
                cart_items.added_at < product_history.valid_to
                or product_history.valid_to is null
            )
    where not day_carts.is_converted
    group by day_carts.created_date
),

day_counts as (
    select
        created_date as date_day,
        count(*) as carts_created,
        count(*) filter (where is_converted) as carts_converted,
        count(*) filter (where not is_converted) as carts_abandoned
    from day_carts
    group by created_date
),

per_day as (
    select
        day_counts.date_day,
        day_counts.carts_created,
        day_counts.carts_converted,
        day_counts.carts_abandoned,
        coalesce(abandoned_items.abandoned_units, 0) as abandoned_units,
        coalesce(abandoned_items.abandoned_value, 0) as abandoned_value
    from day_counts
    left join abandoned_items on day_counts.date_day = abandoned_items.date_day
),

final as (
    select
        -- dates
        date_day,

        -- measures
        carts_created,
        carts_converted,
        carts_abandoned,
        round(cast(carts_abandoned as numeric) / carts_created, 4) as abandonment_rate,
        cast(abandoned_units as bigint) as abandoned_units,
        abandoned_value,

        -- metadata
        {{ build_timestamp() }} as built_at
    from per_day
)

select * from final
