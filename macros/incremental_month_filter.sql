{#- The first month an incremental run rebuilds: the month holding the model's latest loaded
    `latest_column` (a date, or a month's first day) less var('fact_lookback_days') days. A scalar
    subquery on the model's own table; Spark prunes partitions by it when the run starts. -#}
{% macro incremental_first_month(latest_column='order_date') -%}
    {%- set lookback = var('fact_lookback_days') | string -%}
    {%- if not modules.re.fullmatch('[0-9]{1,3}', lookback) -%}
        {{ exceptions.raise_compiler_error(
            "var fact_lookback_days must be a whole number of days from 0 to 999, got '"
            ~ lookback ~ "'") }}
    {%- endif -%}
    (
        select
            coalesce(
                trunc(date_sub(max({{ latest_column }}), {{ lookback }}), 'MM'), date '1900-01-01'
            )
        from {{ this }}
    )
{%- endmacro %}

{#- On an incremental run, a `where` clause keeping the rows of the months it rebuilds; on a full
    build, nothing (every row). `date_column`: the input's date (or month) that decides the row's
    month. `landed`: the input is a staging view over the raw feed, pruned to the landing partitions
    from that month on (nothing lands before its order date); generated data, with no landing
    date, is read whole. -#}
{% macro incremental_month_filter(date_column=none, landed=false, latest_column='order_date') -%}
    {%- if is_incremental() -%}
        {%- set first_month = incremental_first_month(latest_column) | trim -%}
        {%- set conditions = [] -%}
        {%- if date_column -%}
            {%- do conditions.append(date_column ~ ' >= ' ~ first_month) -%}
        {%- endif -%}
        {%- if landed -%}
            {%- do conditions.append(
                '(landing_date >= ' ~ first_month ~ ' or landing_date is null)') -%}
        {%- endif -%}
        where {{ conditions | join('\n    and ') }}
    {%- endif -%}
{%- endmacro %}
