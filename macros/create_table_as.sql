{#-
    How a table with an enforced contract is created: CREATE TABLE AS, then its constraints.

    dbt-postgres creates a contracted table empty, with its columns and constraints, and fills it
    with INSERT ... SELECT. PostgreSQL runs such an INSERT in one process and looks up the page
    to write for every row; CREATE TABLE AS writes through a bulk-insert buffer and may compute
    its SELECT with parallel workers. So a contracted `table` or `incremental` model (the core
    and the marts) is written here as
        create table <relation> as select cast(<column> as <contract type>) as <column>, ...
        from (<model sql>) as model_subq
    the columns in the contract's order with the contract's types (the casts change nothing when
    the model's types match, which dbt's contract check asserts first, as it always does). Its
    status (`SELECT <rows>`) is the model's: run_results.json counts the rows written. The
    post-hook add_contract_constraints (macros/key_constraints.sql) then adds every not-null,
    unique and check constraint of the contract together with the primary and foreign keys, in
    one ALTER TABLE in the same transaction, which PostgreSQL validates in one scan: a violation
    fails the model, naming the constraint, and leaves the previous table in place. The table
    ends exactly as dbt's own DDL would leave it (tests/python/dbt/test_dbt_project.py compares
    each table with its contract). At 1,000,000 order lines: docs/benchmarks.md ("A fourth
    pass").

    Temporary tables (an incremental run's new rows), models without an enforced contract, and a
    contract this path could not honour exactly keep dbt-postgres's behaviour: a constraint type
    other than not_null, unique, check and the keys; a column's not_null or unique with an
    expression (`unique nulls not distinct`: `alter column ... set not null` and `add unique
    (c)` would drop it; dbt ignores a column constraint's name either way); a length-limited
    character or bit type (`varchar(n)`, `char(n)`, `bit(n)`), which an explicit cast would
    silently cut where dbt's INSERT fails on a value too long
    (tests/python/dbt/test_dbt_project.py builds one of each).
-#}
{% macro postgres__create_table_as(temporary, relation, sql) -%}
    {%- if temporary or not defers_contract_constraints() -%}
        {{ return(dbt_postgres_create_table_as(temporary, relation, sql)) }}
    {%- endif -%}
    {%- set sql_header = config.get('sql_header', none) -%}
    {{ sql_header if sql_header is not none }}
    {{ get_assert_columns_equivalent(sql) }}
    create {% if config.get('unlogged', default=false) %}unlogged {% endif -%}
    table {{ relation }} as
    select
    {%- for name, column in model['columns'].items() %}
        {%- set quoted = adapter.quote(name) if column.get('quote') else name %}
        cast({{ quoted }} as {{ column['data_type'] }}) as {{ quoted }}{{ ',' if not loop.last }}
    {%- endfor %}
    from (
        {{ sql }}
    ) as model_subq;
{%- endmacro %}


{#- True when this model's table is created by CREATE TABLE AS and gets its constraints from
    the post-hook add_contract_constraints: a `table` or `incremental` model with an enforced
    contract whose constraints are all not_null, unique, check, primary_key or foreign_key, no
    column-level not_null or unique with an expression, and no column of a length-limited
    character or bit type. -#}
{% macro defers_contract_constraints() -%}
    {%- set supported = ['not_null', 'unique', 'check', 'primary_key', 'foreign_key'] -%}
    {%- set found = [] -%}
    {%- set exact = [] -%}
    {%- for column in model['columns'].values() -%}
        {%- for constraint in column.get('constraints', []) -%}
            {%- do found.append(constraint['type']) -%}
            {%- if constraint['type'] in ('not_null', 'unique') and constraint.get('expression') -%}
                {%- do exact.append(false) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set data_type = (column.get('data_type') or '') | lower -%}
        {%- if modules.re.search('(char|bit)[a-z ]*\\(', data_type) -%}
            {%- do exact.append(false) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do found.extend(model['constraints'] | map(attribute='type')) -%}
    {{- return(config.get('contract').enforced
        and config.get('materialized') in ('table', 'incremental')
        and found | reject('in', supported) | list | length == 0
        and exact | length == 0) -}}
{%- endmacro %}


{#- The `alter table` clauses of the contract's not-null, unique and check constraints (the
    keys are added by key_constraint_clause): `alter column <c> set not null`, `add unique (<c>)`,
    `add constraint <model>_<c>_check check (...)`. -#}
{% macro contract_value_clauses() -%}
    {%- set parts = contract_without_keys() -%}
    {%- set clauses = [] -%}
    {%- for name, column in parts.columns.items() -%}
        {%- set quoted = adapter.quote(name) if column.get('quote') else name -%}
        {%- for constraint in column['constraints'] -%}
            {%- if constraint['type'] == 'not_null' -%}
                {%- do clauses.append('alter column ' ~ quoted ~ ' set not null') -%}
            {%- elif constraint['type'] == 'unique' -%}
                {%- do clauses.append('add unique (' ~ quoted ~ ')') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for rendered in adapter.render_raw_model_constraints(
        raw_constraints=parts.model_constraints) -%}
        {%- do clauses.append('add ' ~ rendered) -%}
    {%- endfor -%}
    {{- return(clauses) -}}
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
