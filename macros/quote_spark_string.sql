{#- A value as a Spark SQL string literal: backslashes and single quotes escaped, so no value read
    from a var or an environment variable can end the literal early. -#}
{% macro quote_spark_string(value) -%}
    '{{ value | string | replace("\\", "\\\\") | replace("'", "\\'") }}'
{%- endmacro %}
