{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        indexes=[
            {'columns': ['batch_id']},
            {'columns': ['built_at']},
            {'columns': ['product_sk']},
        ],
    )
}}

with

reviews as (
    select * from {{ ref('stg_shop__reviews') }}
),

products as (
    select * from {{ ref('products') }}
),

-- Rule 1 (macros/incremental.sql): the reviews of batches not processed yet.
new_reviews as (
    select reviews.*
    from reviews
    where reviews.batch_id in ({{ unprocessed_batches('reviews') }})
),

final as (
    select
        -- ids
        new_reviews.review_id,
        products.product_sk,
        new_reviews.product_id,
        new_reviews.customer_id,
        {{ order_sk_of_id('new_reviews.order_id') }} as order_sk,
        new_reviews.order_id,

        -- dimensions
        new_reviews.review_title,
        new_reviews.review_body,

        -- measures
        new_reviews.rating,

        -- dates and times
        new_reviews.reviewed_at,
        cast(new_reviews.reviewed_at as date) as review_date,

        -- metadata
        new_reviews.batch_id,
        new_reviews.line_number,
        new_reviews.loaded_at,
        {{ build_timestamp() }} as built_at
    from new_reviews
    left join products on new_reviews.product_id = products.product_id
)

select * from final
