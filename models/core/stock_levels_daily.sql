{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='stock_date',
        indexes=[
            {'columns': ['stock_date']},
            {'columns': ['built_at']},
        ],
    )
}}

{#- a full build reads every day -#}
{%- set first_day = "date '-infinity'" -%}
{%- if is_incremental() -%}
    {#- Rule 2 (macros/incremental.sql): the earliest day of movements written since this
        table's latest build, but no later than the day after the last one kept (so no day is
        ever skipped). Movements change every day from there to the end, for every product, so
        those days are recomputed whole (delete+insert by stock_date); earlier days are kept,
        and each product's closing stock of the day before is the new days' starting point. -#}
    {%- set first_day = lookup_date(
        "select least((select min(movement_date) from " ~ ref('inventory_movements')
        ~ " where " ~ built_since_last_build('built_at') ~ "), "
        ~ "(select max(stock_date) + 1 from " ~ this ~ "))"
    ) -%}
{%- endif -%}

with

movements as not materialized (
    select * from {{ ref('inventory_movements') }}
),

-- movements written since this table's latest build (all of them on a full build)
new_movements as (
    select movements.*
    from movements
    where {{ built_since_last_build('movements.built_at') }}
),

-- no new movements, no bounds: nothing to recompute
bounds as (
    {{ days_to_recompute('new_movements', 'movement_date', 'stock_date', first_day) }}
),

-- the stock of each product at the end of the day before the first recomputed day
starting_points as (
    {%- if is_incremental() %}
        select
            kept.product_sk,
            kept.closing_stock as starting_stock,
            kept.stock_date + 1 as series_start
        from {{ this }} as kept
        inner join bounds on kept.stock_date = bounds.first_day - 1
        union all
    {%- endif %}
    -- products without stock before the first recomputed day start from zero on the day of
    -- their first movement
    select
        movements.product_sk,
        0 as starting_stock,
        min(movements.movement_date) as series_start
    from movements
    inner join bounds on movements.movement_date >= bounds.first_day
    {%- if is_incremental() %}
        where
            movements.movement_date >= {{ first_day }}
            and not exists (
                select 1 as found
                from {{ this }} as kept
                where
                    kept.product_sk = movements.product_sk
                    and kept.stock_date = bounds.first_day - 1
            )
    {%- endif %}
    group by movements.product_sk
),

daily_changes as (
    select
        movements.product_sk,
        movements.movement_date,
        coalesce(sum(movements.quantity) filter (
            where movements.movement_type = 'receipt'
        ), 0) as units_received,
        coalesce(-sum(movements.quantity) filter (
            where movements.movement_type = 'sale'
        ), 0) as units_sold,
        coalesce(sum(movements.quantity) filter (
            where movements.movement_type = 'return'
        ), 0) as units_returned,
        coalesce(sum(movements.quantity) filter (
            where movements.movement_type = 'adjustment'
        ), 0) as units_adjusted,
        sum(movements.quantity) as net_change
    from movements
    inner join bounds on movements.movement_date >= bounds.first_day
    where movements.movement_date >= {{ first_day }}
    group by movements.product_sk, movements.movement_date
),

-- every product, every day from its series start to the last day
calendar as (
    select
        starting_points.product_sk,
        starting_points.starting_stock,
        starting_points.series_start + day_offset.n as stock_date
    from starting_points
    cross join bounds
    cross join
        generate_series(0, bounds.last_day - starting_points.series_start) as day_offset (n)
),

running as (
    select
        calendar.product_sk,
        calendar.stock_date,
        coalesce(daily_changes.units_received, 0) as units_received,
        coalesce(daily_changes.units_sold, 0) as units_sold,
        coalesce(daily_changes.units_returned, 0) as units_returned,
        coalesce(daily_changes.units_adjusted, 0) as units_adjusted,
        calendar.starting_stock + sum(coalesce(daily_changes.net_change, 0)) over (
            partition by calendar.product_sk
            order by calendar.stock_date
            rows between unbounded preceding and current row
        ) as closing_stock
    from calendar
    left join daily_changes
        on
            calendar.product_sk = daily_changes.product_sk
            and calendar.stock_date = daily_changes.movement_date
),

final as (
    select
        -- ids
        product_sk,

        -- dates
        stock_date,

        -- measures
        cast(
            closing_stock - units_received + units_sold - units_returned - units_adjusted
            as bigint
        ) as opening_stock,
        cast(units_received as bigint) as units_received,
        cast(units_sold as bigint) as units_sold,
        cast(units_returned as bigint) as units_returned,
        cast(units_adjusted as bigint) as units_adjusted,
        cast(closing_stock as bigint) as closing_stock,

        -- metadata
        {{ build_timestamp() }} as built_at
    from running
)

select * from final
