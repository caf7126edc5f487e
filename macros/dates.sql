{#-
    months_between(start, finish): whole calendar months from the month of `start` to the month
    of `finish` (SQL date expressions): 0 within one month, 1 from January to February whatever
    the days, 12 from January to the next January, negative when `finish` is earlier. Counted
    on year and month numbers, so no day or time zone can shift it. Proven by the unit test
    customer_cohorts_month_arithmetic.
-#}
{% macro months_between(start, finish) -%}
    (
        (extract(year from {{ finish }}) - extract(year from {{ start }})) * 12
        + extract(month from {{ finish }}) - extract(month from {{ start }})
    )::integer
{%- endmacro %}


{#-
    days_of_cover(stock, units_sold, window_days): how many days `stock` lasts at the rate of
    `units_sold` per `window_days` days, rounded to 1 decimal (half away from zero); null when
    nothing sold (the stock lasts indefinitely at that rate). Computed as
    stock × window_days / units_sold, so no rounded rate enters it. Proven by the unit test
    stock_alerts_days_of_cover_and_reorder_point.
-#}
{% macro days_of_cover(stock, units_sold, window_days) -%}
    round({{ window_days }}.0 * {{ stock }} / nullif({{ units_sold }}, 0), 1)
{%- endmacro %}
