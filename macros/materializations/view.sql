{% materialization view, adapter='spark' -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- if not should_full_refresh()
        and adapter.view_is_unchanged(target_relation, model, compiled_code) -%}
        {% do store_unchanged_result() %}
        {{ return({'relations': [target_relation]}) }}
    {%- endif -%}
    {%- set created = create_or_replace_view() -%}
    {% do adapter.record_view_definition(target_relation, model, compiled_code) %}
    {{ return(created) }}
{%- endmaterialization %}
