with

customer_totals as (
    select * from {{ ref('int_customer_order_totals') }}
),

customers as (
    select * from {{ ref('customers') }}
),

final as (
    select
        -- ids
        customer_totals.customer_id,

        -- dimensions
        customers.device_type,
        customers.login_type,

        -- dates
        customer_totals.first_order_date,
        customer_totals.last_order_date,

        -- measures
        customer_totals.order_count,
        customer_totals.units_purchased,
        customer_totals.revenue as lifetime_revenue,
        customer_totals.profit as lifetime_profit,
        round(
            customer_totals.revenue / customer_totals.order_count, 2
        ) as avg_order_value,
        rank() over (
            order by customer_totals.revenue desc
        ) as revenue_rank
    from customer_totals
    inner join customers on customer_totals.customer_id = customers.customer_id
)

select * from final
