{#-
    to_code(expression): a categorical label as a lowercase snake_case code.

    Every run of characters other than ASCII letters and digits becomes one underscore, leading and
    trailing underscores are dropped, the result is lowercased; an empty result is null.
    'First SignUp' -> 'first_signup', 'Critical' -> 'critical', 'credit_card' -> 'credit_card',
    '' or null -> null.

    A label that is already words of ASCII letters and digits joined by single underscores
    ('Critical', 'credit_card', 'e_wallet': almost every value of every feed) only needs
    lower(): one regex match instead of a replace, a trim and a nullif, about a third less CPU
    per value (docs/benchmarks.md). Any other label takes the general rule; both give the same
    code (tests/singular/assert_to_code_known_answers.sql covers each path). `expression` is
    evaluated more than once: pass a column.
-#}
{% macro to_code(expression) -%}
    case
        when {{ expression }} ~ '^[A-Za-z0-9]+(_[A-Za-z0-9]+)*$' then lower({{ expression }})
        else
            nullif(
                trim(
                    both '_' from lower(
                        regexp_replace({{ expression }}, '[^A-Za-z0-9]+', '_', 'g')
                    )
                ),
                ''
            )
    end
{%- endmacro %}
