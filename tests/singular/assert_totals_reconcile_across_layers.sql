-- Revenue, profit, units, orders and lines add up to the same totals in every layer: core
-- order lines and orders, and every mart. Measures that do not add up across a mart's rows by
-- definition (orders per category, lines per segment) are left null there and not compared.
-- The raw lines reconcile with core line by line: each raw line of a loaded batch is in
-- core.order_lines with the same amounts and the order key restated here independently; on an
-- incremental build, the lines of the batches whose lines this build wrote into core.order_lines
-- (macros/test_scope.sql); the totals below are always over every row. Returns each layer or
-- line that differs.
{# Each mart's columns holding the totals (revenue, profit, units, orders, lines); none where
    the measure does not add up across the mart's rows. customer_segments (one total per
    segment type) is written out below. -#}
{%- set mart_totals = {} -%}
{%- for mart, revenue, profit, units, orders, lines in [
    ('revenue_daily', 'revenue', 'profit', 'units_sold', 'order_count', none),
    ('revenue_monthly', 'revenue', 'profit', 'units_sold', 'order_count', none),
    ('customer_lifetime_value', 'lifetime_revenue', 'lifetime_profit', 'units_purchased',
        'order_count', none),
    ('category_performance', 'revenue', 'profit', 'units_sold', none, none),
    ('product_performance', 'revenue', 'profit', 'units_sold', none, none),
    ('discount_impact', 'revenue', 'profit', 'units_sold', none, 'order_lines'),
    ('orders_by_priority', 'revenue', 'profit', 'units_sold', 'order_count', none),
    ('business_summary', 'revenue', 'profit', 'units_sold', 'order_count', 'order_line_count'),
    ('metrics_daily', 'revenue', 'profit', 'units_sold', 'order_count', 'order_line_count'),
    ('metrics_monthly', 'revenue', 'profit', 'units_sold', 'order_count', 'order_line_count'),
    ('profit_summary', 'revenue', 'profit', 'units_sold', none, none),
    ('top_skus', 'revenue', 'profit', 'units_sold', none, none),
    ('customer_order_history', 'revenue', none, 'units', '1', none),
    ('customer_cohorts', 'revenue', none, none, 'order_count', none),
    ('customer_rfm', 'monetary', none, none, 'frequency', none),
    ('dim_customers', 'lifetime_revenue', 'lifetime_profit', 'units_purchased', 'order_count',
        none),
    ('dim_products', 'revenue', 'profit', 'units_sold', none, none),
    ('product_sales_daily', 'revenue', 'profit', 'units_sold', none, none),
    ('fct_orders', 'revenue', 'profit', 'units', '1', 'line_count'),
    ('fct_order_lines', 'sales', 'profit', 'quantity', none, '1'),
    ('sales_daily_by_region_category', 'revenue', 'profit', 'units_sold', none,
        'order_line_count'),
    ('sales_daily_by_region_product', 'revenue', 'profit', 'units_sold', none,
        'order_line_count'),
    ('orders_daily_by_region_basket', 'revenue', 'profit', 'units_sold', 'order_count',
        'order_line_count'),
    ('customer_purchases_by_region_category', 'revenue', 'profit', 'units_purchased', none,
        'order_line_count'),
] -%}
    {%- set sums = {} -%}
    {%- for measure, column in [
        ('revenue', revenue), ('profit', profit), ('units', units), ('order_count', orders),
        ('line_count', lines),
    ] -%}
        {%- do sums.update({measure: 'coalesce(sum(' ~ column ~ '), 0)' if column else 'null'}) -%}
    {%- endfor -%}
    {%- do mart_totals.update({mart: sums}) -%}
{%- endfor %}

with

raw_lines as (
    select *
    from {{ source('shop', 'order_lines') }}
    where {{ latest_build_condition(source('shop', 'order_lines'), taken_by=ref('order_lines')) }}
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
        'customer_segments by ' || segment_type as layer,
        sum(revenue) as revenue,
        sum(profit) as profit,
        sum(units_sold) as units,
        sum(order_count) as order_count,
        null as line_count
    from {{ ref('customer_segments') }}
    group by segment_type
    {%- for mart, sums in mart_totals.items() %}
        union all
        select
            '{{ mart }}' as layer,
            {{ sums.revenue }} as revenue,
            {{ sums.profit }} as profit,
            {{ sums.units }} as units,
            {{ sums.order_count }} as order_count,
            {{ sums.line_count }} as line_count
        from {{ ref(mart) }}
    {%- endfor %}
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
