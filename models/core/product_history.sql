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

-- Rule 1 (macros/incremental.sql): the products of batches not processed yet get all their
-- versions rebuilt (macros/history.sql), so the previous current version is closed by the new
-- one whatever the order the batches arrived in.
versions as (
    {{ versions_of_changed_keys(ref('stg_shop__products'), 'product_id', 'products') }}
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
    from versions
    window product_versions as (partition by product_id order by updated_at)
)

select * from final
