{#- dbt's get_columns_in_relation() macro returns the relation's columns, as on other adapters;
    dbt-spark's returns the raw rows of `describe` (its adapter method parses them through
    get_columns_in_relation_raw), which dbt's snapshot macros read as columns (hard_deletes
    'new_record' took every column of a deletion record from the missing source row). -#}
{% macro lakehouse_spark__get_columns_in_relation(relation) -%}
    {{ return(adapter.get_columns_in_relation(relation)) }}
{%- endmacro %}
