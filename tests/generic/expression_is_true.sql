{#-
    expression_is_true: every row satisfies a boolean SQL expression.
    Fails with the rows for which the expression is false or null. With column_name, the
    expression is written after the column (column: revenue, expression: ">= 0").
-#}
{% test expression_is_true(model, expression, column_name=none) %}

select *
from {{ model }}
where ({{ column_name ~ ' ' if column_name }}{{ expression }}) is not true

{% endtest %}
