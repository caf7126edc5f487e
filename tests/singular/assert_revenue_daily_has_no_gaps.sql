-- revenue_daily has exactly one row per day from the first to the last order day of the
-- order lines. Returns a row describing the mismatch, if any.
with

order_lines as (
    select * from {{ ref('order_lines') }}
),

revenue_daily as (
    select * from {{ ref('revenue_daily') }}
),

expected as (
    select
        min(order_date) as first_day,
        max(order_date) as last_day,
        coalesce(max(order_date) - min(order_date) + 1, 0) as day_count
    from order_lines
),

actual as (
    select
        min(date_day) as first_day,
        max(date_day) as last_day,
        count(*) as day_count,
        count(distinct date_day) as distinct_day_count
    from revenue_daily
),

final as (
    select
        expected.first_day as expected_first_day,
        actual.first_day,
        expected.last_day as expected_last_day,
        actual.last_day,
        expected.day_count as expected_day_count,
        actual.day_count,
        actual.distinct_day_count
    from expected
    cross join actual
    where
        actual.first_day is distinct from expected.first_day
        or actual.last_day is distinct from expected.last_day
        or actual.day_count != expected.day_count
        or actual.distinct_day_count != expected.day_count
)

select * from final
