{% macro incremental_month_filter(date_column) -%}
    {%- if is_incremental() -%}
        {%- set lookback = var('fact_lookback_months') | string -%}
        {%- if not modules.re.fullmatch('[0-9]{1,3}', lookback) -%}
            {{ exceptions.raise_compiler_error(
                "var fact_lookback_months must be a whole number of months from 0 to 999, got '"
                ~ lookback ~ "'") }}
        {%- endif -%}
        where {{ date_column }} >= (
            select coalesce(add_months(max(order_month), -{{ lookback }}), date '1900-01-01')
            from {{ this }}
        )
    {%- endif -%}
{%- endmacro %}
