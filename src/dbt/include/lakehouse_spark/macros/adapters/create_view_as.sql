{#- dbt-spark's view DDL, for the views dbt creates outside the view materialization (which writes
    generation views, view.sql), except that an existing view is changed with ALTER VIEW, one
    metastore write, instead of CREATE OR REPLACE VIEW, which Spark runs as a drop and a create: a
    reader never finds the view missing while it is rebuilt. The view's comment is set when it is
    created, and kept by ALTER VIEW. -#}
{% macro lakehouse_spark__create_view_as(relation, sql) -%}
    {%- set existing = load_cached_relation(relation) -%}
    {%- if config.get('contract').enforced -%}
        {{ get_assert_columns_equivalent(sql) }}
    {%- endif %}
    {%- if existing is none or not existing.is_view %}
        create or replace view {{ relation }}
        {{ comment_clause() }}
    {%- else %}
        alter view {{ relation }}
    {%- endif %}
    as
    {{ sql }}
{%- endmacro %}
