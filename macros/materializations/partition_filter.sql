{#- A predicate selecting exactly the given partitions of a version table, grouped by version:
    (lakehouse_version = '…' and ((order_month = '…') or …)) or … -#}
{% macro partition_filter(partitions, version) %}
    {%- set by_version = {} -%}
    {%- for partition in partitions | sort(attribute='key') -%}
        {%- do by_version.setdefault(partition.version, []).append(partition) -%}
    {%- endfor -%}
    {%- set groups = [] -%}
    {%- for group_version, members in by_version | dictsort -%}
        {%- do groups.append("(lakehouse_version = '" ~ group_version ~ "' and ("
            ~ partitions_condition(members) ~ '))') -%}
    {%- endfor -%}
    {#- No partition at all: still name the version, so that the view says what it publishes. -#}
    {{ return(groups | join('\n    or ') or "(lakehouse_version = '" ~ version ~ "' and false)") }}
{% endmacro %}

{#- The rows of the given partitions, by their partition columns: (order_month = '…') or … -#}
{% macro partitions_condition(partitions) %}
    {%- set keys = [] -%}
    {%- for partition in partitions -%}
        {%- set conditions = [] -%}
        {%- for column, value in partition['values'] -%}
            {%- do conditions.append(
                column ~ ' is null' if value == '__HIVE_DEFAULT_PARTITION__'
                else column ~ ' = ' ~ quote_spark_string(value)) -%}
        {%- endfor -%}
        {%- do keys.append('(' ~ (conditions | join(' and ') or 'true') ~ ')') -%}
    {%- endfor -%}
    {{ return(keys | join(' or ')) }}
{% endmacro %}
