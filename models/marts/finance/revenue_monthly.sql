with

revenue_daily as (
    select * from {{ ref('revenue_daily') }}
),

-- every month holding a day of revenue_daily, with the sums of its days (an order belongs to
-- one day, so daily order counts add up to the month's)
monthly as (
    select
        cast(date_trunc('month', date_day) as date) as month_start,
        sum(order_count) as order_count,
        sum(units_sold) as units_sold,
        sum(revenue) as revenue,
        sum(profit) as profit
    from revenue_daily
    group by cast(date_trunc('month', date_day) as date)
),

with_previous as (
    select
        *,
        lag(revenue) over (order by month_start) as previous_revenue
    from monthly
),

final as (
    select
        month_start,
        cast(order_count as bigint) as order_count,
        cast(units_sold as bigint) as units_sold,
        revenue,
        profit,
        round(revenue / nullif(order_count, 0), 2) as avg_order_value,
        previous_revenue,
        round(
            (revenue - previous_revenue) / nullif(previous_revenue, 0), 4
        ) as revenue_mom_growth
    from with_previous
)

select * from final
