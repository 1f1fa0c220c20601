{% materialization table, adapter='spark', supported_languages=['sql', 'python'] %}
    {%- set language = model['language'] -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set published = get_published_version(this) -%}
    {%- set inputs = adapter.model_inputs(model, graph, compiled_code) -%}
    {%- if inputs_are_unchanged(published, inputs) -%}
        {{ return(keep_published_version(target_relation, published)) }}
    {%- endif -%}
    {%- set version_relation = version_table(this, new_version_id(published)) -%}
    {% do drop_unpublished_versions(this, published) %}

    {{ run_hooks(pre_hooks) }}
    {%- call statement('main', language=language) -%}
        {{ create_table_as(False, version_relation, rebalance_partitions(compiled_code, language), language) }}
    {%- endcall -%}
    {% do publish_version(target_relation, 'select * from ' ~ version_relation) %}
    {% do adapter.record_inputs(target_relation, inputs) %}

    {% do apply_grants(target_relation, config.get('grants'), should_revoke(existing, True)) %}
    {% do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
