with

source as (
    select * from {{ source('shop', 'payments') }}
),

renamed as (
    select
        -- ids
        cast(payment_id as bigint) as payment_id,
        cast(order_id as bigint) as order_id,

        -- dimensions
        {{ to_code('payment_method') }} as payment_method,
        {{ to_code('status') }} as payment_status,

        -- measures
        cast(amount as numeric) as amount,

        -- dates and times
        cast(processed_at as timestamp) as processed_at,

        -- metadata
        cast(_batch_id as bigint) as batch_id,
        cast(_line_number as bigint) as line_number,
        cast(_loaded_at as timestamptz) as loaded_at
    from source
)

select * from renamed
