{% macro tpch_rejection_rules(table) %}
    {{ return(tpch_source_meta(table).get('rejection_rules', [])) }}
{% endmacro %}
