{#- The model's partition_by config as a list of column names (empty when unpartitioned): for the
    project's materializations and py_write_table alike. -#}
{% macro partition_columns() %}
    {%- set partition_by = config.get('partition_by') or [] -%}
    {{ return([partition_by] if partition_by is string else partition_by) }}
{% endmacro %}
