{#- The days a version of a snapshot holds, as two columns: valid_from, null for the first version
    of its key (the first one seen stands for the time before anything was seen, so that orders
    older than the snapshot find their version), and valid_to, null while it is current. -#}
{% macro version_validity(key_columns) -%}
    case
        when row_number() over (partition by {{ key_columns | join(', ') }} order by dbt_valid_from) = 1
            then null
        else dbt_valid_from
    end as valid_from,
    dbt_valid_to as valid_to
{%- endmacro %}
