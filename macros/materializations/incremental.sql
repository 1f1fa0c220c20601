{% materialization incremental, adapter='spark', supported_languages=['sql', 'python'] %}
    {%- set file_format = dbt_spark_validate_get_file_format(config.get('file_format', 'parquet')) -%}
    {%- set strategy = dbt_spark_validate_get_incremental_strategy(
        config.get('incremental_strategy') or 'append', file_format) -%}
    {%- set on_schema_change = incremental_validate_on_schema_change(
        config.get('on_schema_change'), default='ignore') -%}
    {%- set language = model['language'] -%}
    {%- set target_relation = this.incorporate(type='table') -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set rebuild = existing is none or existing.is_view or should_full_refresh() -%}

    {%- if rebuild -%}
        {%- set swap = prepare_swap(target_relation) -%}
    {%- else -%}
        {%- set tmp_relation = this.incorporate(path={'identifier': this.identifier ~ '__dbt_tmp'}) -%}
        {%- if language == 'sql' -%}
            {%- set tmp_relation = tmp_relation.include(database=false, schema=false) -%}
        {%- endif -%}
        {%- if strategy in ['insert_overwrite', 'microbatch'] and config.get('partition_by') -%}
            {% call statement() %}set spark.sql.sources.partitionOverwriteMode = DYNAMIC{% endcall %}
        {%- endif -%}
    {%- endif -%}

    {{ run_hooks(pre_hooks) }}
    {%- if rebuild -%}
        {%- call statement('main', language=language) -%}
            {{ create_table_as(False, swap.staging, rebalance_partitions(compiled_code, language), language) }}
        {%- endcall -%}
        {% do swap_in_staged_table(swap, target_relation) %}
    {%- else -%}
        {%- call statement('create_tmp_relation', language=language) -%}
            {{ create_table_as(True, tmp_relation, rebalance_partitions(compiled_code, language), language) }}
        {%- endcall -%}
        {%- do process_schema_changes(on_schema_change, tmp_relation, existing) -%}
        {%- call statement('main') -%}
            {{ dbt_spark_get_incremental_sql(
                strategy, tmp_relation, target_relation, existing,
                config.get('unique_key'), config.get('incremental_predicates')) }}
        {%- endcall -%}
        {%- if language == 'python' -%}
            {% call statement('drop_relation') %}drop table if exists {{ tmp_relation }}{% endcall %}
        {%- endif -%}
    {%- endif -%}

    {% do apply_grants(target_relation, config.get('grants'), should_revoke(existing, rebuild)) %}
    {% do persist_docs(target_relation, model) %}
    {% do persist_constraints(target_relation, model) %}
    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
