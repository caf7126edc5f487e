{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='stock_date',
    )
}}

with

stock_levels as not materialized (
    select * from {{ ref('stock_levels_daily') }}
),

-- Rule 2 (macros/incremental.sql): stock_levels_daily recomputes whole days; the days written
-- since this table's latest build replace the same days here (delete+insert by stock_date)
new_days as (
    select stock_levels.*
    from stock_levels
    where {{ built_since_last_build('stock_levels.built_at') }}
),

final as (
    select
        -- ids
        product_sk,

        -- dates
        stock_date,

        -- measures
        opening_stock,
        units_received,
        units_sold,
        units_returned,
        units_adjusted,
        closing_stock,

        -- metadata
        {{ build_timestamp() }} as built_at
    from new_days
)

select * from final
