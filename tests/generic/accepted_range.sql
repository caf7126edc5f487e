{#-
    accepted_range: a column's values lie between min_value and max_value (either bound may be
    left out, not both; bounds are inclusive unless inclusive=false). Nulls pass: test them with
    not_null.
-#}
{% test accepted_range(model, column_name, min_value=none, max_value=none, inclusive=true) %}
    {%- if min_value is none and max_value is none -%}
        {{ exceptions.raise_compiler_error(
            "accepted_range on " ~ column_name ~ ": give min_value or max_value"
        ) }}
    {%- endif %}

select *
from {{ model }}
where
    false
    {%- if min_value is not none %}
        or {{ column_name }} {{ '<' if inclusive else '<=' }} {{ min_value }}
    {%- endif %}
    {%- if max_value is not none %}
        or {{ column_name }} {{ '>' if inclusive else '>=' }} {{ max_value }}
    {%- endif %}

{% endtest %}
