{#-
    The two rules every incremental model follows (models/docs/incremental.md tells the story).

    Rule 1, raw -> the first table of a feed: a build processes exactly the batches the ledger
    records as `loaded` that the table does not hold yet (`unprocessed_batches`). Detection is by
    batch, not by date, so a late row -- or a whole file of old days -- is picked up by the next
    build, and two loads committing out of order lose nothing.

    Rule 2, warehouse -> downstream: every incremental table stamps the rows it writes with
    `built_at`, the start of the build (`build_timestamp`). A downstream model takes the upstream
    rows stamped after its own newest `built_at` (`built_since_last_build`) and recomputes the keys
    (orders, customers, days, months...) those rows touch, from all upstream rows of those keys.
    dbt is the only writer of these tables and builds them in DAG order, so the stamps only grow;
    a model that failed or was skipped catches up on its next build.
-#}

{#-
    The start of this dbt invocation as timestamptz: the `built_at` of every row it writes.
    (Outside dbt, e.g. when sqlfluff renders a model, there is no run: a fixed placeholder.)
-#}
{% macro build_timestamp() -%}
    {%- set started = run_started_at.isoformat() if run_started_at is defined
        else '2000-01-01T00:00:00+00:00' -%}
    cast('{{ started }}' as timestamptz)
{%- endmacro %}


{#-
    Rule 1: the batch ids of `feed` to process, as SQL for `batch_id in (...)`. On a full build,
    a query: every batch of the feed that the ledger (stg_loader__load_batches) records as
    `loaded`. On an incremental build, the list itself (`17, 18`, or `null` when there is none),
    looked up when the model runs: the feed's loaded batches this model's table does not hold
    yet (one probe of its index on `batch_id` per batch, written as a min() so PostgreSQL
    always uses the index, whatever its statistics say). A literal list lets PostgreSQL read
    only those batches of the raw table, through its index on `_batch_id`; a batch committed
    after the lookup waits for the next build.
-#}
{% macro unprocessed_batches(feed) -%}
    {%- set ledger = ref('stg_loader__load_batches') -%}
    {%- if is_incremental() and execute -%}
        {%- set found = run_query(
            "select ledger.batch_id from " ~ ledger ~ " as ledger"
            ~ " left join lateral (select min(processed.batch_id) as found from " ~ this
            ~ " as processed where processed.batch_id >= ledger.batch_id) as probe on true"
            ~ " where ledger.status = 'loaded' and ledger.feed = '" ~ feed ~ "'"
            ~ " and probe.found is distinct from ledger.batch_id order by ledger.batch_id"
        ) -%}
        {{- found.columns[0].values() | join(', ') or 'null' -}}
    {%- elif is_incremental() -%}
        {{- 'null' -}}
    {%- else -%}
        select ledger.batch_id
        from {{ ledger }} as ledger
        where
            ledger.status = 'loaded'
            and ledger.feed = '{{ feed }}'
    {%- endif -%}
{%- endmacro %}


{#-
    Rule 2: a condition true for upstream rows written since this model's latest build (always
    true on a full build). `column` is the upstream row's `built_at`, e.g. 'orders.built_at'.
    The model's newest `built_at` is looked up when the model runs and written as a literal, so
    PostgreSQL sees how few rows pass and reads them through the upstream index on built_at.
-#}
{% macro built_since_last_build(column) -%}
    {%- if is_incremental() -%}
        {%- set newest = run_query(
            "select max(built_at) from " ~ this
        ).columns[0].values()[0] if execute else none -%}
        {{ column }} > cast('{{ newest.isoformat() if newest else '-infinity' }}' as timestamptz)
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#-
    The first value of `query` (one row, one column), looked up when the model runs, as a SQL
    literal: a date as `date 'YYYY-MM-DD'`, null as `cast(null as date)` (typed, so date
    arithmetic on it stays valid SQL when an incremental build finds nothing new). The windows of rule 2 (the first day
    or month to recompute) are looked up this way, like the watermark, so PostgreSQL plans the
    big reads with a literal bound and uses the index on the date. Only called on incremental
    builds.
-#}
{% macro lookup_date(query) -%}
    {%- set found = run_query(query).columns[0].values()[0] if execute else none -%}
    {{- "date '" ~ found.isoformat()[:10] ~ "'" if found else 'cast(null as date)' -}}
{%- endmacro %}
