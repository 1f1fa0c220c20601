{% materialization incremental, adapter='spark', supported_languages=['sql', 'python'] %}
    {%- set on_schema_change = config.get('on_schema_change') or 'ignore' -%}
    {%- if config.get('incremental_strategy') != 'insert_overwrite'
        or on_schema_change not in ['ignore', 'fail'] -%}
        {{ exceptions.raise_compiler_error(
            model.name ~ ": incremental models here are versioned partitions: set "
            ~ "incremental_strategy='insert_overwrite', and on_schema_change 'fail' or 'ignore' "
            ~ "(change the columns with --full-refresh).") }}
    {%- endif -%}
    {%- set language = model['language'] -%}
    {%- set target_relation = this.incorporate(type='view') -%}
    {%- set existing = load_cached_relation(this) -%}
    {%- set published = get_published_version(this) -%}
    {%- set inputs = adapter.model_inputs(model, graph, compiled_code) -%}
    {%- if inputs_are_unchanged(published, inputs) -%}
        {{ return(keep_published_version(target_relation, published)) }}
    {%- endif -%}
    {%- set full_build = published is none or not published.partitioned or should_full_refresh() -%}
    {%- set version = new_version_id(published) -%}
    {%- set version_relation = version_table(this, version) if full_build else published.table -%}
    {% do drop_unpublished_versions(this, published) %}
    {%- if not full_build -%}
        {% do drop_partitions(version_relation, list_partition_versions(version_relation, published.version).other) %}
    {%- endif -%}

    {%- set staged = this.incorporate(path={'identifier': this.identifier ~ '__dbt_tmp'}) -%}
    {%- set model_sql = compiled_code -%}
    {%- if language == 'sql' -%}
        {%- set staged = staged.include(database=false, schema=false) -%}
        {%- if config.get('contract').enforced -%}
            {% do get_assert_columns_equivalent(compiled_code) %}
            {%- set model_sql = get_select_subquery(compiled_code) -%}
        {%- endif -%}
    {%- endif -%}

    {{ run_hooks(pre_hooks) }}
    {%- call statement('stage_rows', language=language) -%}
        {{ create_table_as(True, staged, model_sql, language) }}
    {%- endcall -%}
    {#- The version table's columns: described once, before an insert, after a create. -#}
    {%- set version_columns = none if full_build else adapter.get_columns_in_relation(version_relation) -%}
    {%- if on_schema_change == 'fail' and not full_build -%}
        {% do assert_same_columns(staged, version_columns) %}
    {%- endif -%}
    {%- call statement('main') -%}
        {{ write_partition_version(version_relation, staged, version,
            none if full_build else version_columns | map(attribute='name') | list) }}
    {%- endcall -%}
    {%- if language == 'python' -%}
        {% do adapter.drop_relation(staged.incorporate(type='table')) %}
    {%- endif -%}
    {%- if full_build -%}
        {%- set version_columns = adapter.get_columns_in_relation(version_relation) -%}
    {%- endif -%}
    {%- set columns = version_columns | map(attribute='name') | reject('equalto', version_column()) | list -%}
    {%- set partitions = list_partition_versions(version_relation, version).current -%}
    {% do publish_version(target_relation,
        'select ' ~ columns | join(', ') ~ '\nfrom ' ~ version_relation ~ '\nwhere ' ~ partition_filter(partitions, version)) %}
    {% do adapter.record_inputs(target_relation, inputs) %}

    {% do apply_grants(target_relation, config.get('grants'), should_revoke(existing, full_build)) %}
    {% do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks) }}

    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
