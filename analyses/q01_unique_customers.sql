-- How many unique customers does the shop have?
with

business_summary as (
    select * from {{ ref('business_summary') }}
)

select customer_count
from business_summary
