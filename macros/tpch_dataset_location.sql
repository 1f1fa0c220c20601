{#- Absolute folder holding the raw tables of the configured scale: <tpch_data_dir>/sf<scale>. -#}
{% macro tpch_dataset_location() -%}
    {%- set root = var('tpch_data_dir') | string | trim -%}
    {%- if not root.startswith('/') and not modules.re.match('[a-zA-Z][a-zA-Z0-9+.-]*:', root) -%}
        {#- Spark resolves a relative table location against the schema's folder: anchor it here. -#}
        {%- set root = flags.PROJECT_DIR ~ '/' ~ root -%}
    {%- endif -%}
    {{- root.rstrip('/') ~ '/sf' ~ tpch_scale_label() -}}
{%- endmacro %}
