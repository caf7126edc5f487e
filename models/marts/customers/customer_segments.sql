with

customers as not materialized (
    select * from {{ ref('customers') }}
),

daily_orders as (
    select * from {{ ref('int_daily_orders_by_attributes') }}
),

customer_totals as (
    select * from {{ ref('int_customer_order_totals') }}
),

-- customers who ordered (the registry also knows customers who never did)
buyers as (
    select *
    from customers
    where first_order_date is not null
),

-- one row per customer and segment type: the customer's own (latest known) attribute
customer_segment_rows as (
    select
        segments.segment_type,
        coalesce(segments.segment, 'unknown') as segment
    from buyers
    cross join lateral (
        values
        ('device_type', buyers.device_type),
        ('login_type', buyers.login_type),
        ('gender', buyers.gender)
    ) as segments (segment_type, segment)
),

-- orders by the order's own attributes (daily sums of the orders)...
order_attribute_rows as (
    select
        segments.segment_type,
        coalesce(segments.segment, 'unknown') as segment,
        daily_orders.order_count,
        daily_orders.units,
        daily_orders.revenue,
        daily_orders.profit
    from daily_orders
    cross join lateral (
        values
        ('device_type', daily_orders.device_type),
        ('login_type', daily_orders.login_type)
    ) as segments (segment_type, segment)
),

-- ...and by the ordering customer's gender (each customer's order totals)
order_gender_rows as (
    select
        'gender' as segment_type,
        coalesce(customers.gender, 'unknown') as segment,
        customer_totals.order_count,
        customer_totals.units_purchased as units,
        customer_totals.revenue,
        customer_totals.profit
    from customer_totals
    inner join customers on customer_totals.customer_id = customers.customer_id
),

order_segment_rows as (
    select * from order_attribute_rows
    union all
    select * from order_gender_rows
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
        cast(sum(order_count) as bigint) as order_count,
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
