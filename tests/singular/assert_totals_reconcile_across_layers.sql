-- Revenue, profit, units, orders and lines add up to the same totals in every layer: core
-- order lines and orders, and every mart. Measures that do not add up across a mart's rows by
-- definition (orders per category, lines per segment) are left null there and not compared.
-- The raw lines reconcile with core line by line: each raw line of a loaded batch is in
-- core.order_lines with the same amounts and the order key restated here independently; on an
-- incremental build, the lines of the newest order-lines batch (macros/test_scope.sql); the
-- totals below are always over every row. Returns each layer or line that differs.
with

raw_lines as (
    select *
    from {{ source('shop', 'order_lines') }}
    where {{ latest_build_condition(source('shop', 'order_lines')) }}
),

load_batches as (
    select * from {{ source('loader', 'load_batches') }}
),

order_lines as not materialized (
    select * from {{ ref('order_lines') }}
),

orders as not materialized (
    select * from {{ ref('orders') }}
),

revenue_daily as (
    select * from {{ ref('revenue_daily') }}
),

revenue_monthly as (
    select * from {{ ref('revenue_monthly') }}
),

customer_lifetime_value as (
    select * from {{ ref('customer_lifetime_value') }}
),

customer_segments as (
    select * from {{ ref('customer_segments') }}
),

category_performance as (
    select * from {{ ref('category_performance') }}
),

product_performance as (
    select * from {{ ref('product_performance') }}
),

discount_impact as (
    select * from {{ ref('discount_impact') }}
),

orders_by_priority as (
    select * from {{ ref('orders_by_priority') }}
),

business_summary as (
    select * from {{ ref('business_summary') }}
),

metrics_daily as (
    select * from {{ ref('metrics_daily') }}
),

metrics_monthly as (
    select * from {{ ref('metrics_monthly') }}
),

profit_summary as (
    select * from {{ ref('profit_summary') }}
),

top_skus as (
    select * from {{ ref('top_skus') }}
),

customer_order_history as (
    select * from {{ ref('customer_order_history') }}
),

customer_cohorts as (
    select * from {{ ref('customer_cohorts') }}
),

customer_rfm as (
    select * from {{ ref('customer_rfm') }}
),

-- raw lines of loaded batches, with the order identity restated independently
valid_raw as (
    select
        raw_lines.*,
        md5(cast(array[
            coalesce(
                'order_id=' || nullif(trim(raw_lines.order_id), ''),
                'customer_id=' || raw_lines.customer_id
                || ';order_date=' || to_char(raw_lines.order_date, 'YYYY-MM-DD')
                || ';order_time=' || coalesce(to_char(raw_lines.time, 'HH24:MI:SS'), '')
            )
        ] as text)) as expected_order_sk
    from raw_lines
    inner join load_batches on raw_lines._batch_id = load_batches.batch_id
    where load_batches.status = 'loaded'
),

line_differences as (
    select
        'raw line ' || valid_raw._batch_id || ':' || valid_raw._line_number as layer,
        valid_raw.sales as revenue,
        order_lines.sales as expected_revenue,
        valid_raw.profit,
        order_lines.profit as expected_profit,
        valid_raw.quantity as units,
        order_lines.quantity as expected_units,
        cast(null as bigint) as order_count,
        cast(null as bigint) as expected_order_count,
        cast(null as bigint) as line_count,
        cast(null as bigint) as expected_line_count
    from valid_raw
    left join order_lines
        on
            valid_raw._batch_id = order_lines.batch_id
            and valid_raw._line_number = order_lines.line_number
    where
        order_lines.order_line_sk is null
        or valid_raw.sales != order_lines.sales
        or valid_raw.profit is distinct from order_lines.profit
        or valid_raw.quantity != order_lines.quantity
        or valid_raw.expected_order_sk != order_lines.order_sk
),

