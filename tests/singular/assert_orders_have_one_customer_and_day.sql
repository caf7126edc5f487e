-- Every line of an order belongs to one customer and one day (true by construction for orders
-- identified by customer, day and time; a requirement on the export for Order_Id). Marts count
-- orders per day and per customer, so they are only right when this holds. On an incremental
-- build, the orders of the lines it added; when every line is in scope (a full build), every
-- order, without looking up which.
-- Both columns are NOT NULL in order_lines, so min() != max() means more than one value: an
-- aggregate PostgreSQL hashes, where count(distinct) sorts every line.
{%- set scope = latest_build_condition(ref('order_lines')) %}
{%- set orders_in_scope = 'true' if scope == 'true' else (
    'order_lines.order_sk in (select new_lines.order_sk from ' ~ ref('order_lines')
    ~ ' as new_lines where ' ~ scope ~ ')'
) %}
with

order_lines as (
    select * from {{ ref('order_lines') }}
),

final as (
    select
        order_lines.order_sk,
        min(order_lines.customer_id) as first_customer_id,
        max(order_lines.customer_id) as last_customer_id,
        min(order_lines.order_date) as first_day,
        max(order_lines.order_date) as last_day
    from order_lines
    where {{ orders_in_scope }}
    group by order_lines.order_sk
    having
        min(order_lines.customer_id) != max(order_lines.customer_id)
        or min(order_lines.order_date) != max(order_lines.order_date)
)

select * from final
