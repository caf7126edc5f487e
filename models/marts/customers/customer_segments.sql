with

customers as (
    select * from {{ ref('customers') }}
),

orders as (
    select * from {{ ref('orders') }}
),

-- one row per customer and segment type: the customer's own (latest known) attribute
customer_segment_rows as (
    select
        segments.segment_type,
        coalesce(segments.segment, 'unknown') as segment
    from customers
    cross join lateral (
        values
        ('device_type', customers.device_type),
        ('login_type', customers.login_type),
        ('gender', customers.gender)
    ) as segments (segment_type, segment)
),

-- one row per order and segment type: the order's attribute, and the ordering customer's
-- gender
order_segment_rows as (
    select
        segments.segment_type,
        coalesce(segments.segment, 'unknown') as segment,
        orders.units,
        orders.revenue,
        orders.profit
    from orders
    inner join customers on orders.customer_id = customers.customer_id
    cross join lateral (
        values
        ('device_type', orders.device_type),
        ('login_type', orders.login_type),
        ('gender', customers.gender)
    ) as segments (segment_type, segment)
),

customer_counts as (
    select
        segment_type,
        segment,
        count(*) as customer_count
    from customer_segment_rows
    group by segment_type, segment
),

order_counts as (
    select
        segment_type,
        segment,
        count(*) as order_count,
        cast(sum(units) as bigint) as units_sold,
        sum(revenue) as revenue,
        sum(profit) as profit
    from order_segment_rows
    group by segment_type, segment
),

combined as (
    select
        coalesce(customer_counts.segment_type, order_counts.segment_type)
            as segment_type,
        coalesce(customer_counts.segment, order_counts.segment) as segment,
        coalesce(customer_counts.customer_count, 0) as customer_count,
        coalesce(order_counts.order_count, 0) as order_count,
        coalesce(order_counts.units_sold, 0) as units_sold,
        coalesce(order_counts.revenue, 0) as revenue,
        coalesce(order_counts.profit, 0) as profit
    from customer_counts
    full outer join order_counts
        on
            customer_counts.segment_type = order_counts.segment_type
            and customer_counts.segment = order_counts.segment
),

final as (
    select
        segment_type,
        segment,
        customer_count,
        round(
            customer_count
            / nullif(sum(customer_count) over (partition by segment_type), 0),
            4
        ) as customer_share,
        order_count,
        round(
            order_count
            / nullif(sum(order_count) over (partition by segment_type), 0),
            4
        ) as order_share,
        units_sold,
        revenue,
        profit
    from combined
)

select * from final
