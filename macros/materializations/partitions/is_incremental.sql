{% macro is_incremental() %}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- if model.config.materialized != 'incremental' or should_full_refresh() -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set published = get_published_version(this) -%}
    {{ return(published is not none and published.partitioned) }}
{% endmacro %}
