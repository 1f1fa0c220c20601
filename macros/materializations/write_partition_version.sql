{#- Writes the staged rows of an incremental model as version `version` of their partitions:
    creates the version table on a full build (columns none), inserts new partitions into it
    otherwise, in the order of its columns (existing files are never touched). Rows are shuffled
    by the partition columns first (rebalance_partitions). -#}
{% macro write_partition_version(version_table, staged, version, columns) %}
    {%- set version_literal = "'" ~ version ~ "' as lakehouse_version" -%}
    {%- if columns is none -%}
        create table {{ version_table }}
        {{ file_format_clause() }}
        partitioned by ({{ (partition_columns() + ['lakehouse_version']) | join(', ') }})
        as {{ rebalance_partitions('select *, ' ~ version_literal ~ ' from ' ~ staged, 'sql') }}
    {%- else -%}
        {%- set select_list = [] -%}
        {%- for column in columns -%}
            {%- do select_list.append(version_literal if column == 'lakehouse_version' else column) -%}
        {%- endfor -%}
        insert into {{ version_table }}
        {{ rebalance_partitions('select ' ~ select_list | join(', ') ~ ' from ' ~ staged, 'sql') }}
    {%- endif -%}
{% endmacro %}
