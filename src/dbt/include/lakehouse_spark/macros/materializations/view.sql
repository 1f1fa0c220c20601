{#- dbt-spark's view materialization, except that a view created from this very definition
    (compiled SQL, configuration, columns) is kept as it is: a view serves whatever its inputs serve
    now. --full-refresh creates it again. -#}
{% materialization view, adapter='lakehouse_spark' -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- if not should_full_refresh()
        and adapter.view_is_unchanged(target_relation, model, compiled_code) -%}
        {% do lakehouse_refresh_comments(target_relation, none) %}
        {% do lakehouse_store_unchanged_result() %}
        {{ return({'relations': [target_relation]}) }}
    {%- endif -%}
    {%- set created = create_or_replace_view() -%}
    {% do adapter.record_view_definition(target_relation, model, compiled_code,
        lakehouse_relation_comment()) %}
    {{ return(created) }}
{%- endmaterialization %}
