with

source as (
    select * from {{ source('shop', 'order_lines') }}
),

renamed as (
    select
        -- ids
        cast(_batch_id as bigint) as batch_id,
        cast(_line_number as bigint) as line_number,
        nullif(trim(order_id), '') as order_id,
        cast(customer_id as bigint) as customer_id,

        -- dimensions
        trim(product_category) as product_category,
        trim(product) as product_name,
        {{ to_code('gender') }} as gender,
        {{ to_code('device_type') }} as device_type,
        {{ to_code('customer_login_type') }} as login_type,
        {{ to_code('order_priority') }} as order_priority,
        {{ to_code('payment_method') }} as payment_method,

        -- measures
        cast(sales as numeric) as sales,
        cast(quantity as integer) as quantity,
        cast(discount as numeric) as discount_rate,
        cast(profit as numeric) as profit,
        cast(shipping_cost as numeric) as shipping_cost,
        cast(aging as numeric) as aging_days,

        -- dates and times
        cast(order_date as date) as order_date,
        cast(time as time) as order_time,

        -- metadata
        cast(_loaded_at as timestamptz) as loaded_at
    from source
)

select * from renamed
