-- Stock is never negative: no product opens or closes a day below zero (the shop sells only what
-- it holds; recounts never go below zero). Returns the offending product-days. On an
-- incremental build, the days it recomputed (macros/test_scope.sql).
with

stock_levels as (
    select *
    from {{ ref('stock_levels_daily') }}
    where {{ latest_build_condition(ref('stock_levels_daily')) }}
),

final as (
    select
        product_sk,
        stock_date,
        opening_stock,
        closing_stock
    from stock_levels
    where opening_stock < 0 or closing_stock < 0
)

select * from final
