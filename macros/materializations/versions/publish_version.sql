{% macro publish_version(relation, select_sql) %}
    {%- set existing = load_cached_relation(relation) -%}
    {%- if existing is not none and not existing.is_view -%}
        {#- A table from before versioned models: replaced once, without the atomic switch. -#}
        {% do adapter.drop_relation(existing) %}
        {%- set existing = none -%}
    {%- endif -%}
    {% call statement('publish_version') -%}
        {{ 'alter view' if existing is not none else 'create view' }} {{ relation }} as
        {{ select_sql }}
    {%- endcall %}
{% endmacro %}
