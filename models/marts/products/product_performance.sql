with

top_skus as (
    select * from {{ ref('top_skus') }}
),

products as (
    select * from {{ ref('products') }}
),

categories as (
    select * from {{ ref('categories') }}
),

-- the sums of the product's months (an order belongs to one day, so to one month: monthly
-- order counts add up to the product's)
per_product as (
    select
        top_skus.product_sk,
        cast(sum(top_skus.order_count) as bigint) as order_count,
        sum(top_skus.units_sold) as units_sold,
        sum(top_skus.revenue) as revenue,
        sum(top_skus.profit) as profit
    from top_skus
    group by top_skus.product_sk
),

with_margin as (
    select
        products.product_name as product,
        categories.category_name as product_category,
        per_product.product_sk,
        per_product.order_count,
        per_product.units_sold,
        per_product.revenue,
        per_product.profit,
        round(per_product.profit / nullif(per_product.revenue, 0), 4)
            as profit_margin
    from per_product
    inner join products on per_product.product_sk = products.product_sk
    inner join categories on products.category_sk = categories.category_sk
),

final as (
    select
        product,
        product_category,
        product_sk,
        order_count,
        cast(units_sold as bigint) as units_sold,
        revenue,
        profit,
        profit_margin,
        rank() over (order by revenue desc) as revenue_rank,
        rank() over (order by profit_margin desc nulls last) as profit_margin_rank
    from with_margin
)

select * from final
