{#-
    How a table with an enforced contract is created: CREATE TABLE AS, then its constraints.

    dbt-postgres creates a contracted table empty, with its columns and constraints, and fills it
    with INSERT ... SELECT. PostgreSQL runs such an INSERT in one process and writes row by row;
    CREATE TABLE AS writes through a bulk-insert buffer and may compute its SELECT with parallel
    workers. So a contracted `table` or `incremental` model (the core and the marts) is written
    here as
        create table <relation> as select cast(<column> as <contract type>) as <column>, ...
        from (<model sql>) as model_subq;
        alter table <relation> alter column ... set not null, ..., add constraint ... check (...);
    the columns in the contract's order with the contract's types (the casts change nothing
    when the model's types match, which dbt's contract check asserts first, as it always does),
    then every not-null, unique and check constraint of the contract in one ALTER TABLE, which
    PostgreSQL validates in one scan of the new table; a violation fails the model as before,
    naming the constraint. Primary and foreign keys follow in the post-hook
    (macros/key_constraints.sql). The table ends exactly as dbt's own DDL would leave it
    (tests/python/dbt/test_contract_ddl.py compares the two catalogs). At 1,000,000 order lines:
    see docs/benchmarks.md ("A fourth pass").

    Temporary tables (an incremental run's new rows), models without an enforced contract, and a
    contract with a constraint type other than not_null, unique, check and the keys keep
    dbt-postgres's behaviour.
-#}
{% macro postgres__create_table_as(temporary, relation, sql) -%}
    {%- set contract_config = config.get('contract') -%}
    {%- set as_select = not temporary and contract_config.enforced
        and config.get('materialized') in ('table', 'incremental') -%}
    {%- set parts = contract_without_keys() if as_select else none -%}
    {%- set clauses = [] -%}
    {%- set unsupported = [] -%}
    {%- if as_select -%}
        {%- for name, column in parts.columns.items() -%}
            {%- set quoted = adapter.quote(name) if column.get('quote') else name -%}
            {%- for constraint in column['constraints'] -%}
                {%- if constraint['type'] == 'not_null' -%}
                    {%- do clauses.append('alter column ' ~ quoted ~ ' set not null') -%}
                {%- elif constraint['type'] == 'unique' -%}
                    {%- do clauses.append('add unique (' ~ quoted ~ ')') -%}
                {%- else -%}
                    {%- do unsupported.append(constraint['type']) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- for rendered in adapter.render_raw_model_constraints(
            raw_constraints=parts.model_constraints) -%}
            {%- do clauses.append('add ' ~ rendered) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if not as_select or unsupported -%}
        {{ return(dbt_postgres_create_table_as(temporary, relation, sql)) }}
    {%- endif -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
    {{ get_assert_columns_equivalent(sql) }}
    create {% if config.get('unlogged', default=false) %}unlogged {% endif -%}
    table {{ relation }} as
    select
    {%- for name, column in parts.columns.items() %}
        {%- set quoted = adapter.quote(name) if column.get('quote') else name %}
        cast({{ quoted }} as {{ column['data_type'] }}) as {{ quoted }}{{ ',' if not loop.last }}
    {%- endfor %}
    from (
        {{ sql }}
    ) as model_subq;
    {{ 'alter table ' ~ relation ~ '\n        ' ~ clauses | join(',\n        ') ~ ';' if clauses }}
{%- endmacro %}


{#- dbt-postgres's own postgres__create_table_as (1.11), for what the override above leaves
    alone: CREATE [TEMPORARY | UNLOGGED] TABLE AS, or, for an enforced contract, CREATE TABLE
    with the contract's columns and constraints and INSERT ... SELECT. -#}
{% macro dbt_postgres_create_table_as(temporary, relation, sql) -%}
    {%- set unlogged = config.get('unlogged', default=false) -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
    create {% if temporary -%}
        temporary
    {%- elif unlogged -%}
        unlogged
    {%- endif %} table {{ relation }}
    {% set contract_config = config.get('contract') %}
    {% if contract_config.enforced %}
        {{ get_assert_columns_equivalent(sql) }}
    {% endif -%}
    {% if contract_config.enforced and (not temporary) -%}
        {{ get_table_columns_and_constraints() }} ;
        insert into {{ relation }} (
            {{ adapter.dispatch('get_column_names', 'dbt')() }}
        )
        {%- set sql = get_select_subquery(sql) %}
    {% else %}
        as
    {% endif %}
    (
        {{ sql }}
    );
{%- endmacro %}
