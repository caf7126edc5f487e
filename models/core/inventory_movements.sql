{{
    config(
        materialized='incremental',
        incremental_strategy='append',
        indexes=[
            {'columns': ['batch_id']},
            {'columns': ['built_at']},
            {'columns': ['movement_date']},
        ],
    )
}}

with

movements as (
    select * from {{ ref('stg_shop__inventory_movements') }}
),

products as (
    select * from {{ ref('products') }}
),

-- Rule 1 (macros/incremental.sql): the movements of batches not processed yet. A movement id
-- sent again in a later batch breaks the primary key and stops the build.
new_movements as (
    select movements.*
    from movements
    where movements.batch_id in ({{ unprocessed_batches('inventory-movements') }})
),

final as (
    select
        -- ids
        new_movements.movement_id,
        products.product_sk,
        new_movements.product_id,
        case
            when new_movements.order_id is not null
                then {{ order_sk_of_id('new_movements.order_id') }}
        end as order_sk,
        new_movements.order_id,

        -- dimensions
        new_movements.movement_type,

        -- measures
        new_movements.quantity,

        -- dates and times
        new_movements.moved_at,
        cast(new_movements.moved_at as date) as movement_date,

        -- metadata
        new_movements.batch_id,
        new_movements.line_number,
        new_movements.loaded_at,
        {{ build_timestamp() }} as built_at
    from new_movements
    left join products on new_movements.product_id = products.product_id
)

select * from final
