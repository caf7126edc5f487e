with

order_lines as (
    select * from {{ ref('order_lines') }}
),

products as (
    select * from {{ ref('products') }}
),

categories as (
    select * from {{ ref('categories') }}
),

per_product as (
    select
        order_lines.product_sk,
        count(distinct order_lines.order_sk) as order_count,
        sum(order_lines.quantity) as units_sold,
        sum(order_lines.sales) as revenue,
        coalesce(sum(order_lines.profit), 0) as profit
    from order_lines
    group by order_lines.product_sk
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
        units_sold,
        revenue,
        profit,
        profit_margin,
        rank() over (order by revenue desc) as revenue_rank,
        rank() over (order by profit_margin desc nulls last) as profit_margin_rank
    from with_margin
)

select * from final
