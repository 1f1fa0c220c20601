{#- How a model's rows are laid out in files, for the materializations and py_write_table. -#}

{#- The model's partition_by config as a list of column names (empty when unpartitioned). -#}
{% macro lakehouse_partition_columns() %}
    {%- set partition_by = config.get('partition_by') or [] -%}
    {{ return([partition_by] if partition_by is string else partition_by) }}
{% endmacro %}

{#- The model's SQL under a REBALANCE hint on its partition columns when the table is partitioned
    (otherwise unchanged), so that each partition is written as files of about
    spark.sql.adaptive.advisoryPartitionSizeInBytes (SPARK_TARGET_FILE_SIZE) instead of one small
    file per task. Python models get the same hint in py_write_table. -#}
{% macro lakehouse_rebalance_partitions(compiled_code, language) -%}
    {%- set columns = lakehouse_partition_columns() -%}
    {%- if language == 'sql' and columns -%}
        select /*+ REBALANCE({{ columns | join(', ') }}) */ * from (
            {{ compiled_code }}
        ) as rebalanced
    {%- else -%}
        {{ compiled_code }}
    {%- endif -%}
{%- endmacro %}
