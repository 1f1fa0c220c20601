{% macro spark__create_view_as(relation, sql) -%}
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
