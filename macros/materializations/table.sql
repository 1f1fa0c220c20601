{% materialization table, adapter='spark', supported_languages=['sql', 'python'] %}
    {%- set language = model['language'] -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set swap = prepare_swap(target_relation) -%}

    {{ run_hooks(pre_hooks) }}
    {%- call statement('main', language=language) -%}
        {{ create_table_as(False, swap.staging, rebalance_partitions(compiled_code, language), language) }}
    {%- endcall -%}
    {% do swap_in_staged_table(swap, target_relation) %}

    {% do apply_grants(target_relation, config.get('grants'), should_revoke(swap.existing, True)) %}
    {% do persist_docs(target_relation, model) %}
    {% do persist_constraints(target_relation, model) %}
    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
