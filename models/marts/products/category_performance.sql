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

per_category as (
    select
        categories.category_sk,
        categories.category_name as product_category,
        count(distinct order_lines.order_sk) as order_count,
        sum(order_lines.quantity) as units_sold,
        sum(order_lines.sales) as revenue,
        coalesce(sum(order_lines.profit), 0) as profit
    from order_lines
    inner join products on order_lines.product_sk = products.product_sk
    inner join categories on products.category_sk = categories.category_sk
    group by categories.category_sk, categories.category_name
),

final as (
    select
        product_category,
        category_sk,
        order_count,
        units_sold,
        revenue,
        profit,
        round(profit / nullif(revenue, 0), 4) as profit_margin,
        round(revenue / nullif(sum(revenue) over (), 0), 4) as revenue_share,
        rank() over (order by revenue desc) as revenue_rank
    from per_category
)

select * from final
