{{ config(materialized='view') }}

with

order_lines as (
    select * from {{ ref('order_lines') }}
),

product_history as (
    select * from {{ ref('product_history') }}
),

timed as (
    select
        *,
        -- the moment the line was ordered; midnight when the export has no time
        order_date + coalesce(order_time, time '00:00') as ordered_at
    from order_lines
),

-- The product version valid when the line was ordered (none when the catalog does not list
-- the product or the line predates its first version).
priced as (
    select
        timed.*,
        product_history.product_version_sk,
        product_history.list_price,
        product_history.unit_cost
    from timed
    left join product_history
        on
            timed.product_sk = product_history.product_sk
            and timed.ordered_at >= product_history.valid_from
            and (
                timed.ordered_at < product_history.valid_to
                or product_history.valid_to is null
            )
),

final as (
    select
        -- ids
        order_line_sk,
        order_sk,
        product_sk,
        customer_id,
        product_version_sk,

        -- measures
        quantity,
        sales,
        profit,
        discount_rate,
        shipping_cost,
        list_price,
        unit_cost,
        unit_cost * quantity as cost,  -- noqa: RF04
        sales - unit_cost * quantity as gross_profit,
        list_price * quantity - sales as discount_given,

        -- dates and times
        order_date,
        order_time,
        ordered_at,

        -- metadata
        built_at
    from priced
)

select * from final
