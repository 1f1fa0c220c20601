{#- Points the model's view at a complete version: one metastore write (ALTER VIEW), so a reader
    sees the old version or the new one, never neither. (Spark's CREATE OR REPLACE VIEW drops the
    view and creates it again, so it is used only the first time.) -#}
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
