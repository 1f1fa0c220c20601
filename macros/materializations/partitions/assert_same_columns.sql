{% macro assert_same_columns(staged, version_columns) %}
    {%- set described = [] -%}
    {%- for columns in [adapter.get_columns_in_relation(staged), version_columns] -%}
        {%- set names_and_types = [] -%}
        {%- for column in columns if column.name != version_column() -%}
            {%- do names_and_types.append(column.name ~ ' ' ~ column.data_type) -%}
        {%- endfor -%}
        {%- do described.append(names_and_types) -%}
    {%- endfor -%}
    {%- set added = described[0] | reject('in', described[1]) | list -%}
    {%- set removed = described[1] | reject('in', described[0]) | list -%}
    {%- set changes = [] -%}
    {%- if added -%}{% do changes.append('new: ' ~ added | join(', ')) %}{%- endif -%}
    {%- if removed -%}{% do changes.append('no longer: ' ~ removed | join(', ')) %}{%- endif -%}
    {%- if changes -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": the model's columns changed (on_schema_change='fail'): "
            ~ changes | join('; ') ~ '. The published rows stay as they are; rebuild with '
            ~ '--full-refresh to change the columns.') }}
    {%- endif -%}
{% endmacro %}
