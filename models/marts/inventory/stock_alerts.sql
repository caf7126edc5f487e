{%- set cover_days = var('stock_alert_cover_days') -%}
{%- set sales_window_days = 28 -%}

with

stock_levels as not materialized (
    select * from {{ ref('stock_levels_daily') }}
),

products as (
    select * from {{ ref('products') }}
),

categories as (
    select * from {{ ref('categories') }}
),

stock_policies as (
    select * from {{ ref('stock_policies') }}
),

-- the last day stock is known for
as_of as (
    select max(stock_date) as as_of_date
    from stock_levels
),

-- each product's stock at the end of that day and its sales over the 28 days ending then
recent as (
    select
        stock_levels.product_sk,
        as_of.as_of_date,
        sum(stock_levels.closing_stock) filter (
            where stock_levels.stock_date = as_of.as_of_date
        ) as closing_stock,
        sum(stock_levels.units_sold) as units_sold_28d
    from stock_levels
    inner join as_of
        on stock_levels.stock_date > as_of.as_of_date - {{ sales_window_days }}
    group by stock_levels.product_sk, as_of.as_of_date
),

measured as (
    select
        recent.product_sk,
        recent.as_of_date,
        recent.closing_stock,
        recent.units_sold_28d,
        round(recent.units_sold_28d / {{ sales_window_days }}.0, 4) as daily_sales_rate,
        {{ days_of_cover('recent.closing_stock', 'recent.units_sold_28d', sales_window_days) }}
            as days_of_cover,
        coalesce(
            stock_policies.lead_time_days, {{ var('stock_default_lead_time_days') }}
        ) as lead_time_days,
        -- multiplied before dividing, so a whole result is exact
        greatest(
            coalesce(stock_policies.min_stock_units, {{ var('stock_default_min_units') }}),
            ceil(
                recent.units_sold_28d
                * coalesce(
                    stock_policies.lead_time_days, {{ var('stock_default_lead_time_days') }}
                )
                / {{ sales_window_days }}.0
            )
        ) as reorder_point,
        products.product_name,
        products.sku,
        categories.category_name as product_category
    from recent
    inner join products on recent.product_sk = products.product_sk
    inner join categories on products.category_sk = categories.category_sk
    left join stock_policies on categories.category_name = stock_policies.product_category
),

final as (
    select
        -- ids
        product_sk,
        sku,

        -- dimensions
        product_name,
        product_category,
        case
            when closing_stock <= 0 then 'out_of_stock'
            when closing_stock <= reorder_point then 'below_reorder_point'
            else 'low_cover'
        end as alert_reason,
        closing_stock <= reorder_point as is_below_reorder_point,
        coalesce(days_of_cover < {{ cover_days }}, false) as is_low_cover,

        -- measures
        cast(closing_stock as bigint) as closing_stock,
        cast(units_sold_28d as bigint) as units_sold_28d,
        daily_sales_rate,
        days_of_cover,
        lead_time_days,
        cast(reorder_point as bigint) as reorder_point,

        -- dates
        as_of_date
    from measured
    where
        closing_stock <= reorder_point
        or days_of_cover < {{ cover_days }}
)

select * from final
