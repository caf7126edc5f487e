{#-
    Descriptions are written into PostgreSQL (comments) when a table is built or rebuilt. An
    incremental build that only adds rows leaves the comments in place instead of writing them
    all again: for an incremental model that was not rebuilt by this transaction, nothing is
    done (four statements saved per model and build). Edited descriptions reach an
    incremental table on its next full refresh. Everything else keeps dbt's behaviour.
-#}
{% macro postgres__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- if config.get('materialized') == 'incremental' and not relation_rebuilt(relation) -%}
        {{ return('') }}
    {%- endif -%}
    {{ return(default__persist_docs(relation, model, for_relation, for_columns)) }}
{%- endmacro %}


{#-
    Whether `relation` was created, or renamed into place, by the current transaction: its
    pg_class row is this transaction's. True for a table (re)built by this model's run, false
    for an incremental run that only changed rows.
-#}
{% macro relation_rebuilt(relation) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(run_query(
        "select age(xmin) = 0 from pg_class where oid = cast('" ~ relation ~ "' as regclass)"
    ).columns[0].values()[0]) }}
{%- endmacro %}
