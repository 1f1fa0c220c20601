{% macro list_partition_versions(table, up_to) %}
    {%- set latest = {} -%}
    {%- set partitions = [] -%}
    {%- for row in run_query('show partitions ' ~ table) -%}
        {%- if '%' in row[0] -%}
            {{ exceptions.raise_compiler_error(
                'Partition ' ~ row[0] ~ ' of ' ~ table ~ ' has an escaped value: versioned '
                ~ 'incremental models take partition values without special characters '
                ~ '(dates, numbers, words).') }}
        {%- endif -%}
        {%- set parts = row[0].split('/') -%}
        {%- set values = [] -%}
        {%- for part in parts[:-1] -%}
            {%- do values.append(part.split('=', 1)) -%}
        {%- endfor -%}
        {%- set partition = {
            'key': parts[:-1] | join('/'),
            'values': values,
            'version': parts[-1].split('=', 1)[1],
        } -%}
        {%- do partitions.append(partition) -%}
        {%- set newest = latest.get(partition.key) -%}
        {%- if partition.version | int <= up_to | int
            and (newest is none or newest.version | int < partition.version | int) -%}
            {%- do latest.update({partition.key: partition}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set current = latest.values() | list -%}
    {{ return({'current': current, 'other': partitions | reject('in', current) | list}) }}
{% endmacro %}
