{#- The view materialization, in generations as tables are (table.sql): each build creates a
    generation view, <model>__g<id>, with the model's SQL and each column's description as its
    comment, then switches the model's view, <model>, to `select * from` it with ALTER VIEW, one
    metastore write: readers never find the view missing, and its columns show their comments
    (Spark can neither comment a view's column nor keep a comment through ALTER VIEW ... AS, but a
    view over a view keeps the comments of the one it selects from). A view created from this very
    definition (compiled SQL, configuration, columns) whose columns show their descriptions is kept
    as it is: a view serves whatever its inputs serve now. --full-refresh creates it again. -#}
{% materialization view, adapter='lakehouse_spark' -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set stale = adapter.stale_comments(target_relation, lakehouse_column_comments(), none) -%}
    {%- if not should_full_refresh() and not stale.columns
        and adapter.view_is_unchanged(target_relation, model, compiled_code) -%}
        {% do lakehouse_refresh_comments(target_relation, none) %}
        {% do lakehouse_store_unchanged_result() %}
        {{ return({'relations': [target_relation]}) }}
    {%- endif -%}
    {%- set served = lakehouse_served_generation(this) -%}
    {%- set generation_view = adapter.generation_table(this, lakehouse_new_generation_id(served))
        .incorporate(type='view') -%}
    {% do lakehouse_drop_unserved_generations(this, served) %}

    {{ run_hooks(pre_hooks) }}
    {%- call statement('main') -%}
        {%- if config.get('contract').enforced -%}
            {{ get_assert_columns_equivalent(compiled_code) }}
        {%- endif %}
        create view {{ generation_view }} {{ lakehouse_commented_columns(compiled_code) }} as
        {{ compiled_code }}
    {%- endcall -%}
    {% do lakehouse_publish_generation(target_relation, 'select * from ' ~ generation_view) %}
    {% do adapter.record_view_definition(target_relation, model, compiled_code,
        lakehouse_relation_comment()) %}
    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}
{%- endmaterialization %}
