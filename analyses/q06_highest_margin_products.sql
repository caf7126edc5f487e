-- The products with the highest profit margins (profit / revenue), top 10 with ties.
with

product_performance as (
    select * from {{ ref('product_performance') }}
)

select
    profit_margin_rank,
    product,
    product_category,
    profit_margin,
    profit,
    revenue
from product_performance
where profit_margin_rank <= 10 and profit_margin is not null
order by profit_margin_rank asc, product asc
