{% macro drop_partitions(table, partitions) %}
    {%- if partitions -%}
        {%- set specs = [] -%}
        {%- for partition in partitions -%}
            {%- set values = [] -%}
            {%- for column, value in partition['values'] + [[version_column(), partition.version]] -%}
                {%- do values.append(column ~ ' = ' ~ quote_spark_string(value)) -%}
            {%- endfor -%}
            {%- do specs.append('partition (' ~ values | join(', ') ~ ')') -%}
        {%- endfor -%}
        {% call statement('drop_partitions') -%}
            alter table {{ table }} drop if exists {{ specs | join(', ') }}
        {%- endcall %}
    {%- endif -%}
{% endmacro %}
