{% macro tpch_source_meta(table) %}
    {#- The graph exists once dbt executes; parsing needs only the source() calls. -#}
    {%- if not execute -%}{{ return({}) }}{%- endif -%}
    {%- for source in graph.sources.values() -%}
        {%- if source.source_name == 'tpch' and source.name == table -%}
            {{ return(source.config.meta) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("No table '" ~ table ~ "' in the tpch source") }}
{% endmacro %}
