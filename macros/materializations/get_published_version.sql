{#- What the model's view publishes, read from the view's own text (the one thing switched
    atomically): {'table': the version table, 'version': the newest version id it selects,
    'partitioned': whether it selects versioned partitions (incremental models)}, or none before the
    first versioned build. -#}
{% macro get_published_version(relation) %}
    {%- set existing = load_cached_relation(relation) -%}
    {%- if existing is none or not existing.is_view -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set view_text = run_query('show create table ' ~ relation).columns[0].values()[0] -%}
    {%- set tables = modules.re.findall(
        '\\b' ~ modules.re.escape(relation.identifier) ~ '__v([0-9]+)\\b', view_text) -%}
    {%- if tables | unique | list | length != 1 -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set versions = modules.re.findall("lakehouse_version = '([0-9]+)'", view_text) -%}
    {{ return({
        'table': version_table(relation, tables[0]),
        'version': (versions or tables) | map('int') | max | string,
        'partitioned': versions | length > 0,
    }) }}
{% endmacro %}
