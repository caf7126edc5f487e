{#-
    Data tests on incremental tables check the rows the build wrote.

    dbt_project.yml gives every data test `where: "__latest_build__"`. dbt wraps the tested
    relation in `(select * from <relation> where <where>)`; this macro decides what the
    placeholder means when the test runs:

    * the relation has a `built_at` column (an incremental table, or a view over one): in
      `dbt build` (or run), the
      rows this build wrote, `built_at = <this build's start>`; in `dbt test` alone, the rows of
      the latest build that changed the table, `built_at = (select max(built_at) ...)`. Rows of
      earlier builds were tested when they were written and have not changed since; a build
      that wrote nothing tests nothing there. An index on built_at makes the lookup instant.
    * else it is a raw table of a feed (`meta.feed` in the source's yml) or a staging view of
      one, with `_batch_id` or `batch_id`: the batches the feed's first table (the one model
      reading its staging view) has yet to take in, as rule 1 of the incremental models finds
      them (macros/incremental.sql); in `dbt test` alone, also the batches of the rows its
      latest build wrote. `dbt build` runs these tests before that table, so every file is
      checked at the door before the build that takes it in, however many arrived since the
      last build, and again after a build that failed before taking it in. The batch ids are
      looked up when the test runs (one probe of the first table's index on `batch_id` per
      batch of the ledger) and written as a list, so the raw table's index on `_batch_id`
      finds their rows. A file committed between the door's tests and the first table's
      build is taken in unchecked here; the check constraints of the core tables hold the
      same codes and ranges (`customers`, `orders`, `order_lines`). With `taken_by` (a test
      comparing a feed's raw rows with a table built from them), the batches of the rows that
      table wrote in this build (`dbt test` alone: in its latest build) instead.
    * otherwise (tables rebuilt on every run), and always under `--full-refresh` or
      `--vars '{full_tests: true}'`: `true`, every row.

    Uniqueness across all rows, not only the new ones, is guaranteed by the primary keys of the
    core tables; a scoped `unique` test double-checks the rows just written.
-#}
{% macro postgres__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if '__latest_build__' in where -%}
        {%- set where = where | replace('__latest_build__', latest_build_condition(relation)) -%}
    {%- endif -%}
    {%- if where and where != 'true' -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) as dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}


{#-
    The condition selecting the rows of `relation` to test (see above), or `true`. Decided from
    the project's graph and, where it names rows, a lookup or two when the test runs.
-#}
{% macro latest_build_condition(relation, taken_by=none) -%}
    {%- if not execute or flags.FULL_REFRESH or var('full_tests', false) -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set node = tested_node(relation) -%}
    {%- if node is none -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set columns = node.columns.keys() | list -%}
    {%- if 'built_at' in columns -%}
        {%- set built = build_to_test(relation) -%}
        {{ return('built_at = ' ~ built if built else 'false') }}
    {%- endif -%}
    {%- set feed = feed_of(node) -%}
    {%- for column in ['batch_id', '_batch_id'] if feed and column in columns -%}
        {{- return(batches_taken_in_condition(node, feed, column, taken_by)) -}}
    {%- endfor -%}
    {{- return('true') -}}
{%- endmacro %}


{#-
    The `built_at` of the rows to test in `relation`, an incremental table, as a SQL literal: in
    `dbt build` (or run), this build's; in `dbt test` alone, its latest build's, looked up (none
    when it is empty).
-#}
{% macro build_to_test(relation) -%}
    {%- if flags.WHICH in ('build', 'run') -%}
        {{ return(build_timestamp()) }}
    {%- endif -%}
    {%- set newest = run_query('select max(built_at) from ' ~ relation).columns[0].values()[0] -%}
    {{ return("cast('" ~ newest.isoformat() ~ "' as timestamptz)" if newest else none) }}
{%- endmacro %}


{#-
    `<column> in (<batch ids>)`: the batches of `feed` to test (see above), `node` being the
    feed's raw table or staging view; `true` (every row) while the first table does not exist.
-#}
{% macro batches_taken_in_condition(node, feed, column, taken_by) -%}
    {%- set table = taken_by -%}
    {%- if table is none -%}
        {%- set first = first_table_of(node, feed) -%}
        {%- set table = adapter.get_relation(first.database, first.schema, first.alias) -%}
    {%- endif -%}
    {%- if table is none -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set built = build_to_test(table) -%}
    {%- set written = 'select distinct written.batch_id from ' ~ table ~ ' as written where'
        ~ ' written.built_at = ' ~ (built or 'null') -%}
    {%- if taken_by is not none -%}
        {%- set query = written ~ ' order by 1' -%}
    {%- else -%}
        {%- set ledger = graph.nodes['model.' ~ project_name ~ '.stg_loader__load_batches'] -%}
        {%- set query = batches_not_taken_in(
            feed, table, ledger.relation_name,
            also=none if flags.WHICH in ('build', 'run') else written
        ) -%}
    {%- endif -%}
    {%- set batches = run_query(query).columns[0].values() -%}
    {{- return(column ~ ' in (' ~ (batches | join(', ') or 'null') ~ ')') -}}
{%- endmacro %}


{#-
    The first table of a feed: the one model reading the staging view that `node` is, or that
    reads `node`, the feed's raw table. Found in the graph, so a model renamed or a second
    reader is an error here rather than a door that silently checks nothing.
-#}
{% macro first_table_of(node, feed) -%}
    {%- set views = [node.unique_id] -%}
    {%- if node.resource_type == 'source' -%}
        {%- set views = [] -%}
        {%- for view in graph.nodes.values()
            if view.resource_type == 'model' and node.unique_id in view.depends_on.nodes -%}
            {%- do views.append(view.unique_id) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set tables = [] -%}
    {%- for table in graph.nodes.values() if table.resource_type == 'model' -%}
        {%- for view in views if view in table.depends_on.nodes -%}
            {%- do tables.append(table) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if tables | length != 1 -%}
        {%- do exceptions.raise_compiler_error(
            "feed '" ~ feed ~ "': expected one model reading its staging view "
            ~ views | join(', ') ~ ", found " ~ tables | map(attribute='name') | join(', ')
        ) -%}
    {%- endif -%}
    {{ return(tables[0]) }}
{%- endmacro %}


{#-
    The graph node (model or source) tested: among the test's attached node and the nodes it
    depends on, the one whose relation is `relation`.
-#}
{% macro tested_node(relation) -%}
    {%- set name = relation | string -%}
    {%- set candidates = [model.get('attached_node')] + model.depends_on.nodes -%}
    {%- for unique_id in candidates if unique_id -%}
        {%- set node = graph.nodes.get(unique_id) or graph.sources.get(unique_id) -%}
        {%- if node and node.get('relation_name') == name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}


{#-
    The loader feed whose batches a node holds: a source's `meta.feed`, or for a staging view
    the `meta.feed` of the source it reads. None for anything else.
-#}
{% macro feed_of(node) -%}
    {%- if node.resource_type == 'source' -%}
        {{ return(node.config.meta.get('feed')) }}
    {%- endif -%}
    {%- for parent in node.depends_on.nodes if parent in graph.sources -%}
        {{ return(graph.sources[parent].config.meta.get('feed')) }}
    {%- endfor -%}
    {{ return(none) }}
{%- endmacro %}
