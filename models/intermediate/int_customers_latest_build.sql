{{ config(materialized='view') }}

with

customers as not materialized (
    select * from {{ ref('customers') }}
),

-- the registered customers the latest build (re)wrote: the only ones whose served attributes
-- can have changed since the snapshot last looked
final as (
    select
        customer_id,
        first_name,
        last_name,
        email,
        country,
        region,
        city,
        is_marketing_opt_in,
        registry_updated_at
    from customers
    where
        is_registered
        and built_at = (
            select max(latest.built_at) as latest_built_at
            from customers as latest
        )
)

select * from final
