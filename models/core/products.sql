{{
    config(
        materialized='incremental',
        incremental_strategy='merge',
        unique_key='product_sk',
    )
}}

with

order_lines as (
    select * from {{ ref('int_order_lines_keyed') }}
),

product_history as not materialized (
    select * from {{ ref('product_history') }}
),

-- Rule 2 (macros/incremental.sql): products of lines and catalog versions written since this
-- table's latest build. A product is a name within its category, as in the export; the catalog
-- describes the product with the same name and category.
affected as (
    select
        order_lines.product_sk,
        order_lines.category_sk,
        order_lines.product_name
    from order_lines
    where {{ built_since_last_build('order_lines.built_at') }}
    union
    select
        product_history.product_sk,
        product_history.category_sk,
        product_history.product_name
    from product_history
    where {{ built_since_last_build('product_history.built_at') }}
),

-- the catalog's current version of every cataloged product
catalog as (
    select *
    from product_history
    where is_current
),

final as (
    select
        -- ids
        affected.product_sk,
        affected.category_sk,
        affected.product_name,
        catalog.product_id,
        catalog.sku,

        -- dimensions
        catalog.supplier,
        catalog.is_active,

        -- measures
        catalog.list_price,
        catalog.unit_cost,

        -- dates and times
        catalog.launch_date,
        catalog.valid_from as catalog_updated_at,

        -- metadata
        {{ build_timestamp() }} as built_at
    from affected
    left join catalog on affected.product_sk = catalog.product_sk
)

select * from final
