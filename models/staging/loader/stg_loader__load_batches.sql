with

source as (
    select * from {{ source('loader', 'load_batches') }}
),

renamed as (
    select
        -- ids
        cast(batch_id as bigint) as batch_id,

        -- dimensions
        trim(feed) as feed,
        source_file,
        content_sha256,
        {{ to_code('status') }} as status,
        error as error_message,

        -- measures
        cast(rows_read as bigint) as rows_read,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_rejected as bigint) as rows_rejected,

        -- timestamps
        cast(started_at as timestamptz) as started_at,
        cast(finished_at as timestamptz) as finished_at
    from source
)

select * from renamed
