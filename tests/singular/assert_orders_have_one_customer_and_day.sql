-- Every line of an order belongs to one customer and one day (true by construction for orders
-- identified by customer, day and time; a requirement on the export for Order_Id). Marts count
-- orders per day and per customer, so they are only right when this holds. On an incremental
-- build, the orders of the lines it added.
with

order_lines as not materialized (
    select * from {{ ref('order_lines') }}
),

-- on an incremental build, the orders of the lines it added (macros/test_scope.sql)
new_lines as (
    select *
    from order_lines
    where {{ latest_build_condition(ref('order_lines')) }}
),

final as (
    select
        order_lines.order_sk,
        count(distinct order_lines.customer_id) as customer_count,
        count(distinct order_lines.order_date) as day_count
    from order_lines
    where order_lines.order_sk in (select new_lines.order_sk from new_lines)
    group by order_lines.order_sk
    having
        count(distinct order_lines.customer_id) > 1
        or count(distinct order_lines.order_date) > 1
)

select * from final
