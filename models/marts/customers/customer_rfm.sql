with

customer_totals as not materialized (
    select * from {{ ref('int_customer_order_totals') }}
),

customers as (
    select * from {{ ref('customers') }}
),

-- recency is measured against the last order day of the data (not the clock), so the same data
-- always scores the same
as_of as (
    select max(last_order_date) as as_of_date
    from customer_totals
),

measured as (
    select
        customer_totals.customer_id,
        as_of.as_of_date,
        customer_totals.last_order_date,
        as_of.as_of_date - customer_totals.last_order_date as recency_days,
        customer_totals.order_count as frequency,
        customer_totals.revenue as monetary
    from customer_totals
    cross join as_of
),

-- Scores 1-5 by quintile: ceil(5 × the share of customers scoring at or below this one), in
-- whole numbers so no rounding can move a customer across a boundary; equal values share a
-- score (the default window frame counts ties together). 5 is best: most recent, most orders,
-- most revenue.
counted as (
    select
        *,
        count(*) over () as customer_count,
        count(*) over (order by recency_days desc) as recency_at_or_below,
        count(*) over (order by frequency) as frequency_at_or_below,
        count(*) over (order by monetary) as monetary_at_or_below
    from measured
),

scored as (
    select
        *,
        {{ quintile_score('recency_at_or_below', 'customer_count') }} as recency_score,
        {{ quintile_score('frequency_at_or_below', 'customer_count') }} as frequency_score,
        {{ quintile_score('monetary_at_or_below', 'customer_count') }} as monetary_score
    from counted
),

final as (
    select
        -- ids
        scored.customer_id,
        -- personal data stays in core: campaigns match customers on this salted hash
        {{ contact_hash('customers.email') }} as contact_hash,

        -- dimensions
        {{ rfm_segment('scored.recency_score', 'scored.frequency_score') }} as rfm_segment,
        scored.recency_score || '' || scored.frequency_score || '' || scored.monetary_score
            as rfm_cell,
        customers.is_marketing_opt_in,

        -- measures
        scored.recency_days,
        scored.frequency,
        scored.monetary,
        scored.recency_score,
        scored.frequency_score,
        scored.monetary_score,

        -- dates
        scored.last_order_date,
        scored.as_of_date
    from scored
    inner join customers on scored.customer_id = customers.customer_id
)

select * from final
