-- The average order size: units per order (and the average order value alongside).
with

business_summary as (
    select * from {{ ref('business_summary') }}
)

select
    avg_order_size,
    avg_order_value,
    units_sold,
    order_count
from business_summary
