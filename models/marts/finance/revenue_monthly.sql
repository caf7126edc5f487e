with

order_lines as (
    select * from {{ ref('order_lines') }}
),

revenue_daily as (
    select * from {{ ref('revenue_daily') }}
),

-- the months of the reporting range: every month holding a day of revenue_daily
months as (
    select distinct cast(date_trunc('month', date_day) as date) as month_start
    from revenue_daily
),

monthly as (
    select
        cast(date_trunc('month', order_date) as date) as month_start,
        count(distinct order_sk) as order_count,
        sum(quantity) as units_sold,
        sum(sales) as revenue,
        coalesce(sum(profit), 0) as profit
    from order_lines
    group by cast(date_trunc('month', order_date) as date)
),

filled as (
    select
        months.month_start,
        coalesce(monthly.order_count, 0) as order_count,
        coalesce(monthly.units_sold, 0) as units_sold,
        coalesce(monthly.revenue, 0) as revenue,
        coalesce(monthly.profit, 0) as profit
    from months
    left join monthly on months.month_start = monthly.month_start
),

with_previous as (
    select
        *,
        lag(revenue) over (order by month_start) as previous_revenue
    from filled
),

final as (
    select
        month_start,
        order_count,
        units_sold,
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
