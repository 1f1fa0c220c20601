{#- Whether the version `versions` (a relation or alias with version_validity's columns) held on
    `day`: from valid_from (inclusive) to valid_to (exclusive), either open when null. -#}
{% macro held_on(versions, day) -%}
    ({{ versions }}.valid_from is null or {{ versions }}.valid_from <= {{ day }})
    and ({{ versions }}.valid_to is null or {{ day }} < {{ versions }}.valid_to)
{%- endmacro %}
