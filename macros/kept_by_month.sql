{#- The configuration of a model kept by month (`month_column`, order_month unless given):
    incremental, each run overwriting the month partitions it rebuilds, its columns fixed until a
    full refresh. Which months: those its incremental filter keeps (insert_overwrite), or, with
    `batched`, dbt's microbatches of a month over the inputs' `event_time` (the month a run's
    latest order falls in and the one before, or the months between --event-time-start and
    --event-time-end). -#}
{% macro kept_by_month(month_column='order_month', batched=false) %}
    {%- set config = {
        'materialized': 'incremental',
        'incremental_strategy': 'insert_overwrite',
        'partition_by': [month_column],
        'on_schema_change': 'fail',
    } -%}
    {%- if batched -%}
        {%- do config.update({
            'incremental_strategy': 'microbatch',
            'event_time': month_column,
            'batch_size': 'month',
            'lookback': 1,
            'begin': '1992-01-01',
        }) -%}
    {%- endif -%}
    {{ return(config) }}
{% endmacro %}
