-- Reviews only by buyers, after the purchase: every review's order holds a line of the reviewed
-- product bought by the reviewer, ordered before the review was written. Returns the reviews
-- without such a line. On an incremental build, the reviews it added.
with

reviews as (
    select *
    from {{ ref('reviews') }}
    where {{ latest_build_condition(ref('reviews')) }}
),

order_lines as (
    select * from {{ ref('order_lines') }}
),

final as (
    select
        reviews.review_id,
        reviews.customer_id,
        reviews.product_sk,
        reviews.order_sk,
        reviews.reviewed_at
    from reviews
    where not exists (
        select 1 as found
        from order_lines
        where
            order_lines.order_sk = reviews.order_sk
            and order_lines.product_sk = reviews.product_sk
            and order_lines.customer_id = reviews.customer_id
            and order_lines.order_date + coalesce(order_lines.order_time, time '00:00')
            < reviews.reviewed_at
    )
)

select * from final
