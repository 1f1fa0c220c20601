{% macro write_partition_version(table, staged, version, columns) %}
    {%- set version_literal = "'" ~ version ~ "' as " ~ version_column() -%}
    {%- if columns is none -%}
        create table {{ table }}
        {{ file_format_clause() }}
        partitioned by ({{ (partition_columns() + [version_column()]) | join(', ') }})
        as {{ rebalance_partitions('select *, ' ~ version_literal ~ ' from ' ~ staged, 'sql') }}
    {%- else -%}
        {%- set select_list = [] -%}
        {%- for column in columns -%}
            {%- do select_list.append(version_literal if column == version_column() else column) -%}
        {%- endfor -%}
        insert into {{ table }}
        {{ rebalance_partitions('select ' ~ select_list | join(', ') ~ ' from ' ~ staged, 'sql') }}
    {%- endif -%}
{% endmacro %}
