{% macro partition_filter(partitions, version) %}
    {%- set by_version = {} -%}
    {%- for partition in partitions | sort(attribute='key') -%}
        {%- do by_version.setdefault(partition.version, []).append(partition) -%}
    {%- endfor -%}
    {%- set groups = [] -%}
    {%- for group_version, members in by_version | dictsort -%}
        {%- do groups.append('(' ~ version_column() ~ " = '" ~ group_version ~ "' and ("
            ~ partitions_condition(members) ~ '))') -%}
    {%- endfor -%}
    {#- No partition at all: still name the version, so that the view says what it publishes. -#}
    {{ return(groups | join('\n    or ')
        or '(' ~ version_column() ~ " = '" ~ version ~ "' and false)") }}
{% endmacro %}

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
