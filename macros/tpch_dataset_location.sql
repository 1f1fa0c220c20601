{% macro tpch_dataset_location() -%}
    {%- set root = var('tpch_data_dir') | string | trim -%}
    {%- set is_uri = modules.re.match('[a-zA-Z][a-zA-Z0-9+.-]*:', root) -%}
    {%- if not is_uri -%}
        {#- Spark resolves a relative location against the schema's folder: anchor it here. -#}
        {%- set root = adapter.project_path(root) -%}
    {%- endif -%}
    {{- root.rstrip('/') ~ '/sf' ~ tpch_scale_label() -}}
{%- endmacro %}
