-- Margins use the price and cost valid at the order time: for every line the catalog prices,
-- the export's Sales is the list price of the version valid when the line was ordered, times
-- the quantity, less the discount (rounded half up to the cent), and the export's Profit is
-- Sales minus that version's unit cost times the quantity. A version picked from the wrong
-- period (before or after a price change) breaks one of the two. Returns the offending lines.
-- On an incremental build, the lines it added.
with

priced_lines as (
    select *
    from {{ ref('int_order_lines_priced') }}
    where {{ latest_build_condition(ref('order_lines')) }}
),

final as (
    select
        order_line_sk,
        ordered_at,
        quantity,
        discount_rate,
        list_price,
        unit_cost,
        sales,
        profit,
        round(list_price * quantity * (1 - discount_rate), 2) as expected_sales,
        gross_profit
    from priced_lines
    where
        product_version_sk is not null
        and (
            sales != round(list_price * quantity * (1 - discount_rate), 2)
            or profit is distinct from gross_profit
        )
)

select * from final
