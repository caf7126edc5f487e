{#-
    to_code(expression): a categorical label as a lowercase snake_case code.

    Every run of characters other than ASCII letters and digits becomes one underscore, leading and
    trailing underscores are dropped, the result is lowercased; an empty result is null.
    'First SignUp' -> 'first_signup', 'Critical' -> 'critical', 'credit_card' -> 'credit_card',
    '' or null -> null.
-#}
{% macro to_code(expression) -%}
    nullif(
        trim(
            both '_' from lower(
                regexp_replace({{ expression }}, '[^A-Za-z0-9]+', '_', 'g')
            )
        ),
        ''
    )
{%- endmacro %}
