{% macro rebalance_partitions(compiled_code, language) -%}
    {%- set columns = partition_columns() -%}
    {%- if language == 'sql' and columns -%}
        select /*+ REBALANCE({{ columns | join(', ') }}) */ * from (
            {{ compiled_code }}
        ) as rebalanced
    {%- else -%}
        {{ compiled_code }}
    {%- endif -%}
{%- endmacro %}
