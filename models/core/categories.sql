with

order_lines as (
    select * from {{ ref('int_order_lines_keyed') }}
),

final as (
    select distinct
        category_sk,
        product_category as category_name
    from order_lines
)

select * from final
