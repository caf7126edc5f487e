{#-
    unique_combination_of_columns: no two rows share the same values in the listed columns
    (a composite key). Nulls compare equal here, as in group by. Fails with each repeated
    combination and how often it occurs. Checked in the catalog instead when a unique index of
    the tested table enforces it (macros/enforced_constraints.sql).
-#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

select
    {{ combination_of_columns | join(', ') }},
    count(*) as occurrences
from {{ model }}
where not {{ enforced_unique(combination_of_columns, nulls_equal=true) }}
group by {{ combination_of_columns | join(', ') }}
having count(*) > 1

{% endtest %}
