-- The 5 best-selling products by sales (revenue); ties at the cut are all shown.
with

product_performance as (
    select * from {{ ref('product_performance') }}
)

select
    revenue_rank,
    product,
    product_category,
    revenue,
    units_sold
from product_performance
where revenue_rank <= 5
order by revenue_rank asc, product asc
