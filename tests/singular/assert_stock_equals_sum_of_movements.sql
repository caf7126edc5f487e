-- On-hand stock equals the sum of movements: each product's closing stock on its last day in
-- stock_levels_daily is the sum of all its movement quantities, and every product that moved
-- has stock rows. Returns the products where they differ.
with

stock_levels as (
    select * from {{ ref('stock_levels_daily') }}
),

movements as (
    select * from {{ ref('inventory_movements') }}
),

on_hand as (
    select distinct on (product_sk)
        product_sk,
        closing_stock
    from stock_levels
    order by product_sk asc, stock_date desc
),

moved as (
    select
        product_sk,
        sum(quantity) as net_quantity
    from movements
    group by product_sk
),

final as (
    select
        coalesce(on_hand.product_sk, moved.product_sk) as product_sk,
        on_hand.closing_stock,
        moved.net_quantity
    from on_hand
    full outer join moved on on_hand.product_sk = moved.product_sk
    where on_hand.closing_stock is distinct from moved.net_quantity
)

select * from final
