{#- The configuration of a model kept by order month: incremental, each run overwriting the month
    partitions it rebuilds (incremental_month_filter), its columns fixed until a full refresh. -#}
{% macro kept_by_order_month() %}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'insert_overwrite',
        'partition_by': ['order_month'],
        'on_schema_change': 'fail',
    }) }}
{% endmacro %}
