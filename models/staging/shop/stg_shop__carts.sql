with

source as (
    select * from {{ source('shop', 'carts') }}
),

renamed as (
    select
        -- ids
        cast(cart_id as bigint) as cart_id,
        cast(customer_id as bigint) as customer_id,
        cast(order_id as bigint) as order_id,

        -- dimensions
        {{ to_code('status') }} as cart_status,

        -- dates and times
        cast(created_at as timestamp) as created_at,

        -- metadata
        cast(_batch_id as bigint) as batch_id,
        cast(_line_number as bigint) as line_number,
        cast(_loaded_at as timestamptz) as loaded_at
    from source
)

select * from renamed
