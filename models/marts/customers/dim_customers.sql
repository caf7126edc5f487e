with

customers as (
    select * from {{ ref('customers') }}
),

customer_totals as (
    select * from {{ ref('int_customer_order_totals') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

final as (
    select
        -- ids
        customers.customer_id,

        -- dimensions (no personal data: no name, e-mail or city)
        customers.gender,
        customers.device_type,
        customers.login_type,
        customers.country,
        coalesce(customers.region, 'Unknown') as region,
        coalesce(customer_rfm.rfm_segment, 'no_orders') as segment,
        customers.is_registered,

        -- measures
        coalesce(customer_totals.order_count, 0) as order_count,
        coalesce(customer_totals.units_purchased, 0) as units_purchased,
        coalesce(customer_totals.revenue, 0.00) as lifetime_revenue,
        coalesce(customer_totals.profit, 0.00) as lifetime_profit,
        round(customer_totals.revenue / customer_totals.order_count, 2)
            as avg_order_value,

        -- dates
        customer_totals.first_order_date,
        customer_totals.last_order_date,
        cast(customers.signed_up_at as date) as signed_up_date
    from customers
    left join customer_totals
        on customers.customer_id = customer_totals.customer_id
    left join customer_rfm on customers.customer_id = customer_rfm.customer_id
)

select * from final