layers as (
    select
        'core.order_lines' as layer,
        coalesce(sum(sales), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(quantity), 0) as units,
        (select count(*) as order_count from orders) as order_count,
        count(*) as line_count
    from order_lines
    union all
    select
        'core.orders' as layer,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(units), 0) as units,
        count(*) as order_count,
        coalesce(sum(line_count), 0) as line_count
    from orders
    union all
    select
        'revenue_daily' as layer,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(units_sold), 0) as units,
        coalesce(sum(order_count), 0) as order_count,
        null as line_count
    from revenue_daily
    union all
    select
        'revenue_monthly' as layer,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(units_sold), 0) as units,
        coalesce(sum(order_count), 0) as order_count,
        null as line_count
    from revenue_monthly
    union all
    select
        'customer_lifetime_value' as layer,
        coalesce(sum(lifetime_revenue), 0) as revenue,
        coalesce(sum(lifetime_profit), 0) as profit,
        coalesce(sum(units_purchased), 0) as units,
        coalesce(sum(order_count), 0) as order_count,
        null as line_count
    from customer_lifetime_value
    union all
    select
        'customer_segments by ' || segment_type as layer,
        sum(revenue) as revenue,
        sum(profit) as profit,
        sum(units_sold) as units,
        sum(order_count) as order_count,
        null as line_count
    from customer_segments
    group by segment_type
    union all
    select
        'category_performance' as layer,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(units_sold), 0) as units,
        null as order_count,
        null as line_count
    from category_performance
    union all
    select
        'product_performance' as layer,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(units_sold), 0) as units,
        null as order_count,
        null as line_count
    from product_performance
    union all
    select
        'discount_impact' as layer,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(units_sold), 0) as units,
        null as order_count,
        coalesce(sum(order_lines), 0) as line_count
    from discount_impact
    union all
    select
        'orders_by_priority' as layer,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(units_sold), 0) as units,
        coalesce(sum(order_count), 0) as order_count,
        null as line_count
    from orders_by_priority
    union all
    select
        'business_summary' as layer,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(units_sold), 0) as units,
        coalesce(sum(order_count), 0) as order_count,
        coalesce(sum(order_line_count), 0) as line_count
    from business_summary
    union all
    select
        'metrics_daily' as layer,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(units_sold), 0) as units,
        coalesce(sum(order_count), 0) as order_count,
        coalesce(sum(order_line_count), 0) as line_count
    from metrics_daily
    union all
    select
        'metrics_monthly' as layer,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(units_sold), 0) as units,
        coalesce(sum(order_count), 0) as order_count,
        coalesce(sum(order_line_count), 0) as line_count
    from metrics_monthly
    union all
    select
        'profit_summary' as layer,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(units_sold), 0) as units,
        null as order_count,
        null as line_count
    from profit_summary
    union all
    select
        'top_skus' as layer,
        coalesce(sum(revenue), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(units_sold), 0) as units,
        null as order_count,
        null as line_count
    from top_skus
    union all
    select
        'customer_order_history' as layer,
        coalesce(sum(revenue), 0) as revenue,
        null as profit,
        coalesce(sum(units), 0) as units,
        count(*) as order_count,
        null as line_count
    from customer_order_history
    union all
    select
        'customer_cohorts' as layer,
        coalesce(sum(revenue), 0) as revenue,
        null as profit,
        null as units,
        coalesce(sum(order_count), 0) as order_count,
        null as line_count
    from customer_cohorts
    union all
    select
        'customer_rfm' as layer,
        coalesce(sum(monetary), 0) as revenue,
        null as profit,
        null as units,
        coalesce(sum(frequency), 0) as order_count,
        null as line_count
    from customer_rfm
),

reference as (
    select * from layers
    where layer = 'core.order_lines'
),

total_differences as (
    select
        layers.layer,
        layers.revenue,
        reference.revenue as expected_revenue,
        layers.profit,
        reference.profit as expected_profit,
        layers.units,
        reference.units as expected_units,
        layers.order_count,
        reference.order_count as expected_order_count,
        layers.line_count,
        reference.line_count as expected_line_count
    from layers
    cross join reference
    where
        layers.revenue != reference.revenue
        or layers.profit != reference.profit
        or layers.units != reference.units
        or layers.order_count != reference.order_count
        or layers.line_count != reference.line_count
),

final as (
    select * from line_differences
    union all
    select * from total_differences
)

select * from final
