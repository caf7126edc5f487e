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
      one, with `_batch_id` or `batch_id`: the rows of the feed's newest loaded batch, the file
      loaded last (the ledger names it; the raw table's index on `_batch_id` finds its rows).
      These are quick checks at the door: when several files arrived since the last build,
      the older ones are checked where their rows land, in incremental tables whose check
      constraints hold the same codes and ranges (`customers`, `orders`, `order_lines`).
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
    the project's graph, without querying the database.
-#}
{% macro latest_build_condition(relation) -%}
    {%- if not execute or flags.FULL_REFRESH or var('full_tests', false) -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set node = tested_node(relation) -%}
    {%- if node is none -%}
        {{ return('true') }}
    {%- endif -%}
    {%- set columns = node.columns.keys() | list -%}
    {%- if 'built_at' in columns -%}
        {%- if flags.WHICH in ('build', 'run') -%}
            {{ return('built_at = ' ~ build_timestamp()) }}
        {%- endif -%}
        {%- set newest = run_query(
            'select max(built_at) from ' ~ relation
        ).columns[0].values()[0] -%}
        {{ return("built_at = cast('" ~ newest.isoformat() ~ "' as timestamptz)"
            if newest else 'false') }}
    {%- endif -%}
    {%- set feed = feed_of(node) -%}
    {%- for column in ['batch_id', '_batch_id'] if feed and column in columns -%}
        {%- set ledger = graph.sources['source.' ~ project_name ~ '.loader.load_batches'] -%}
        {%- set newest = run_query(
            'select max(batch_id) from ' ~ ledger.relation_name
            ~ " where status = 'loaded' and feed = '" ~ feed ~ "'"
        ).columns[0].values()[0] -%}
        {{- return(column ~ ' = ' ~ (newest if newest is not none else 'null')) -}}
    {%- endfor -%}
    {{- return('true') -}}
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
