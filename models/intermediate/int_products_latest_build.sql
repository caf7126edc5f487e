{{ config(materialized='view') }}

with

products as not materialized (
    select * from {{ ref('products') }}
),

-- the cataloged products the latest build (re)wrote: the only ones whose served state can
-- have changed since the snapshot last looked
final as (
    select
        product_sk,
        product_id,
        sku,
        product_name,
        supplier,
        is_active,
        list_price,
        unit_cost,
        catalog_updated_at
    from products
    where
        product_id is not null
        and built_at = (
            select max(latest.built_at) as latest_built_at
            from products as latest
        )
)

select * from final
