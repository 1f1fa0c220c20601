{% test recency(model, column_name, max_age_days, reference_model=none, reference_column=none) %}

with

newest as (
    select max({{ column_name }}) as newest_date from {{ model }}
),

reference as (
    {% if reference_model is not none -%}
        select max({{ reference_column or column_name }}) as reference_date from {{ reference_model }}
    {%- else -%}
        select current_date() as reference_date
    {%- endif %}
)

select
    newest.newest_date,
    reference.reference_date
from newest
cross join reference
where
    newest.newest_date is null
    or datediff(reference.reference_date, newest.newest_date) > {{ max_age_days }}

{% endtest %}
