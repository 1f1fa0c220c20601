{#- dbt-spark's view DDL (staging and intermediate views), except that an existing view is changed
    with ALTER VIEW, one metastore write, instead of CREATE OR REPLACE VIEW, which Spark runs as a
    drop and a create: a reader never finds the view missing while it is rebuilt. Falls back to
    dbt-spark's for a new view or when column docs are persisted. -#}
{% macro lakehouse_spark__create_view_as(relation, sql) -%}
    {%- set existing = load_cached_relation(relation) -%}
    {%- if existing is none or not existing.is_view or config.persist_column_docs() -%}
        {{ dbt.spark__create_view_as(relation, sql) }}
    {%- else -%}
        {%- if config.get('contract').enforced -%}
            {{ get_assert_columns_equivalent(sql) }}
        {%- endif %}
        alter view {{ relation }} as
        {{ sql }}
    {%- endif -%}
{%- endmacro %}
