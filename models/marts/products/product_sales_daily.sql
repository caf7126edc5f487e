with

daily_product_sales as (
    select * from {{ ref('int_daily_product_sales') }}
),

products as (
    select * from {{ ref('products') }}
),

categories as (
    select * from {{ ref('categories') }}
),

final as (
    select
        -- ids
        daily_product_sales.product_sk,
        products.product_id,

        -- dimensions
        products.product_name,
        categories.category_name as product_category,

        -- measures
        daily_product_sales.order_count,
        cast(daily_product_sales.units_sold as bigint) as units_sold,
        daily_product_sales.revenue,
        coalesce(daily_product_sales.profit, 0) as profit,

        -- dates
        daily_product_sales.order_date
    from daily_product_sales
    inner join products on daily_product_sales.product_sk = products.product_sk
    inner join categories on products.category_sk = categories.category_sk
)

select * from final
