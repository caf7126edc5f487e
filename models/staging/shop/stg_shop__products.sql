with

source as (
    select * from {{ source('shop', 'products') }}
),

renamed as (
    select
        -- ids
        cast(product_id as bigint) as product_id,
        trim(sku) as sku,

        -- dimensions
        trim(product_name) as product_name,
        trim(category) as product_category,
        nullif(trim(supplier), '') as supplier,
        cast(is_active as boolean) as is_active,

        -- measures
        cast(list_price as numeric) as list_price,
        cast(unit_cost as numeric) as unit_cost,

        -- dates and times
        cast(launch_date as date) as launch_date,
        cast(updated_at as timestamp) as updated_at,

        -- metadata
        cast(_batch_id as bigint) as batch_id,
        cast(_line_number as bigint) as line_number,
        cast(_loaded_at as timestamptz) as loaded_at
    from source
)

select * from renamed
