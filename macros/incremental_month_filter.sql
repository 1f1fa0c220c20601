{#- A var holding a whole number of days, from 0 to 999, as text (`var_days(name) | int` for the
    number); a compile error naming it otherwise. -#}
{% macro var_days(name) -%}
    {%- set value = var(name) | string -%}
    {%- if not modules.re.fullmatch('[0-9]{1,3}', value) -%}
        {{ exceptions.raise_compiler_error(
            "var " ~ name ~ " must be a whole number of days from 0 to 999, got '" ~ value ~ "'") }}
    {%- endif -%}
    {{ value }}
{%- endmacro %}

{#- The first month an incremental run rebuilds: the month holding the model's latest loaded
    `latest_column` (a date, or a month's first day) less var('fact_lookback_days') days, and less
    `days_before` more. A scalar subquery on the model's own table; Spark prunes partitions by it
    when the run starts. -#}
{% macro incremental_first_month(latest_column='order_date', days_before=0) -%}
    (
        select
            coalesce(
                trunc(
                    date_sub(max({{ latest_column }}), {{ var_days('fact_lookback_days') | int + days_before }}),
                    'MM'
                ),
                date '1900-01-01'
            )
        from {{ this }}
    )
{%- endmacro %}

{#- On an incremental run, a `where` clause keeping the rows of the months it rebuilds; on a full
    build, nothing (every row). `date_column`: the input's date (or month) that decides the row's
    month. `landed`: the input is a staging view over the raw feed, pruned to the landing partitions
    from that month on (nothing lands before its order date); generated data, with no landing
    date, is read whole. `latest_column` and `days_before`: as incremental_first_month takes them. -#}
{% macro incremental_month_filter(
    date_column=none, landed=false, latest_column='order_date', days_before=0
) -%}
    {%- if is_incremental() -%}
        {%- set first_month = incremental_first_month(latest_column, days_before) | trim -%}
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
