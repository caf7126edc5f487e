with

order_lines as (
    select * from {{ ref('int_order_lines_keyed') }}
),

final as (
    select distinct
        product_sk,
        category_sk,
        product_name
    from order_lines
)

select * from final
