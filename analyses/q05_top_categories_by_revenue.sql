-- The 3 product categories with the most revenue, with their share of all revenue.
with

category_performance as (
    select * from {{ ref('category_performance') }}
)

select
    revenue_rank,
    product_category,
    revenue,
    revenue_share,
    profit_margin
from category_performance
where revenue_rank <= 3
order by revenue_rank asc, product_category asc
