-- The snapshots end where the warehouse stands: for every cataloged product and registered
-- customer, the snapshot row currently served holds the values core serves now. Returns the
-- products and customers whose served row is missing or differs. On an incremental build, the
-- ones it rewrote.
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

customers as (
    select *
    from {{ ref('customers') }}
    where
        is_registered
        and {{ latest_build_condition(ref('customers')) }}
),

customers_snapshot as (
    select * from {{ ref('customers_snapshot') }}
),

product_differences as (
    select
        'products_snapshot' as snapshot_name,
        products.product_sk as snapshot_key
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

customer_differences as (
    select
        'customers_snapshot' as snapshot_name,
        cast(customers.customer_id as text) as snapshot_key
    from customers
    left join customers_snapshot
        on
            customers.customer_id = customers_snapshot.customer_id
            and customers_snapshot.dbt_valid_to is null
    where
        customers_snapshot.customer_id is null
        or customers.first_name is distinct from customers_snapshot.first_name
        or customers.last_name is distinct from customers_snapshot.last_name
        or customers.email is distinct from customers_snapshot.email
        or customers.country is distinct from customers_snapshot.country
        or customers.region is distinct from customers_snapshot.region
        or customers.city is distinct from customers_snapshot.city
        or customers.is_marketing_opt_in is distinct from customers_snapshot.is_marketing_opt_in
),

final as (
    select * from product_differences
    union all
    select * from customer_differences
)

select * from final
