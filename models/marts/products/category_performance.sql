with

profit_summary as (
    select * from {{ ref('profit_summary') }}
),

-- the sums of the category's months (an order belongs to one day, so to one month: monthly
-- order counts add up to the category's)
per_category as (
    select
        category_sk,
        product_category,
        cast(sum(order_count) as bigint) as order_count,
        sum(units_sold) as units_sold,
        sum(revenue) as revenue,
        sum(profit) as profit
    from profit_summary
    group by category_sk, product_category
),

final as (
    select
        product_category,
        category_sk,
        order_count,
        cast(units_sold as bigint) as units_sold,
        revenue,
        profit,
        round(profit / nullif(revenue, 0), 4) as profit_margin,
        round(revenue / nullif(sum(revenue) over (), 0), 4) as revenue_share,
        rank() over (order by revenue desc) as revenue_rank
    from per_category
)

select * from final
