{% macro incremental_month_filter(date_column) -%}
    {%- if is_incremental() -%}
        {%- set lookback = var('fact_lookback_days') | string -%}
        {%- if not modules.re.fullmatch('[0-9]{1,3}', lookback) -%}
            {{ exceptions.raise_compiler_error(
                "var fact_lookback_days must be a whole number of days from 0 to 999, got '"
                ~ lookback ~ "'") }}
        {%- endif -%}
        {#- Whole months: the table is partitioned by month, each partition overwritten whole. -#}
        where {{ date_column }} >= (
            select
                coalesce(
                    trunc(date_sub(max(order_date), {{ lookback }}), 'MM'), date '1900-01-01'
                )
            from {{ this }}
        )
    {%- endif -%}
{%- endmacro %}
