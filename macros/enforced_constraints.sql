{#-
    Uniqueness that PostgreSQL already enforces is checked in the catalog, not by re-scanning.

    `unique` (dbt's own, re-implemented here) and `unique_combination_of_columns`
    (tests/generic/) keep their meaning and their SQL, with one more condition: the scan only
    runs when no unique index of the tested table guarantees the property. When one does -- a
    valid unique index, a primary key is one, on exactly the tested columns -- the query is
    gated by a one-time filter on the catalog (`enforced_unique`, an uncorrelated subquery):
    PostgreSQL evaluates it once, finds the index and skips the scan. The index is the
    stronger guarantee: it holds for every row ever written, not only the rows a build tested,
    and PostgreSQL refuses any row that would break it. A view, an ephemeral model, a seed or a
    fixture has no such index, so its rows are scanned as before; if an index were ever
    dropped, the same test would scan again.

    The core and marts tables get their primary keys from their contracts
    (macros/key_constraints.sql) and their unique indexes from their configs; a full refresh
    at 1,000,000 order lines spent 18 s of its tests re-scanning them (docs/benchmarks.md).
    dbt dispatches its built-in tests to `postgres__test_*` in the root project first.
-#}

{#- The relation a generic test tests, as text: its model, or its source when it depends on
    nothing else; '' when that is not certain (a singular test, a generic test's macro called
    on a fixture), and the test then scans. -#}
{% macro tested_relation_name() -%}
    {%- if execute and model.get('test_metadata') -%}
        {%- set nodes = model.depends_on.nodes -%}
        {%- set unique_id = model.get('attached_node')
            or (nodes[0] if nodes | length == 1 else none) -%}
        {%- set node = graph.nodes.get(unique_id) or graph.sources.get(unique_id) -%}
        {{- node.get('relation_name') or '' if node else '' -}}
    {%- endif -%}
{%- endmacro %}


{#- SQL: true when a unique index (a primary key is one) of the tested table has exactly
    `columns` as its keys, with no predicate or expression; `nulls_equal` also asks that two
    nulls could not both be stored (every column NOT NULL, or NULLS NOT DISTINCT), as in
    `unique_combination_of_columns`, where nulls compare equal. -#}
{% macro enforced_unique(columns, nulls_equal=false) -%}
    {%- set relation = tested_relation_name() | trim -%}
    {%- if not relation -%}
        false
    {%- else -%}
        exists (
            select
            from pg_catalog.pg_index as enforced_index
            where
                enforced_index.indrelid = to_regclass('{{ relation }}')
                and enforced_index.indisunique
                and enforced_index.indisvalid
                and enforced_index.indpred is null
                and enforced_index.indexprs is null
                and enforced_index.indnatts = {{ columns | length }}
                and (
                    select array_agg(enforced_column.attname::text order by enforced_column.attname)
                    from pg_catalog.pg_attribute as enforced_column
                    where
                        enforced_column.attrelid = enforced_index.indrelid
                        and enforced_column.attnum = any(enforced_index.indkey)
                        and (
                            {{ 'enforced_column.attnotnull' if nulls_equal else 'true' }}
                            or enforced_index.indnullsnotdistinct
                        )
                ) = array[{{ "'" ~ (columns | sort | join("', '")) ~ "'" }}]::text[]
        )
    {%- endif -%}
{%- endmacro %}


{% macro postgres__test_unique(model, column_name) %}

select
    {{ column_name }} as unique_field,
    count(*) as n_records

from {{ model }}
where
    {{ column_name }} is not null
    and not {{ enforced_unique([column_name]) }}
group by {{ column_name }}
having count(*) > 1

{% endmacro %}
