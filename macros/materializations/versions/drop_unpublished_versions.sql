{% macro drop_unpublished_versions(relation, published) %}
    {%- set pattern = '^' ~ modules.re.escape(relation.identifier) ~ '__v[0-9]+$' -%}
    {%- set keep = published.table.identifier if published is not none else none -%}
    {%- for row in run_query('show tables in ' ~ relation.schema ~ " like '" ~ relation.identifier ~ "__v*'") -%}
        {%- if modules.re.match(pattern, row['tableName']) and row['tableName'] != keep -%}
            {% do adapter.drop_relation(relation.incorporate(path={'identifier': row['tableName']}, type='table')) %}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
