{#- The table materialization, replacing dbt-spark's (which drops a Parquet table and then creates
    it again, so a failing build leaves nothing and readers see no table meanwhile). Each build
    writes a new generation table, <model>__g<id>, and then switches the model's view, <model>, to
    it (lakehouse_publish_generation): a failing build leaves the served generation in place. The
    replaced generation stays until the model's next build, for readers still reading it. A build
    whose inputs (the model's code, configuration and what everything it reads serves) are those of
    the served generation keeps it and writes nothing. -#}
{% materialization table, adapter='lakehouse_spark', supported_languages=['sql', 'python'] %}
    {%- set language = model['language'] -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set served = lakehouse_served_generation(this) -%}
    {%- set inputs = adapter.model_inputs(model, graph, compiled_code) -%}
    {%- if lakehouse_inputs_are_unchanged(served, inputs) -%}
        {{ return(lakehouse_keep_served_generation(target_relation, served)) }}
    {%- endif -%}
    {%- set generation_table = adapter.generation_table(this, lakehouse_new_generation_id(served)) -%}
    {% do lakehouse_drop_unserved_generations(this, served) %}

    {{ run_hooks(pre_hooks) }}
    {%- call statement('main', language=language) -%}
        {{ create_table_as(False, generation_table,
            lakehouse_rebalance_partitions(lakehouse_with_column_comments(compiled_code), language),
            language) }}
    {%- endcall -%}
    {% do lakehouse_publish_generation(target_relation, 'select * from ' ~ generation_table) %}
    {% do adapter.record_inputs(target_relation, inputs, lakehouse_relation_comment()) %}

    {% do apply_grants(target_relation, config.get('grants'), should_revoke(existing, True)) %}
    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
