{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key=['cohort_month', 'months_since_first_order'],
        indexes=[
            {'columns': ['cohort_month', 'months_since_first_order'], 'unique': true},
            {'columns': ['built_at']},
        ],
    )
}}

{#- Rule 2 (macros/incremental.sql): the month of the earliest order written since this
    table's latest build. Cells of later cohorts, and of later activity months of every
    cohort, are recomputed (delete+insert by cell); the grid is dense, so no cell ever
    disappears. A full build reads every month. -#}
{%- set first_month = first_changed(ref('orders'), 'order_date', 'month') -%}

with

orders as not materialized (
    select * from {{ ref('orders') }}
),

customers as (
    select * from {{ ref('customers') }}
),

-- a customer's cohort is the month of their first order
cohort_members as (
    select
        customer_id,
        cast(date_trunc('month', first_order_date) as date) as cohort_month
    from customers
    where first_order_date is not null
),

cohort_sizes as (
    select
        cohort_month,
        count(*) as cohort_size
    from cohort_members
    group by cohort_month
),

activity as (
    select
        cohort_members.cohort_month,
        cast(date_trunc('month', orders.order_date) as date) as activity_month,
        count(distinct orders.customer_id) as active_customers,
        count(*) as order_count,
        sum(orders.revenue) as revenue
    from orders
    inner join cohort_members on orders.customer_id = cohort_members.customer_id
    where orders.order_date >= {{ first_month }}
    group by
        cohort_members.cohort_month,
        cast(date_trunc('month', orders.order_date) as date)
),

bounds as (
    select
        min(cohort_month) as first_cohort,
        (
            select cast(date_trunc('month', max(orders.order_date)) as date) as last_month
            from orders
        ) as last_month
    from cohort_members
),

-- every month from the first cohort on is a cohort (empty when nobody first ordered then)...
cohorts as (
    select
        cast(bounds.first_cohort + cohort_offset.n * interval '1 month' as date)
            as cohort_month,
        bounds.last_month
    from bounds
    cross join generate_series(
        0, {{ months_between('bounds.first_cohort', 'bounds.last_month') }}
    ) as cohort_offset (n)
),

-- ...and every cohort has a cell for each month up to the last month with orders
grid as (
    select
        cohorts.cohort_month,
        month_offset.n as months_since_first_order,
        cast(cohorts.cohort_month + month_offset.n * interval '1 month' as date)
            as activity_month
    from cohorts
    cross join generate_series(
        0, {{ months_between('cohorts.cohort_month', 'cohorts.last_month') }}
    ) as month_offset (n)
),

changed_cells as (
    select grid.*
    from grid
    where grid.activity_month >= {{ first_month }}
),

final as (
    select
        -- dimensions
        changed_cells.cohort_month,
        changed_cells.months_since_first_order,
        changed_cells.activity_month,

        -- measures
        coalesce(cohort_sizes.cohort_size, 0) as cohort_size,
        coalesce(activity.active_customers, 0) as active_customers,
        round(
            cast(coalesce(activity.active_customers, 0) as numeric)
            / nullif(cohort_sizes.cohort_size, 0),
            4
        ) as retention_rate,
        coalesce(activity.order_count, 0) as order_count,
        coalesce(activity.revenue, 0) as revenue,

        -- metadata
        {{ build_timestamp() }} as built_at
    from changed_cells
    left join cohort_sizes on changed_cells.cohort_month = cohort_sizes.cohort_month
    left join activity
        on
            changed_cells.cohort_month = activity.cohort_month
            and changed_cells.activity_month = activity.activity_month
)

select * from final
