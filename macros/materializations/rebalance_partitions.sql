{#- The model's SQL, shuffled once by its partition columns before writing when the table is
    partitioned: each partition then gets files of about spark.sql.adaptive.advisoryPartitionSizeInBytes
    (SPARK_TARGET_FILE_SIZE) rather than one small file per task. -#}
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
