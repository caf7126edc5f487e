-- Total revenue and profit, and the margin they make.
with

business_summary as (
    select * from {{ ref('business_summary') }}
)

select
    revenue,
    profit,
    profit_margin,
    first_order_date,
    as_of_date
from business_summary
