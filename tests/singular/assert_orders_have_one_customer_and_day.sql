-- Every line of an order belongs to one customer and one day (true by construction for orders
-- identified by customer, day and time; a requirement on the export for Order_Id). Marts count
-- orders per day and per customer, so they are only right when this holds.
with

order_lines as (
    select * from {{ ref('order_lines') }}
),

final as (
    select
        order_sk,
        count(distinct customer_id) as customer_count,
        count(distinct order_date) as day_count
    from order_lines
    group by order_sk
    having count(distinct customer_id) > 1 or count(distinct order_date) > 1
)

select * from final
