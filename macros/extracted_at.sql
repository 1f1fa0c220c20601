{#- The column `extracted_at` of a staged extract: the day of the full extract its rows come from,
    from which a snapshot dates the changes it finds. Generated data, with no landing folders, is
    one extract that holds from TPC-H's first order date. -#}
{% macro extracted_at() -%}
    cast(coalesce(landing_date, date '1992-01-01') as timestamp) as extracted_at
{%- endmacro %}
