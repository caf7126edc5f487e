with

order_lines as (
    select * from {{ ref('int_order_lines_keyed') }}
),

final as (
    select
        -- ids
        order_line_sk,
        order_sk,
        product_sk,
        customer_id,

        -- measures
        sales,
        quantity,
        discount_rate,
        profit,
        shipping_cost,
        aging_days,

        -- dates and times
        order_date,
        order_time,

        -- metadata
        batch_id,
        line_number,
        loaded_at
    from order_lines
)

select * from final
