{#- A cart holds a product once: the unique index enforces it on every row (the data test on
    these columns is then answered from the catalog, macros/enforced_constraints.sql) and
    serves the lookups by cart. -#}
{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        indexes=[
            {'columns': ['batch_id']},
            {'columns': ['built_at']},
            {'columns': ['cart_id', 'product_sk'], 'unique': True},
        ],
    )
}}

with

cart_items as (
    select * from {{ ref('stg_shop__cart_items') }}
),

products as (
    select * from {{ ref('products') }}
),

-- Rule 1 (macros/incremental.sql): the cart items of batches not processed yet.
new_items as (
    select cart_items.*
    from cart_items
    where cart_items.batch_id in ({{ unprocessed_batches('cart-items') }})
),

final as (
    select
        -- ids
        new_items.cart_item_id,
        new_items.cart_id,
        products.product_sk,
        new_items.product_id,

        -- measures
        new_items.quantity,

        -- dates and times
        new_items.added_at,

        -- metadata
        new_items.batch_id,
        new_items.line_number,
        new_items.loaded_at,
        {{ build_timestamp() }} as built_at
    from new_items
    left join products on new_items.product_id = products.product_id
)

select * from final
