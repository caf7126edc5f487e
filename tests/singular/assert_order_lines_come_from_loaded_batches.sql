-- Only rows of batches the ledger records as 'loaded' may sit in the landing table: quarantined
-- or failed batches never reach any model. Returns offending batches: rows of a batch the ledger
-- records as rejected or failed, or of a batch id the ledger does not know (beyond its first or
-- last batch: ledger ids come from an identity, so there is no other gap to fill). The batch
-- ids are looked up in the ledger when the test runs, so PostgreSQL reads only those batches
-- through the landing table's index on `_batch_id`, never the whole table.
{%- set ledger = source('loader', 'load_batches') -%}
{%- set bounds = ['null', 0, 0] -%}
{%- if execute is sameas true -%}
    {%- set bounds = run_query(
        "select coalesce(string_agg(batch_id::text, ', ') filter (where status <> 'loaded'),"
        ~ " 'null'), coalesce(min(batch_id), 0), coalesce(max(batch_id), 0) from " ~ ledger
    ).rows[0] -%}
{%- endif -%}
{%- set not_loaded = bounds[0] -%}
{%- set first_batch = bounds[1] -%}
{%- set last_batch = bounds[2] %}

with

order_lines as (
    select * from {{ source('shop', 'order_lines') }}
),

load_batches as (
    select * from {{ ledger }}
),

suspicious_lines as (
    select order_lines._batch_id
    from order_lines
    where
        order_lines._batch_id in ({{ not_loaded }})
        or order_lines._batch_id < {{ first_batch }}
        or order_lines._batch_id > {{ last_batch }}
),

final as (
    select
        suspicious_lines._batch_id,
        load_batches.status,
        count(*) as line_count
    from suspicious_lines
    left join load_batches on suspicious_lines._batch_id = load_batches.batch_id
    group by suspicious_lines._batch_id, load_batches.status
)

select * from final
