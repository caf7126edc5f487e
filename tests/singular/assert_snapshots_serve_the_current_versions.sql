-- The snapshot ends where the warehouse stands: for every cataloged product, the snapshot row
-- currently served holds the values core serves now. Returns the products whose served row is
-- missing or differs. On an incremental build, the products it rewrote.
with

products as (
    select *
    from {{ ref('products') }}
    where
        product_id is not null
        and {{ latest_build_condition(ref('products')) }}
),

products_snapshot as (
    select * from {{ ref('products_snapshot') }}
),

product_differences as (
    select
        products.product_sk,
        products.product_id
    from products
    left join products_snapshot
        on
            products.product_sk = products_snapshot.product_sk
            and products_snapshot.dbt_valid_to is null
    where
        products_snapshot.product_sk is null
        or products.sku is distinct from products_snapshot.sku
        or products.product_name is distinct from products_snapshot.product_name
        or products.supplier is distinct from products_snapshot.supplier
        or products.is_active is distinct from products_snapshot.is_active
        or products.list_price is distinct from products_snapshot.list_price
        or products.unit_cost is distinct from products_snapshot.unit_cost
),

final as (
    select * from product_differences
)

select * from final
