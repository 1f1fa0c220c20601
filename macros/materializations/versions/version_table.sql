{% macro version_table(relation, version) %}
    {{ return(relation.incorporate(path={'identifier': relation.identifier ~ '__v' ~ version}, type='table')) }}
{% endmacro %}

{% macro version_column() %}
    {{ return('lakehouse_version') }}
{% endmacro %}
