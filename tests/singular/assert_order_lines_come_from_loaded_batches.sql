-- Only rows of batches the ledger records as 'loaded' may sit in the landing table:
-- quarantined or failed batches never reach any model. Returns offending batches.
with

order_lines as (
    select * from {{ source('shop', 'order_lines') }}
),

load_batches as (
    select * from {{ source('loader', 'load_batches') }}
),

final as (
    select
        order_lines._batch_id,
        load_batches.status,
        count(*) as line_count
    from order_lines
    left join load_batches on order_lines._batch_id = load_batches.batch_id
    where load_batches.status is distinct from 'loaded'
    group by order_lines._batch_id, load_batches.status
)

select * from final
