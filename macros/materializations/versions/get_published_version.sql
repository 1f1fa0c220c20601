{% macro get_published_version(relation) %}
    {%- set published = adapter.published_version(relation) -%}
    {%- if published is not none -%}
        {% do published.update({'table': version_table(relation, published.table_version)}) %}
    {%- endif -%}
    {{ return(published) }}
{% endmacro %}
