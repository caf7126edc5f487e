-- Carts that converted point to an order with the same items: the converted cart's products and
-- quantities are exactly its order's lines' (no product missing on either side, the same
-- units), and the order belongs to the cart's customer. Returns each difference. On an
-- incremental build, the carts it added.
with

carts as not materialized (
    select *
    from {{ ref('carts') }}
    where
        is_converted
        and {{ latest_build_condition(ref('carts')) }}
),

cart_items as (
    select * from {{ ref('cart_items') }}
),

order_lines as (
    select * from {{ ref('order_lines') }}
),

in_carts as (
    select
        carts.cart_id,
        carts.order_sk,
        carts.customer_id,
        cart_items.product_sk,
        sum(cart_items.quantity) as quantity
    from carts
    inner join cart_items on carts.cart_id = cart_items.cart_id
    group by carts.cart_id, carts.order_sk, carts.customer_id, cart_items.product_sk
),

in_orders as (
    select
        carts.cart_id,
        carts.order_sk,
        order_lines.customer_id,
        order_lines.product_sk,
        sum(order_lines.quantity) as quantity
    from carts
    inner join order_lines on carts.order_sk = order_lines.order_sk
    group by carts.cart_id, carts.order_sk, order_lines.customer_id, order_lines.product_sk
),

final as (
    select
        coalesce(in_carts.cart_id, in_orders.cart_id) as cart_id,
        coalesce(in_carts.order_sk, in_orders.order_sk) as order_sk,
        coalesce(in_carts.product_sk, in_orders.product_sk) as product_sk,
        in_carts.customer_id as cart_customer_id,
        in_orders.customer_id as order_customer_id,
        in_carts.quantity as cart_quantity,
        in_orders.quantity as order_quantity
    from in_carts
    full outer join in_orders
        on
            in_carts.cart_id = in_orders.cart_id
            and in_carts.product_sk = in_orders.product_sk
    where
        in_carts.quantity is distinct from in_orders.quantity
        or in_carts.customer_id is distinct from in_orders.customer_id
)

select * from final
