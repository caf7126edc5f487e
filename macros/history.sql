{#-
    versions_of_changed_keys(relation, key, feed): the SQL of a query returning every version
    of the keys that the not-yet-processed batches of `feed` touched (rule 1,
    macros/incremental.sql), one row per key and `updated_at`, from `relation`, a staging view
    of a versioned feed (the catalog, the registry) with `key`, `updated_at`, `batch_id` and
    `line_number`. Only batches the ledger records as `loaded` count. A version sent again
    later (same key, same `updated_at`) replaces the earlier one: the latest batch and line
    win. On a full build every key is touched. The SCD2 models (`product_history`,
    `customer_history`) turn these versions into periods with a window over `updated_at`.

    On an incremental build, only versions of batches this build processes or the table
    already holds are read: a batch committed after the batch list was looked up waits whole
    for the next build (read in part now, its batch id would be in the table and the rest of
    it never processed).
-#}
{% macro versions_of_changed_keys(relation, key, feed) -%}
    {%- set batches = unprocessed_batches(feed) -%}
    {%- set readable = 'true' -%}
    {%- if is_incremental() -%}
        {%- set readable = '(versions.batch_id in (' ~ batches ~ ') or versions.batch_id in'
            ~ ' (select processed.batch_id from ' ~ this ~ ' as processed))' -%}
    {%- endif -%}
    select distinct on (versions.{{ key }}, versions.updated_at) versions.*
    from {{ relation }} as versions
    inner join {{ ref('stg_loader__load_batches') }} as load_batches
        on versions.batch_id = load_batches.batch_id
    where
        load_batches.status = 'loaded'
        and versions.{{ key }} in (
            select changed.{{ key }}
            from {{ relation }} as changed
            where changed.batch_id in ({{ batches }})
        )
        and {{ readable }}
    order by
        versions.{{ key }} asc,
        versions.updated_at asc,
        versions.batch_id desc,
        versions.line_number desc
{%- endmacro %}
