-- Does a higher discount bring more sales? Per discount rate: the units and revenue a line
-- brings, and the margin left. The correlation of rate and units per line across the rates
-- (each rate one point) sums up the trend: near 0, deeper discounts do not sell more units.
with

discount_impact as (
    select * from {{ ref('discount_impact') }}
)

select
    discount_rate,
    order_lines,
    avg_units_per_line,
    avg_revenue_per_line,
    profit_margin,
    round(
        cast(corr(discount_rate, avg_units_per_line) over () as numeric), 3
    ) as rate_units_correlation
from discount_impact
order by discount_rate asc
