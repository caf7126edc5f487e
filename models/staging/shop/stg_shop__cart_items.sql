with

source as (
    select * from {{ source('shop', 'cart_items') }}
),

renamed as (
    select
        -- ids
        cast(cart_item_id as bigint) as cart_item_id,
        cast(cart_id as bigint) as cart_id,
        cast(product_id as bigint) as product_id,

        -- measures
        cast(quantity as integer) as quantity,

        -- dates and times
        cast(added_at as timestamp) as added_at,

        -- metadata
        cast(_batch_id as bigint) as batch_id,
        cast(_line_number as bigint) as line_number,
        cast(_loaded_at as timestamptz) as loaded_at
    from source
)

select * from renamed
