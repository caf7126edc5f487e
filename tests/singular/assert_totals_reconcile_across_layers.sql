-- Revenue, profit, units, orders and lines add up to the same totals in every layer: the valid
-- raw lines (those of loaded batches), core and every mart. Measures that do not add up across
-- a mart's rows by definition (orders per category, lines per segment) are left null there
-- and not compared. Returns each layer whose totals differ from the raw lines'.
with

raw_lines as (
    select * from {{ source('shop', 'order_lines') }}
),

load_batches as (
    select * from {{ source('loader', 'load_batches') }}
),

order_lines as (
    select * from {{ ref('order_lines') }}
),

orders as (
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

-- the reference: raw lines of loaded batches, with the order identity restated independently
valid_raw as (
    select
        raw_lines.*,
        coalesce(
            'order_id:' || nullif(trim(raw_lines.order_id), ''),
            'customer_day_time:' || raw_lines.customer_id
            || '|' || to_char(raw_lines.order_date, 'YYYY-MM-DD')
            || '|' || coalesce(to_char(raw_lines.time, 'HH24:MI:SS'), '-')
        ) as order_identity
    from raw_lines
    inner join load_batches on raw_lines._batch_id = load_batches.batch_id
    where load_batches.status = 'loaded'
),

layers as (
    select
        'raw order lines' as layer,
        coalesce(sum(sales), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(quantity), 0) as units,
        count(distinct order_identity) as order_count,
        count(*) as line_count
    from valid_raw
    union all
    select
        'core.order_lines' as layer,
        coalesce(sum(sales), 0) as revenue,
        coalesce(sum(profit), 0) as profit,
        coalesce(sum(quantity), 0) as units,
        count(distinct order_sk) as order_count,
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
),

reference as (
    select * from layers
    where layer = 'raw order lines'
),

final as (
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
)

select * from final
