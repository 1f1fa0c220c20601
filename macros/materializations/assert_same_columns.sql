{#- on_schema_change='fail' for versioned partitions: the new rows must have the columns (names and
    types) of the version table they are added to, lakehouse_version aside. -#}
{% macro assert_same_columns(staged, version_columns) %}
    {%- set described = [] -%}
    {%- for columns in [adapter.get_columns_in_relation(staged), version_columns] -%}
        {%- set names_and_types = [] -%}
        {%- for column in columns if column.name != 'lakehouse_version' -%}
            {%- do names_and_types.append(column.name ~ ' ' ~ column.data_type) -%}
        {%- endfor -%}
        {%- do described.append(names_and_types | sort) -%}
    {%- endfor -%}
    {%- if described[0] != described[1] -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": the model's columns changed (on_schema_change='fail'): now "
            ~ described[0] | join(', ') ~ '; the table has ' ~ described[1] | join(', ')
            ~ '. Rebuild it with --full-refresh.') }}
    {%- endif -%}
{% endmacro %}
