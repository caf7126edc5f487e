{#-
    dbt's `grants` config, applied only to roles that exist on the server.

    dbt_project.yml grants `storefront_reporter` SELECT on every mart; dbt applies it after
    each build of a mart (it compares the grants in place with the config and grants or
    revokes the difference), so a rebuilt table keeps its grants. The roles come from
    `storefront db roles` (the local warehouse creates them with its database). On a server
    where a configured role does not exist yet, PostgreSQL would stop the build with "role
    does not exist"; this override leaves such a role out and says so in the log, so the
    marts still build, and the next build after `storefront db roles` grants them.
-#}
{% macro postgres__apply_grants(relation, grant_config, should_revoke=True) -%}
    {%- if grant_config and execute -%}
        {%- set wanted = [] -%}
        {%- for grantees in grant_config.values() -%}
            {%- do wanted.extend(grantees) -%}
        {%- endfor -%}
        {%- set existing = run_query(
            "select rolname from pg_roles where rolname in ('"
            ~ (wanted | unique | join("', '")) ~ "')"
        ).columns[0].values() -%}
        {%- set granted = {} -%}
        {%- for privilege, grantees in grant_config.items() -%}
            {%- set present = grantees | select('in', existing) | list -%}
            {%- if present -%}
                {%- do granted.update({privilege: present}) -%}
            {%- endif -%}
            {%- for missing in grantees | reject('in', existing) -%}
                {%- do log(
                    "grants: role " ~ missing ~ " does not exist, " ~ privilege ~ " on "
                    ~ relation ~ " not granted (run `storefront db roles`)", info=true
                ) -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- do default__apply_grants(relation, granted, should_revoke) -%}
    {%- endif -%}
{%- endmacro %}
