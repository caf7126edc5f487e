-- What share of customers, and of orders, are members vs guests (and the other login types)?
with

customer_segments as (
    select * from {{ ref('customer_segments') }}
)

select
    segment as login_type,
    customer_count,
    round(100 * customer_share, 2) as customer_percent,
    order_count,
    round(100 * order_share, 2) as order_percent
from customer_segments
where segment_type = 'login_type'
order by customer_count desc, login_type asc
