with

source as (
    select * from {{ source('shop', 'customers') }}
),

renamed as (
    select
        -- ids
        cast(customer_id as bigint) as customer_id,

        -- dimensions
        nullif(trim(first_name), '') as first_name,
        nullif(trim(last_name), '') as last_name,
        lower(nullif(trim(email), '')) as email,
        {{ to_code('gender') }} as gender,
        nullif(trim(country), '') as country,
        nullif(trim(region), '') as region,
        nullif(trim(city), '') as city,
        cast(marketing_opt_in as boolean) as is_marketing_opt_in,

        -- dates and times
        cast(signed_up_at as timestamp) as signed_up_at,
        cast(updated_at as timestamp) as updated_at,

        -- metadata
        cast(_batch_id as bigint) as batch_id,
        cast(_line_number as bigint) as line_number,
        cast(_loaded_at as timestamptz) as loaded_at
    from source
)

select * from renamed
