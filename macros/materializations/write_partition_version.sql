{#- Writes the staged rows of an incremental model as version `version` of their partitions:
    creates the version table on a full build, inserts new partitions otherwise (existing files
    are never touched). One shuffle by the partition columns, as rebalance_partitions does. -#}
{% macro write_partition_version(version_table, staged, version, full_build) %}
    {%- set partition_by = config.get('partition_by') or [] -%}
    {%- set partition_columns = [partition_by] if partition_by is string else partition_by -%}
    {%- set hint = '/*+ REBALANCE(' ~ partition_columns | join(', ') ~ ') */' if partition_columns else '' -%}
    {%- if full_build -%}
        create table {{ version_table }}
        {{ file_format_clause() }}
        partitioned by ({{ (partition_columns + ['lakehouse_version']) | join(', ') }})
        as select {{ hint }} *, '{{ version }}' as lakehouse_version
        from {{ staged }}
    {%- else -%}
        insert into {{ version_table }}
        select {{ hint }}
        {%- for column in adapter.get_columns_in_relation(version_table) | map(attribute='name') %}
            {{ "'" ~ version ~ "' as lakehouse_version" if column == 'lakehouse_version' else column }}
            {{- ',' if not loop.last }}
        {%- endfor %}
        from {{ staged }}
    {%- endif -%}
{% endmacro %}
