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
    {%- if is_incremental() and execute -%}
        {%- set found = run_query(
            batches_not_taken_in(feed, this, ref('stg_loader__load_batches'))
        ) -%}
        {{- found.columns[0].values() | join(', ') or 'null' -}}
    {%- elif is_incremental() -%}
        {{- 'null' -}}
    {%- else -%}
        select ledger.batch_id
        from {{ ref('stg_loader__load_batches') }} as ledger
        where
            ledger.status = 'loaded'
            and ledger.feed = '{{ feed }}'
    {%- endif -%}
{%- endmacro %}


{#-
    The SQL of a query returning the batch ids of `feed` that `ledger` (stg_loader__load_batches:
    a model passes its `ref`, a test its relation from the graph) records as `loaded` and
    `table` does not hold yet (one probe of its index on `batch_id` per batch), in order; `also`
    (SQL of a query of batch ids) adds batches to them. Rule 1 above, and the door's tests
    (macros/test_scope.sql), which check the batches a feed's first table has yet to take in.
-#}
{% macro batches_not_taken_in(feed, table, ledger, also=none) -%}
    select ledger.batch_id
    from {{ ledger }} as ledger
    left join lateral (
        select min(processed.batch_id) as found
        from {{ table }} as processed
        where processed.batch_id >= ledger.batch_id
    ) as probe on true
    where
        ledger.status = 'loaded'
        and ledger.feed = '{{ feed }}'
        and (
            probe.found is distinct from ledger.batch_id
            or ledger.batch_id in ({{ also or 'null' }})
        )
    order by ledger.batch_id
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


{#-
    Rule 2 for models keyed by time: the first day (grain 'day') or month (grain 'month') to
    recompute, as a SQL date literal. On an incremental build, the earliest `column` among the
    rows of `upstream` written since this model's latest build (truncated to the month for
    'month'), `cast(null as date)` when there is none (then nothing is recomputed); on a full
    build `date '-infinity'`, every day. Models keep every row from this bound on
    (`where <date> >= first_changed(...)`) and replace them (delete+insert on the date).
-#}
{% macro first_changed(upstream, column, grain='day') -%}
    {%- if not is_incremental() -%}
        {{- "date '-infinity'" -}}
    {%- else -%}
        {%- set earliest = 'min(' ~ column ~ ')' if grain == 'day'
            else "date_trunc('" ~ grain ~ "', min(" ~ column ~ "))" -%}
        {{- lookup_date(
            'select ' ~ earliest ~ ' from ' ~ upstream
            ~ ' where ' ~ built_since_last_build('built_at')
        ) -}}
    {%- endif -%}
{%- endmacro %}


{#-
    Rule 2 for models keyed by an entity (an order, a customer): a condition on `relation`
    (an import CTE's name or a relation) true for the rows whose `key` has at least one row
    written since this model's latest build, so those keys are recomputed from all their rows;
    `true` on a full build. E.g. `where {{ touched_since_last_build('orders', 'customer_id') }}`.
-#}
{% macro touched_since_last_build(relation, key) -%}
    {%- if is_incremental() -%}
        {{ relation }}.{{ key }} in (
            select touched.{{ key }}
            from {{ relation }} as touched
            where {{ built_since_last_build('touched.built_at') }}
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#-
    Rule 2 for models with a row per day (a day spine): the range of days to recompute, as a
    query returning one row (`first_day`, `last_day`), or none when `changed` (an import CTE of
    the upstream rows written since this model's latest build) is empty: then nothing is
    recomputed. On a full build, the days of `changed`; on an incremental build, from
    `first_day` (a literal looked up when the model runs: the earliest changed day, or the day
    after the last one kept, so no day is ever skipped) to the later of the newest changed day
    and the last day the table holds (`kept_day`), so every later day is recomputed too.
-#}
{% macro days_to_recompute(changed, day, kept_day, first_day) -%}
    {%- set newest = 'max(' ~ changed ~ '.' ~ day ~ ')' -%}
    {%- if is_incremental() -%}
        {%- set first = first_day -%}
        {%- set last = 'greatest(' ~ newest ~ ', (select max(kept.' ~ kept_day ~ ') from '
            ~ this ~ ' as kept))' -%}
    {%- else -%}
        {%- set first = 'min(' ~ changed ~ '.' ~ day ~ ')' -%}
        {%- set last = newest -%}
    {%- endif -%}
    select
        {{ first }} as first_day,
        {{ last }} as last_day
    from {{ changed }}
    having count(*) > 0
{%- endmacro %}


{#-
    Rule 2 for the daily marts by customer region (the region of the registry version valid when
    a line was ordered, `int_order_lines_located`): the first day to recompute, as a SQL date
    literal. On an incremental build, the earlier of the earliest day of the lines written since
    this model's latest build (`lines`, with `order_date` and `built_at`) and the earliest day a
    registry version written since then takes effect (`customer_history`: the current versions,
    so a move dated today reaches today's lines even when the registry's file came after them);
    `cast(null as date)` when there is neither; `date '-infinity'` on a full build. A registry
    version dated before lines already built that is not the customer's latest takes effect on
    the days recomputed anyway, like a backdated catalog change (fixed by --full-refresh).
-#}
{% macro first_changed_by_region(lines, customer_history) -%}
    {%- if not is_incremental() -%}
        {{- "date '-infinity'" -}}
    {%- else -%}
        {{- lookup_date(
            'select least('
            ~ '(select min(order_date) from ' ~ lines
            ~ ' where ' ~ built_since_last_build('built_at') ~ '), '
            ~ '(select min(cast(valid_from as date)) from ' ~ customer_history
            ~ ' where is_current and ' ~ built_since_last_build('built_at') ~ '))'
        ) -}}
    {%- endif -%}
{%- endmacro %}


{#-
    The values of the first column of `query`, looked up when the model runs, as a SQL array of
    `type` (`cast(array[3, 17] as bigint[])`, empty when there are none), for
    `key = any(...)`: PostgreSQL then reads just those keys through an index, where a subquery
    it cannot size (rows written moments ago have no statistics yet) may lead it to read every
    row. Only called on incremental builds.
-#}
{% macro lookup_keys(query, type) -%}
    {%- set found = run_query(query).columns[0].values() if execute else [] -%}
    cast(array[{{ found | join(', ') }}] as {{ type }}[])
{%- endmacro %}
