{% macro generate_date_spine(start_date, end_date) -%}
    {%- for value in [start_date, end_date] -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value | string) -%}
            {{ exceptions.raise_compiler_error(
                "generate_date_spine: '" ~ value ~ "' is not a date written YYYY-MM-DD") }}
        {%- endif -%}
    {%- endfor -%}
    select explode(sequence(
        to_date({{ quote_spark_string(start_date) }}),
        to_date({{ quote_spark_string(end_date) }}),
        interval 1 day
    )) as date_day
{%- endmacro %}
