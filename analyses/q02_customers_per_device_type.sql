-- How many customers use each device type (each customer counted once, by the device of their
-- latest order), and how many orders are placed from each?
with

customer_segments as (
    select * from {{ ref('customer_segments') }}
)

select
    segment as device_type,
    customer_count,
    customer_share,
    order_count,
    order_share
from customer_segments
where segment_type = 'device_type'
order by customer_count desc, device_type asc
