-- The periods of a product's (and a customer's) versions do not overlap and leave no gap: in
-- valid_from order, each version ends exactly when the next begins, and exactly one version,
-- the last, is current (open-ended). Returns each offending version. On an incremental build,
-- the keys whose versions it rebuilt.
with

product_history as (
    select *
    from {{ ref('product_history') }}
    where {{ latest_build_condition(ref('product_history')) }}
),

customer_history as (
    select *
    from {{ ref('customer_history') }}
    where {{ latest_build_condition(ref('customer_history')) }}
),

versions as (
    select
        'product' as entity,
        product_id as entity_id,
        valid_from,
        valid_to,
        is_current
    from product_history
    union all
    select
        'customer' as entity,
        customer_id as entity_id,
        valid_from,
        valid_to,
        is_current
    from customer_history
),

ordered as (
    select
        *,
        lead(valid_from) over entity_versions as next_valid_from,
        count(*) filter (where is_current) over entity_period as current_versions
    from versions
    window
        entity_versions as (partition by entity, entity_id order by valid_from),
        entity_period as (partition by entity, entity_id)
),

final as (
    select *
    from ordered
    where
        valid_to is distinct from next_valid_from
        or is_current != (valid_to is null)
        or current_versions != 1
        or valid_to <= valid_from
)

select * from final
