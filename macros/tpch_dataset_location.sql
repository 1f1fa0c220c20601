{% macro tpch_dataset_location() -%}
    {%- set root = var('tpch_data_dir') | string | trim -%}
    {%- set is_uri = modules.re.match('[a-zA-Z][a-zA-Z0-9+.-]*:', root) -%}
    {%- if not root.startswith('/') and not is_uri -%}
        {#- Spark resolves a relative location against the schema's folder: anchor it here. -#}
        {%- set root = flags.PROJECT_DIR ~ '/' ~ root -%}
    {%- endif -%}
    {{- root.rstrip('/') ~ '/sf' ~ tpch_scale_label() -}}
{%- endmacro %}
