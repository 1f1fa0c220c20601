{#- Fails on every row where the SQL expression is false (rows where it is null pass: test nulls with
    not_null). Works on a model or on a column; the failing rows are the test's result. -#}
{% test expression_is_true(model, expression, column_name=None) %}

select *
from {{ model }}
where not ({{ expression }})

{% endtest %}
