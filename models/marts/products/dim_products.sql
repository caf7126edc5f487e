with

products as (
    select * from {{ ref('products') }}
),

categories as (
    select * from {{ ref('categories') }}
),

product_performance as (
    select * from {{ ref('product_performance') }}
),

product_ratings as (
    select * from {{ ref('product_ratings') }}
),

stock_levels as not materialized (
    select * from {{ ref('stock_levels_daily') }}
),

stock_alerts as (
    select * from {{ ref('stock_alerts') }}
),

-- each product's stock at the end of the last day it is known for
stock_on_hand as (
    select distinct on (stock_levels.product_sk)
        stock_levels.product_sk,
        stock_levels.closing_stock
    from stock_levels
    order by stock_levels.product_sk asc, stock_levels.stock_date desc
),

final as (
    select
        -- ids
        products.product_sk,
        products.product_id,
        products.sku,

        -- dimensions
        products.product_name,
        categories.category_name as product_category,
        products.is_active,

        -- measures
        products.list_price,
        products.unit_cost,
        coalesce(product_performance.order_count, 0) as order_count,
        coalesce(product_performance.units_sold, 0) as units_sold,
        coalesce(product_performance.revenue, 0.00) as revenue,
        coalesce(product_performance.profit, 0.00) as profit,
        product_performance.profit_margin,
        product_ratings.avg_rating,
        coalesce(product_ratings.review_count, 0) as review_count,
        stock_on_hand.closing_stock as stock_on_hand,

        -- booleans
        stock_alerts.product_sk is not null as is_stock_alert
    from products
    inner join categories on products.category_sk = categories.category_sk
    left join product_performance
        on products.product_sk = product_performance.product_sk
    left join product_ratings on products.product_sk = product_ratings.product_sk
    left join stock_on_hand on products.product_sk = stock_on_hand.product_sk
    left join stock_alerts on products.product_sk = stock_alerts.product_sk
)

select * from final
