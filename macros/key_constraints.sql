{#-
    Primary and foreign keys of contracted tables, added once the data is in.

    dbt writes every constraint of an enforced contract into CREATE TABLE, so PostgreSQL then
    maintains the primary-key index row by row and checks each foreign key with a trigger per
    inserted row: 24 s for 1,000,000 order lines. Added to the filled table (ALTER TABLE ... ADD),
    the index is built by one sort and each foreign key is validated by one join: 2 s.

    The keys stay declared in yml as usual (contract, docs, DAG order); only their DDL moves.
    So do the not-null, unique and check constraints (the value rules of core and marts, each
    check named after its model and column) of a table written by CREATE TABLE AS
    (macros/create_table_as.sql): the post-hook add_contract_constraints() adds them and the
    keys in one ALTER TABLE. Where dbt's CREATE TABLE + INSERT is kept,
    postgres__get_table_columns_and_constraints writes them into CREATE TABLE without the keys.
    For `table` and `incremental` models the post-hook add_contract_constraints()
    (dbt_project.yml) adds the keys the table does not have yet, in the same transaction, before
    the new table is committed: a violation fails the model and leaves the previous table in
    place. An incremental run finds its keys in place and adds nothing (rows it inserts are
    checked by the keys as usual); a key dropped because its parent was rebuilt (`drop ...
    cascade`) comes back on the child's next build. Other materializations keep dbt's own
    behaviour.
-#}
{% macro postgres__get_table_columns_and_constraints() -%}
    {%- if config.get('materialized') not in ('table', 'incremental') -%}
        {{ return(table_columns_and_constraints()) }}
    {%- endif -%}
    {%- set parts = contract_without_keys() -%}
    {%- set rendered = adapter.render_raw_columns_constraints(raw_columns=parts.columns)
        + adapter.render_raw_model_constraints(raw_constraints=parts.model_constraints) -%}
    (
        {{ rendered | join(',\n        ') }}
    )
{%- endmacro %}


{#- The model's contract without its primary and foreign keys: `columns` (name -> the yml
    column, its constraints without keys and checks) and `model_constraints` (every check, a
    column's named after the model and column, and the model-level constraints other than keys).
    Shared by CREATE TABLE (above) and CREATE TABLE AS (macros/create_table_as.sql). -#}
{% macro contract_without_keys() -%}
    {%- set key_types = ['primary_key', 'foreign_key'] -%}
    {%- set columns = {} -%}
    {%- set model_constraints = [] -%}
    {%- for name, column in model['columns'].items() -%}
        {%- set kept = [] -%}
        {%- for constraint in column.get('constraints', []) -%}
            {%- if constraint['type'] == 'check' -%}
                {#- a column's check, named after the model and column (PostgreSQL would name
                    it after the table being built, `<model>__dbt_tmp`), so a violation says
                    where: `violates check constraint "orders_line_count_check"` -#}
                {%- do model_constraints.append({
                    'type': 'check',
                    'name': constraint.get('name') or model['name'] ~ '_' ~ name ~ '_check',
                    'expression': constraint['expression'],
                }) -%}
            {%- elif constraint['type'] not in key_types -%}
                {%- do kept.append(constraint) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- set without_keys = {} -%}
        {%- do without_keys.update(column) -%}
        {%- do without_keys.update({'constraints': kept}) -%}
        {%- do columns.update({name: without_keys}) -%}
    {%- endfor -%}
    {%- for constraint in model['constraints'] -%}
        {%- if constraint['type'] not in key_types -%}
            {%- do model_constraints.append(constraint) -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return({'columns': columns, 'model_constraints': model_constraints}) -}}
{%- endmacro %}


{% macro add_contract_constraints() -%}
    {%- set contract = config.get('contract') -%}
    {%- if not execute or config.get('materialized') not in ('table', 'incremental')
        or not contract.enforced -%}
        {{ return('') }}
    {%- endif -%}
    {%- set declared = [] -%}
    {%- for name, column in model['columns'].items() -%}
        {%- for constraint in column.get('constraints', []) -%}
            {%- do declared.append((constraint, [name])) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for constraint in model['constraints'] -%}
        {%- do declared.append((constraint, constraint['columns'])) -%}
    {%- endfor -%}
    {%- set keys = [] -%}
    {%- for constraint, columns in declared
        if constraint['type'] in ('primary_key', 'foreign_key') -%}
        {%- do keys.append((constraint, columns)) -%}
    {%- endfor -%}
    {#- a `table` model's table is new on every run: it has no constraints yet; an incremental
        model's is new when this run created it (first build, --full-refresh) -#}
    {%- set rebuilt = config.get('materialized') == 'table' or relation_rebuilt(this) -%}
    {%- set existing = existing_key_constraints() if keys and not rebuilt else [] -%}
    {#- a table created by CREATE TABLE AS (macros/create_table_as.sql) gets its not-null, unique
        and check constraints here, before its keys, in the same statement -#}
    {%- set value_rules = contract_value_clauses()
        if rebuilt and defers_contract_constraints() else [] -%}
    {#- The primary key first, then the foreign keys in the order of the tables they reference:
        adding a foreign key locks the referenced table, and models built side by side (the
        facts that all reference orders, customers, products) must take those locks in one
        order or they deadlock. -#}
    {%- set clauses = [] -%}
    {%- for constraint, columns in keys
        if key_constraint_signature(constraint, columns) not in existing -%}
        {%- set order = '0' if constraint['type'] == 'primary_key' else '1' ~ constraint['to'] -%}
        {%- do clauses.append((order ~ ':' ~ columns | join(','),
            key_constraint_clause(constraint, columns))) -%}
    {%- endfor -%}
    {%- set clauses = value_rules + (clauses | sort(attribute='0') | map(attribute='1')
        | reject('equalto', '') | list) -%}
    {{- 'alter table ' ~ this ~ '\n' ~ clauses | join(',\n') if clauses -}}
{%- endmacro %}


{#-
    The primary and foreign keys <this> has, as signatures `p:<columns>` and
    `f:<columns>:<referenced table>`. Compared by what they are, not by name: a rebuilt table's
    keys get new names while the table it replaces still holds the old ones.
-#}
{% macro existing_key_constraints() -%}
    {%- set found = run_query(
        "select cast(constraints.contype as text) || ':' || array_to_string(array("
        ~ " select attribute.attname from unnest(constraints.conkey)"
        ~ " with ordinality as key (attnum, position)"
        ~ " inner join pg_attribute as attribute on attribute.attrelid = constraints.conrelid"
        ~ " and attribute.attnum = key.attnum order by key.position), ',')"
        ~ " || case when constraints.contype = 'f'"
        ~ " then ':' || cast(cast(constraints.confrelid as regclass) as text) else '' end"
        ~ " from pg_constraint as constraints"
        ~ " where constraints.conrelid = cast('" ~ this ~ "' as regclass)"
        ~ " and constraints.contype in ('p', 'f')"
    ) -%}
    {{- return(found.columns[0].values() | list) -}}
{%- endmacro %}


{% macro key_constraint_signature(constraint, columns) -%}
    {%- if constraint['type'] == 'primary_key' -%}
        p:{{ columns | join(',') }}
    {%- else -%}
        {#- `to` is rendered with the database: "db"."schema"."table" -#}
        {%- set referenced = (constraint['to'] | replace('"', '')).split('.')[-2:] -%}
        f:{{ columns | join(',') }}:{{ referenced | join('.') }}
    {%- endif -%}
{%- endmacro %}


{% macro key_constraint_clause(constraint, columns) -%}
    {%- set name = 'constraint ' ~ constraint['name'] ~ ' ' if constraint['name'] else '' -%}
    {%- if constraint['type'] == 'primary_key' -%}
        add {{ name }}primary key ({{ columns | join(', ') }})
    {%- elif constraint['type'] == 'foreign_key' and constraint['to'] -%}
        add {{ name }}foreign key ({{ columns | join(', ') }})
        references {{ constraint['to'] }} ({{ constraint['to_columns'] | join(', ') }})
    {%- endif -%}
{%- endmacro %}


{#-
    `analyze <this>` when the table was (re)built by this transaction (relation_rebuilt: its
    row type is this transaction's, created or renamed into place), so the models that read it
    next plan with fresh statistics. An incremental run that only added rows leaves statistics
    to autovacuum: analyzing a large table on every daily build would cost more than the rows
    it added.
-#}
{% macro analyze_if_rebuilt() -%}
    {{- 'analyze ' ~ this if relation_rebuilt(this) -}}
{%- endmacro %}
