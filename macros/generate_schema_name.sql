{#-
    Schemas are used verbatim: a model configured with `+schema: core` is built in `core` in every
    target (dbt's default would build `<target_schema>_core`). Models without a custom schema use the
    target's schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
