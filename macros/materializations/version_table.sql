{#- The table holding one version of a model: <model>__v<version>. -#}
{% macro version_table(relation, version) %}
    {{ return(relation.incorporate(path={'identifier': relation.identifier ~ '__v' ~ version}, type='table')) }}
{% endmacro %}
