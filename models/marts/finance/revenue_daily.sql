with

metrics_daily as (
    select * from {{ ref('metrics_daily') }}
),

-- the days with orders; metrics_daily also holds days with only carts or refunds
order_days as (
    select *
    from metrics_daily
    where order_count > 0
),

-- Every day from the first to the last order day (none when there are no orders);
-- date + integer keeps this free of time zones.
calendar as (
    select bounds.first_day + day_offset.n as date_day
    from (
        select
            min(date_day) as first_day,
            max(date_day) as last_day
        from order_days
    ) as bounds
    cross join
        generate_series(0, bounds.last_day - bounds.first_day) as day_offset (n)
),

filled as (
    select
        calendar.date_day,
        coalesce(order_days.order_count, 0) as order_count,
        coalesce(order_days.units_sold, 0) as units_sold,
        coalesce(order_days.revenue, 0) as revenue,
        coalesce(order_days.profit, 0) as profit
    from calendar
    left join order_days on calendar.date_day = order_days.date_day
),

final as (
    select
        date_day,
        order_count,
        units_sold,
        revenue,
        profit,
        round(revenue / nullif(order_count, 0), 2) as avg_order_value,
        -- the day and the 6 before it; the range starts at the first order day,
        -- so early days average over fewer days
        round(
            avg(revenue) over (
                order by date_day rows between 6 preceding and current row
            ),
            2
        ) as revenue_7d_avg
    from filled
)

select * from final
