-- Every calendar day from the first to the last order day: the days MetricFlow joins metrics to
-- (cumulative metrics, offset windows). Bounded by the data, so a running total or a growth
-- ends at the last day with orders instead of running on into empty years. No orders, no days.
-- date + integer keeps this free of time zones.
with

order_lines as (
    select * from {{ ref('fct_order_lines') }}
),

bounds as (
    select
        min(order_lines.order_date) as first_day,
        max(order_lines.order_date) as last_day
    from order_lines
),

final as (
    select bounds.first_day + day_offset.n as date_day
    from bounds
    cross join
        generate_series(0, bounds.last_day - bounds.first_day) as day_offset (n)
)

select * from final
