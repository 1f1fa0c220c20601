{#- on_schema_change='fail' for versioned partitions: the new rows must have the columns (names and
    types) of the version table they are added to, lakehouse_version aside. -#}
{% macro assert_same_columns(staged, version_table) %}
    {%- set describe = [] -%}
    {%- for relation in [staged, version_table] -%}
        {%- set columns = [] -%}
        {%- for column in adapter.get_columns_in_relation(relation) if column.name != 'lakehouse_version' -%}
            {%- do columns.append(column.name ~ ' ' ~ column.data_type) -%}
        {%- endfor -%}
        {%- do describe.append(columns | sort) -%}
    {%- endfor -%}
    {%- if describe[0] != describe[1] -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": the model's columns changed (on_schema_change='fail'): now "
            ~ describe[0] | join(', ') ~ '; the table has ' ~ describe[1] | join(', ')
            ~ '. Rebuild it with --full-refresh.') }}
    {%- endif -%}
{% endmacro %}
