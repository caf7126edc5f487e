with

source as (
    select * from {{ source('shop', 'reviews') }}
),

renamed as (
    select
        -- ids
        cast(review_id as bigint) as review_id,
        cast(product_id as bigint) as product_id,
        cast(customer_id as bigint) as customer_id,
        cast(order_id as bigint) as order_id,

        -- dimensions
        nullif(trim(title), '') as review_title,
        nullif(trim(body), '') as review_body,

        -- measures
        cast(rating as integer) as rating,

        -- dates and times
        cast(reviewed_at as timestamp) as reviewed_at,

        -- metadata
        cast(_batch_id as bigint) as batch_id,
        cast(_line_number as bigint) as line_number,
        cast(_loaded_at as timestamptz) as loaded_at
    from source
)

select * from renamed
