{#- Writing an incremental model's staged rows as one generation of their partitions. -#}

{#- The statement: creates the generation table on a full build, inserts new partition folders
    otherwise, in the order of the table's columns (`columns`; none to create). Rows are shuffled
    once by the partition columns (lakehouse_rebalance_partitions). -#}
{% macro lakehouse_write_partition_generation(table, staged, generation, columns) %}
    {%- set column = adapter.generation_column() -%}
    {%- set generation_literal = "'" ~ generation ~ "' as " ~ column -%}
    {%- if columns is none -%}
        create table {{ table }}
        {{ file_format_clause() }}
        partitioned by ({{ (lakehouse_partition_columns() + [column]) | join(', ') }})
        as {{ lakehouse_rebalance_partitions('select *, ' ~ generation_literal ~ ' from ' ~ staged, 'sql') }}
    {%- else -%}
        {%- set select_list = [] -%}
        {%- for name in columns -%}
            {%- do select_list.append(generation_literal if name == column else name) -%}
        {%- endfor -%}
        insert into {{ table }}
        {{ lakehouse_rebalance_partitions('select ' ~ select_list | join(', ') ~ ' from ' ~ staged, 'sql') }}
    {%- endif -%}
{% endmacro %}

{#- on_schema_change='fail': fails the run, naming both column lists, when the new rows do not have
    the columns (names and types) of the generation table. -#}
{% macro lakehouse_assert_same_columns(staged_columns, table_columns) %}
    {%- set described = [] -%}
    {%- for columns in [staged_columns, table_columns] -%}
        {%- set names_and_types = [] -%}
        {%- for column in columns if column.name != adapter.generation_column() -%}
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
