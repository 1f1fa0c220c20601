{#- Publishing a generation, or keeping the one served. -#}

{#- Points the model's view at a complete generation with ALTER VIEW, one metastore write (Spark's
    CREATE OR REPLACE VIEW drops and creates, so it is used only when there is no view yet): a
    reader sees the old generation or the new one, never neither and never half of one. A table left
    by a layout without generations is dropped first, once. -#}
{% macro lakehouse_publish_generation(relation, select_sql) %}
    {%- set existing = load_cached_relation(relation) -%}
    {%- if existing is not none and not existing.is_view -%}
        {% do adapter.drop_relation(existing) %}
        {%- set existing = none -%}
    {%- endif -%}
    {% call statement('publish_generation') -%}
        {{ 'alter view' if existing is not none else 'create view' }} {{ relation }} as
        {{ select_sql }}
    {%- endcall %}
    {% do adapter.forget_served(relation) %}
{% endmacro %}

{#- Whether a build can keep the generation the model's view serves: the inputs it was built from
    are known and equal to this build's (adapter.model_inputs), and this is no full refresh. -#}
{% macro lakehouse_inputs_are_unchanged(served, inputs) %}
    {{ return(served is not none and inputs is not none and served.inputs == inputs
        and not should_full_refresh()) }}
{% endmacro %}

{#- What a table or incremental materialization returns when it keeps the served generation (its
    comments brought up to the model's descriptions). -#}
{% macro lakehouse_keep_served_generation(relation, served) %}
    {% do lakehouse_refresh_comments(relation, served.table, served.text) %}
    {% do lakehouse_store_unchanged_result('unchanged: keeps generation ' ~ served.generation) %}
    {{ return({'relations': [relation]}) }}
{% endmacro %}

{#- The result of a node that wrote nothing (adapter response code UNCHANGED, shown by dbt as its
    message); agate_table holds a test's one passing row. -#}
{% macro lakehouse_store_unchanged_result(message='unchanged', agate_table=none) %}
    {% do store_raw_result('main', message=message, code='UNCHANGED', rows_affected=none,
        agate_table=agate_table) %}
{% endmacro %}
