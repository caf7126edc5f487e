{#- Rule 2 (macros/incremental.sql): the day of the earliest line written since this
    table's latest build; it and every later day are recomputed whole (delete+insert by
    order_date). A full build reads every day. -#}
{%- set first_day = first_changed(ref('int_order_lines_priced'), 'order_date') -%}

with

order_lines as (
    select * from {{ ref('int_order_lines_priced') }}
),

products as (
    select * from {{ ref('products') }}
),

final as (
    select
        -- dimensions
        order_lines.order_date,
        products.category_sk,

        -- measures
        count(distinct order_lines.order_sk) as order_count,
        sum(order_lines.quantity) as units_sold,
        sum(order_lines.sales) as revenue,
        sum(order_lines.profit) as profit,
        sum(order_lines.cost) as cost,  -- noqa: RF04
        sum(order_lines.discount_given) as discount_given,
        count(*) filter (where order_lines.product_version_sk is null) as unpriced_line_count,

        -- metadata
        {{ build_timestamp() }} as built_at
    from order_lines
    inner join products on order_lines.product_sk = products.product_sk
    where order_lines.order_date >= {{ first_day }}
    group by order_lines.order_date, products.category_sk
)

select * from final
