{% macro tpch_scale_label() -%}
    {%- set scale_text = var('tpch_scale') | string | trim -%}
    {%- set is_number = modules.re.fullmatch('[0-9]+(\.[0-9]+)?', scale_text) -%}
    {%- if not is_number or not (0 < scale_text | float <= 1000) -%}
        {{ exceptions.raise_compiler_error(
            "Invalid TPC-H scale factor '" ~ scale_text ~ "' (TPCH_SCALE or var tpch_scale): use a number "
            ~ "greater than 0 and at most 1000, for example 0.01, 1 or 10.") }}
    {%- endif -%}
    {{- '%g' | format(scale_text | float) -}}
{%- endmacro %}
