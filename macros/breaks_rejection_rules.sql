{% macro breaks_rejection_rules(table) -%}
    {%- set conditions = [] -%}
    {%- for rule in tpch_rejection_rules(table) -%}
        {%- do conditions.append('coalesce(' ~ rule.when ~ ', false)') -%}
    {%- endfor -%}
    {{- ('(' ~ conditions | join(' or ') ~ ')') if conditions else 'false' -}}
{%- endmacro %}
