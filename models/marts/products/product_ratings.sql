with

reviews as (
    select * from {{ ref('reviews') }}
),

product_buyers as (
    select * from {{ ref('int_product_buyers') }}
),

products as (
    select * from {{ ref('products') }}
),

categories as (
    select * from {{ ref('categories') }}
),

-- who bought each product (a customer counts once per product)
buyers as (
    select
        product_sk,
        count(*) as buyer_count
    from product_buyers
    group by product_sk
),

per_product as (
    select
        product_sk,
        count(*) as review_count,
        round(avg(rating), 2) as avg_rating,
        count(*) filter (where rating = 1) as rating_1_count,
        count(*) filter (where rating = 2) as rating_2_count,
        count(*) filter (where rating = 3) as rating_3_count,
        count(*) filter (where rating = 4) as rating_4_count,
        count(*) filter (where rating = 5) as rating_5_count,
        count(distinct customer_id) as reviewer_count
    from reviews
    group by product_sk
),

final as (
    select
        -- ids
        products.product_sk,
        products.sku,

        -- dimensions
        products.product_name,
        categories.category_name as product_category,

        -- measures
        coalesce(per_product.review_count, 0) as review_count,
        per_product.avg_rating,
        coalesce(per_product.rating_1_count, 0) as rating_1_count,
        coalesce(per_product.rating_2_count, 0) as rating_2_count,
        coalesce(per_product.rating_3_count, 0) as rating_3_count,
        coalesce(per_product.rating_4_count, 0) as rating_4_count,
        coalesce(per_product.rating_5_count, 0) as rating_5_count,
        coalesce(buyers.buyer_count, 0) as buyer_count,
        coalesce(per_product.reviewer_count, 0) as reviewer_count,
        round(
            cast(coalesce(per_product.reviewer_count, 0) as numeric)
            / nullif(buyers.buyer_count, 0),
            4
        ) as reviewed_buyer_share
    from products
    inner join categories on products.category_sk = categories.category_sk
    left join per_product on products.product_sk = per_product.product_sk
    left join buyers on products.product_sk = buyers.product_sk
    where per_product.product_sk is not null or buyers.product_sk is not null
)

select * from final
