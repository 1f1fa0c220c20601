{#- Whether a raw row belongs to the latest extract of its table, for a table landed as full daily
    extracts (meta full_extracts); true for other tables. Null-safe: generated data, with no landing
    folders, is one extract whose landing_date is null. -#}
{% macro in_latest_extract(table) -%}
    {%- if tpch_source_meta(table).get('full_extracts') -%}
        landing_date <=> (select max(landing_date) from {{ source('tpch', table) }})
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}
