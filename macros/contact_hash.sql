{#-
    contact_hash(email): a salted SHA-256 of a customer's e-mail address, as 64 hex digits
    (null when there is no address): the key a mart carries instead of the address, so a
    campaign tool that knows the salt can match its own contacts while BI never sees an
    address. The addresses are already trimmed and lowercased in staging.

    The salt comes from STOREFRONT_CONTACT_SALT. The local target on a server of this machine
    (a unix socket, or localhost: the embedded warehouse) falls back to a fixed local salt so
    `make demo` works unconfigured; any other server or target needs the variable, and dbt
    stops with "Env var required but not provided" without it, so the public local salt never
    reaches a shared warehouse. The salt is written into the compiled SQL (target/), which
    only the transformer's machine holds.
-#}
{% macro contact_hash(email) -%}
    {%- if target is not defined -%}
        {#- sqlfluff renders models without dbt's context -#}
        {%- set salt = 'lint' -%}
    {%- elif target.name == 'local'
        and (target.host.startswith('/') or target.host in ('localhost', '127.0.0.1', '::1')) -%}
        {%- set salt = env_var('STOREFRONT_CONTACT_SALT', 'storefront-local-only') -%}
    {%- else -%}
        {%- set salt = env_var('STOREFRONT_CONTACT_SALT') -%}
    {%- endif -%}
    encode(sha256(convert_to('{{ salt | replace("'", "''") }}' || {{ email }}, 'UTF8')), 'hex')
{%- endmacro %}
