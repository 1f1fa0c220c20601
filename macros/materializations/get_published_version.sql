{#- What the model's view publishes, read from the view's own text (the one thing switched
    atomically): {'table': the version table, 'version': the newest version id it selects,
    'partitioned': whether it selects versioned partitions (incremental models), 'inputs': what
    that version was built from}, or none before the first versioned build. -#}
{% macro get_published_version(relation) %}
    {%- set published = adapter.published_version(relation) -%}
    {%- if published is not none -%}
        {% do published.update({'table': version_table(relation, published.table_version)}) %}
    {%- endif -%}
    {{ return(published) }}
{% endmacro %}
