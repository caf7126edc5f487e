with

source as (
    select * from {{ source('shop', 'inventory_movements') }}
),

renamed as (
    select
        -- ids
        cast(movement_id as bigint) as movement_id,
        cast(product_id as bigint) as product_id,
        cast(order_id as bigint) as order_id,

        -- dimensions
        {{ to_code('movement_type') }} as movement_type,

        -- measures
        cast(quantity as integer) as quantity,

        -- dates and times
        cast(moved_at as timestamp) as moved_at,

        -- metadata
        cast(_batch_id as bigint) as batch_id,
        cast(_line_number as bigint) as line_number,
        cast(_loaded_at as timestamptz) as loaded_at
    from source
)

select * from renamed
