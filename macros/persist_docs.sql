{#-
    Descriptions are written into PostgreSQL (comments) when a relation is built or rebuilt, in
    one statement: the relation's comment and every column's. dbt's default writes them in two
    and reads the relation's columns twice to do it (four round trips, each ~10 ms of dbt's own
    time). A model with an enforced contract has exactly its documented columns, so they are
    not read at all; for the others (views) the columns are read once and only those present
    get a comment. An incremental build that only adds rows leaves the comments in place
    (nothing is done for an incremental model that was not rebuilt by this transaction); edited
    descriptions reach an incremental table on its next full refresh.
-#}
{% macro postgres__persist_docs(relation, model, for_relation, for_columns) -%}
    {%- if config.get('materialized') == 'incremental' and not relation_rebuilt(relation) -%}
        {{ return('') }}
    {%- endif -%}
    {%- set statements = [] -%}
    {%- if for_relation and config.persist_relation_docs() and model.description -%}
        {%- do statements.append(alter_relation_comment(relation, model.description)) -%}
    {%- endif -%}
    {%- if for_columns and config.persist_column_docs() and model.columns -%}
        {%- set contract = config.get('contract') -%}
        {%- if contract and contract.enforced -%}
            {%- set documented = model.columns -%}
        {%- else -%}
            {#- warns about documented columns the relation does not have -#}
            {%- set documented = validate_doc_columns(relation, model.columns,
                adapter.get_columns_in_relation(relation) | map(attribute='name') | list) -%}
        {%- endif -%}
        {%- for name, column in documented.items() -%}
            {%- do statements.append(
                'comment on column ' ~ relation ~ '.'
                ~ (adapter.quote(name) if column.get('quote') else name)
                ~ ' is ' ~ postgres_escape_comment(column.get('description', '')) ~ ';'
            ) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if statements -%}
        {%- do run_query(statements | map('trim') | join('\n')) -%}
    {%- endif -%}
{%- endmacro %}


{#-
    Whether `relation` was created, or renamed into place, by the current transaction: the row
    of its row type in pg_type is this transaction's (CREATE TABLE writes it, a rename rewrites
    it). True for a table (re)built by this model's run, false for an incremental run that only
    changed rows. Not its pg_class row: dbt's grants, applied before the post-hooks, rewrite
    that row whenever they grant again what was revoked. A `table` model is rebuilt on every
    run, so it is not looked up.
-#}
{% macro relation_rebuilt(relation) -%}
    {%- if not execute -%}
        {{ return(false) }}
    {%- elif config.get('materialized') == 'table' -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(run_query(
        "select age(xmin) = 0 from pg_type where oid = ("
        ~ "select reltype from pg_class where oid = cast('" ~ relation ~ "' as regclass))"
    ).columns[0].values()[0]) }}
{%- endmacro %}
