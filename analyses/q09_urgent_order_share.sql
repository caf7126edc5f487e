-- What share of orders has High or Critical priority? (orders without a priority count as not
-- urgent; the per-priority split is in orders_by_priority)
with

orders_by_priority as (
    select * from {{ ref('orders_by_priority') }}
)

select
    sum(order_count) filter (where is_urgent) as urgent_orders,
    sum(order_count) as all_orders,
    round(
        100.0 * sum(order_count) filter (where is_urgent) / sum(order_count), 2
    ) as urgent_percent
from orders_by_priority
