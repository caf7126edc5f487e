with

orders as (
    select * from {{ ref('orders') }}
),

customers as (
    select * from {{ ref('customers') }}
),

per_customer as (
    select
        customer_id,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        count(*) as order_count,
        cast(sum(units) as bigint) as units_purchased,
        sum(revenue) as lifetime_revenue,
        sum(profit) as lifetime_profit
    from orders
    group by customer_id
),

final as (
    select
        -- ids
        per_customer.customer_id,

        -- dimensions
        customers.device_type,
        customers.login_type,

        -- dates
        per_customer.first_order_date,
        per_customer.last_order_date,

        -- measures
        per_customer.order_count,
        per_customer.units_purchased,
        per_customer.lifetime_revenue,
        per_customer.lifetime_profit,
        round(
            per_customer.lifetime_revenue / per_customer.order_count, 2
        ) as avg_order_value,
        rank() over (
            order by per_customer.lifetime_revenue desc
        ) as revenue_rank
    from per_customer
    inner join customers on per_customer.customer_id = customers.customer_id
)

select * from final
