{% macro rejection_reason(table) -%}
    {%- set branches = [] -%}
    {%- for rule in tpch_rejection_rules(table) -%}
        {%- set reason = quote_spark_string(rule.reason) -%}
        {%- do branches.append('when coalesce(' ~ rule.when ~ ', false) then ' ~ reason) -%}
    {%- endfor -%}
    {{- ('case ' ~ branches | join(' ') ~ ' end') if branches else 'cast(null as string)' -}}
{%- endmacro %}
