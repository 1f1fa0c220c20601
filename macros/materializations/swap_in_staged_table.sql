{% macro swap_in_staged_table(swap, target_relation) %}
    {%- if swap.existing is not none -%}
        {% do adapter.rename_relation(swap.existing, swap.backup.incorporate(type=swap.existing.type)) %}
    {%- endif -%}
    {% do adapter.rename_relation(swap.staging.incorporate(type='table'), target_relation) %}
    {%- if swap.existing is not none -%}
        {% do adapter.drop_relation(swap.backup.incorporate(type=swap.existing.type)) %}
    {%- endif -%}
{% endmacro %}
