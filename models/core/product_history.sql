{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='product_id',
        indexes=[
            {'columns': ['product_sk']},
            {'columns': ['batch_id']},
            {'columns': ['built_at']},
        ],
    )
}}

with

products as not materialized (
    select * from {{ ref('stg_shop__products') }}
),

load_batches as (
    select * from {{ ref('stg_loader__load_batches') }}
),

-- Rule 1 (macros/incremental.sql): the products of catalog batches not processed yet get all
-- their versions rebuilt, so the previous current version is closed by the new one whatever
-- the order the batches arrived in.
changed_products as (
    select distinct products.product_id
    from products
    where products.batch_id in ({{ unprocessed_batches('products') }})
),

catalog_rows as (
    select products.*
    from products
    inner join changed_products on products.product_id = changed_products.product_id
    inner join load_batches on products.batch_id = load_batches.batch_id
    where load_batches.status = 'loaded'
),

-- One version per product and effective time: a row sent again later (same product_id, same
-- updated_at) replaces the earlier one, the latest batch and line winning.
deduplicated as (
    select distinct on (product_id, updated_at) *
    from catalog_rows
    order by product_id asc, updated_at asc, batch_id desc, line_number desc
),

-- A version is valid from its updated_at until the next version's (exclusive); the last one
-- is current and open-ended.
final as (
    select
        -- ids
        {{ surrogate_key([
            'product_id', "to_char(updated_at, 'YYYY-MM-DD HH24:MI:SS.US')"
        ]) }} as product_version_sk,
        product_id,
        {{ surrogate_key(['product_category', 'product_name']) }} as product_sk,
        {{ surrogate_key(['product_category']) }} as category_sk,
        sku,

        -- dimensions
        product_name,
        product_category,
        supplier,
        is_active,
        lead(updated_at) over product_versions is null as is_current,

        -- measures
        list_price,
        unit_cost,

        -- dates and times
        launch_date,
        updated_at as valid_from,
        lead(updated_at) over product_versions as valid_to,

        -- metadata
        batch_id,
        line_number,
        loaded_at,
        {{ build_timestamp() }} as built_at
    from deduplicated
    window product_versions as (partition by product_id order by updated_at)
)

select * from final
