{% macro tpch_rejection_rules(table) %}
    {#- The graph exists once dbt executes; parsing needs only the source() calls. -#}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- for source in graph.sources.values() -%}
        {%- if source.source_name == 'tpch' and source.name == table -%}
            {{ return(source.config.meta.get('rejection_rules', [])) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("No table '" ~ table ~ "' in the tpch source") }}
{% endmacro %}
