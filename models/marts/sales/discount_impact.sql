with

daily_sales as (
    select * from {{ ref('int_daily_sales_by_discount') }}
),

per_rate as (
    select
        -- an empty discount was loaded as 0; rates are rounded half away from zero
        round(discount_rate, 2) as discount_rate,
        sum(line_count) as order_lines,
        sum(units_sold) as units_sold,
        sum(revenue) as revenue,
        coalesce(sum(profit), 0) as profit
    from daily_sales
    group by round(discount_rate, 2)
),

final as (
    select
        discount_rate,
        cast(order_lines as bigint) as order_lines,
        cast(units_sold as bigint) as units_sold,
        revenue,
        profit,
        round(cast(units_sold as numeric) / order_lines, 2) as avg_units_per_line,
        round(revenue / order_lines, 2) as avg_revenue_per_line,
        round(profit / nullif(revenue, 0), 4) as profit_margin,
        round(revenue / nullif(sum(revenue) over (), 0), 4) as revenue_share
    from per_rate
)

select * from final
